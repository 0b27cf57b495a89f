"""Read COUNT records of partition 0 of TOPIC from the beginning with confluent-kafka (librdkafka) over Kafka's
protocol, without a group, and print one line: records, MB (2^20 bytes of values), seconds from assign to the
last record, MB/s and records/s.

usage: consumer.py BOOTSTRAP TOPIC COUNT"""
import sys
import time

from confluent_kafka import Consumer, TopicPartition

bootstrap, topic, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
consumer = Consumer({
    "bootstrap.servers": bootstrap, "group.id": "bench-unused", "enable.auto.commit": False,
    "fetch.max.bytes": 52_428_800, "max.partition.fetch.bytes": 10_485_760, "queued.max.messages.kbytes": 1_048_576,
})
start = time.perf_counter()
consumer.assign([TopicPartition(topic, 0, 0)])
records = 0
size = 0
# Bound: stops at COUNT records or after 10 s without one.
idle_since = time.perf_counter()
while records < count and time.perf_counter() - idle_since < 10:
    batch = consumer.consume(num_messages=10_000, timeout=1.0)
    if batch:
        idle_since = time.perf_counter()
    for message in batch:
        if message.error():
            continue
        records += 1
        size += len(message.value())
elapsed = time.perf_counter() - start
consumer.close()
megabytes = size / 1048576
print(f"{records} records read, {megabytes:.1f} MB, {elapsed:.3f} s, {megabytes / elapsed:.2f} MB/sec, "
      f"{records / elapsed:.1f} records/sec")
sys.exit(0 if records >= count else 1)
