"""An idempotent confluent-kafka producer (acks=all) sending COUNT unique values v-0..v-COUNT-1 to partition 0 of
TOPIC, printing {"delivered": n} as deliveries arrive (so a test can act mid-run) and at the end one summary:
every delivered value with its offset, and the errors.

usage: confluent_producer_run.py BOOTSTRAP TOPIC COUNT"""
import json
import sys

from confluent_kafka import Producer

bootstrap, topic, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
producer = Producer({
    "bootstrap.servers": bootstrap, "enable.idempotence": True, "acks": "all", "linger.ms": 5,
    "message.timeout.ms": 60000, "batch.num.messages": 500,
})
delivered = {}
errors = []


def report(err, msg):
    if err is not None:
        errors.append(str(err))
    else:
        delivered[msg.value().decode()] = msg.offset()


for i in range(count):
    while True:
        try:
            producer.produce(topic, value=f"v-{i}", partition=0, on_delivery=report)
            break
        except BufferError:
            producer.poll(0.05)
    if i % 100 == 0:
        # Paced (about 10 ms per 100 records) so the run lasts long enough for a test to act in the middle of it.
        producer.poll(0.01)
        print(json.dumps({"delivered": len(delivered)}), flush=True)
remaining = producer.flush(90)
print(json.dumps({"done": True, "undelivered": remaining, "errors": errors[:20], "error_count": len(errors),
                  "delivered_values": sorted(delivered, key=delivered.get),
                  "delivered_offsets": sorted(delivered.values())}), flush=True)
