"""Produce COUNT records of SIZE bytes with confluent-kafka (librdkafka) as fast as it goes, batched, and print
one line: records, MB (2^20 bytes of values), seconds from the first produce to the last acknowledgement, MB/s
and records/s. Extra producer settings as key=value arguments.

usage: producer.py BOOTSTRAP TOPIC COUNT SIZE [key=value ...]"""
import sys
import time

from confluent_kafka import Producer

bootstrap, topic, count, size = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
settings = {
    "bootstrap.servers": bootstrap, "acks": "1", "linger.ms": 5, "batch.size": 1_000_000,
    "batch.num.messages": 100_000, "queue.buffering.max.messages": 1_000_000,
    "queue.buffering.max.kbytes": 2_097_151, "enable.idempotence": False,
}
for pair in sys.argv[5:]:
    key, value = pair.split("=", 1)
    settings[key] = value
producer = Producer(settings)
payload = b"x" * size
failed = 0


def report(err, msg):
    global failed
    if err is not None:
        failed += 1


start = time.perf_counter()
for _ in range(count):
    while True:
        try:
            producer.produce(topic, payload, partition=0, on_delivery=report)
            break
        except BufferError:
            producer.poll(0.01)
    producer.poll(0)
remaining = producer.flush(120)
elapsed = time.perf_counter() - start
megabytes = count * size / 1048576
print(f"{count} records sent, {megabytes:.1f} MB, {elapsed:.3f} s, {megabytes / elapsed:.2f} MB/sec, "
      f"{count / elapsed:.1f} records/sec, {failed + remaining} failed")
sys.exit(1 if failed or remaining else 0)
