"""aiokafka against a Sluice broker: an idempotent AIOKafkaProducer (acks=all) sending COUNT records with keys,
headers and timestamps, then an AIOKafkaConsumer in group GROUP (subscribe, earliest, manual commit) reading them
back and committing. Prints one JSON object with what it saw.

usage: aiokafka_roundtrip.py BOOTSTRAP TOPIC COUNT GROUP"""
import asyncio
import json
import sys

import aiokafka
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

bootstrap, topic, count, group = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
base_ts = 1_700_000_000_000


async def main():
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, acks="all", linger_ms=5)
    await producer.start()
    try:
        sent = [await producer.send(topic, key=f"key-{i}".encode(), value=f"value-{i}".encode(),
                                    headers=[("trace", f"t{i}".encode())], timestamp_ms=base_ts + i, partition=0)
                for i in range(count)]
        delivered = [(await future).offset for future in sent]
    finally:
        await producer.stop()

    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=group, auto_offset_reset="earliest",
                                enable_auto_commit=False)
    await consumer.start()
    consumed = []
    try:
        # Bound: 60 s for the group to form and the records to arrive.
        async def read():
            while len(consumed) < count:
                message = await consumer.getone()
                consumed.append([message.offset, message.key.decode(), message.value.decode(),
                                 [[k, v.decode()] for k, v in message.headers], message.timestamp])
        await asyncio.wait_for(read(), 60)
        await consumer.commit()
        committed = await consumer.committed(TopicPartition(topic, 0))
    finally:
        await consumer.stop()
    print(json.dumps({"version": aiokafka.__version__, "delivered": delivered, "consumed": consumed,
                      "committed": committed}))


asyncio.run(main())
