"""A confluent-kafka consumer in a group: subscribes, records each assignment and revocation, consumes (committing
after each message when asked) until STOP_FILE exists or MAX records were read, then closes (LeaveGroup) and prints
one JSON object: its events, the values it consumed and what it committed.

usage: confluent_group_member.py BOOTSTRAP GROUP TOPIC MAX STOP_FILE COMMIT(0|1) SESSION_TIMEOUT_MS [INSTANCE_ID]"""
import json
import os
import sys
import time

from confluent_kafka import Consumer

bootstrap, group, topic, limit, stop_file, commit, session_ms = sys.argv[1:8]
limit, commit, session_ms = int(limit), commit == "1", int(session_ms)
events = []


def on_assign(consumer, partitions):
    events.append(["assign", sorted(p.partition for p in partitions)])
    print(json.dumps({"assigned": sorted(p.partition for p in partitions)}), flush=True)


def on_revoke(consumer, partitions):
    events.append(["revoke", sorted(p.partition for p in partitions)])


settings = {
    "bootstrap.servers": bootstrap, "group.id": group, "auto.offset.reset": "earliest",
    "enable.auto.commit": False, "session.timeout.ms": session_ms, "heartbeat.interval.ms": 200,
}
if len(sys.argv) > 8:
    settings["group.instance.id"] = sys.argv[8]  # static membership (KIP-345)
consumer = Consumer(settings)
consumer.subscribe([topic], on_assign=on_assign, on_revoke=on_revoke)
values = []
errors = []
# Bound: stops at the stop file, at MAX records, or after 120 s (the test's own bound is shorter).
deadline = time.time() + 120
while len(values) < limit and not os.path.exists(stop_file) and time.time() < deadline:
    message = consumer.poll(0.1)
    if message is None:
        continue
    if message.error():
        errors.append(str(message.error()))
        continue
    values.append(message.value().decode())
    if len(values) % 10 == 0:
        print(json.dumps({"distinct": len(set(values))}), flush=True)
    if commit:
        consumer.commit(message=message, asynchronous=False)
committed = [[p.partition, p.offset] for p in consumer.committed(consumer.assignment(), 10)] if values else []
consumer.close()
print(json.dumps({"events": events, "values": values, "errors": errors, "committed": committed}), flush=True)
