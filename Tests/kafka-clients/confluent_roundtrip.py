"""confluent-kafka (librdkafka) against a Sluice broker: an idempotent producer with delivery reports, then a
consumer that assigns the partition without a group, then offsets_for_times. Prints one JSON object with what
the client saw; the Swift test compares it with what it sent and with what the broker stored.

usage: confluent_roundtrip.py BOOTSTRAP TOPIC COUNT CODEC NULL_HEADERS(0|1)
Runs under the project's venv (PyPI's confluent-kafka) or Debian's python3 (python3-confluent-kafka 1.7)."""
import json
import sys

from confluent_kafka import Consumer, Producer, TopicPartition, libversion

bootstrap, topic, count, codec, null_headers = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5] == "1"
base_ts = 1_700_000_000_000

producer = Producer({
    "bootstrap.servers": bootstrap, "enable.idempotence": True, "acks": "all", "linger.ms": 5,
    "compression.type": codec,
})
delivered = []
errors = []


def report(err, msg):
    if err is not None:
        errors.append(str(err))
    else:
        delivered.append(msg.offset())


for i in range(count):
    headers = [("trace", f"t{i}".encode())] + ([("empty", None)] if null_headers else [])
    producer.produce(topic, key=f"key-{i}", value=f"value-{i}", headers=headers, timestamp=base_ts + i,
                     partition=0, on_delivery=report)
remaining = producer.flush(30)

consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "roundtrip-unused", "enable.auto.commit": False,
                     "auto.offset.reset": "earliest"})
consumer.assign([TopicPartition(topic, 0, 0)])
consumed = []
while len(consumed) < count:
    message = consumer.poll(10)
    if message is None:
        break
    if message.error():
        errors.append(str(message.error()))
        break
    headers = [[k, v.decode() if v is not None else None] for k, v in (message.headers() or [])]
    consumed.append([message.offset(), message.key().decode(), message.value().decode(), headers,
                     message.timestamp()[1]])
middle = consumer.offsets_for_times([TopicPartition(topic, 0, base_ts + count // 2)], 10)[0]
consumer.close()
print(json.dumps({"librdkafka": libversion()[0], "undelivered": remaining, "errors": errors,
                  "delivered": sorted(delivered), "consumed": consumed, "for_time": middle.offset}))
