"""kafka-python against a Sluice broker: KafkaProducer (idempotent by default in 3.x) with futures, a KafkaConsumer
without a group (assign + seek_to_beginning), offsets_for_times. Prints one JSON object with what it saw.

usage: kafka_python_roundtrip.py BOOTSTRAP TOPIC COUNT CODEC"""
import json
import sys

import kafka
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

bootstrap, topic, count, codec = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
base_ts = 1_700_000_000_000

producer = KafkaProducer(bootstrap_servers=bootstrap, compression_type=None if codec == "none" else codec,
                         linger_ms=5)
futures = [producer.send(topic, key=f"key-{i}".encode(), value=f"value-{i}".encode(),
                         headers=[("trace", f"t{i}".encode())], timestamp_ms=base_ts + i, partition=0)
           for i in range(count)]
producer.flush(30)
delivered = sorted(f.get(10).offset for f in futures)
idempotent = producer.config.get("enable_idempotence")
producer.close()

consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, consumer_timeout_ms=2000)
partition = TopicPartition(topic, 0)
consumer.assign([partition])
consumer.seek_to_beginning()
consumed = [[m.offset, m.key.decode(), m.value.decode(), [[k, v.decode()] for k, v in m.headers], m.timestamp]
            for m in consumer]
middle = consumer.offsets_for_times({partition: base_ts + count // 2})[partition]
consumer.close()
print(json.dumps({"version": kafka.__version__, "idempotent": idempotent, "delivered": delivered,
                  "consumed": consumed, "for_time": middle.offset if middle else None}))
