"""kafka-python with a group: a KafkaConsumer subscribes with a group_id, reads COUNT records and commits; while it
is still a member, KafkaAdminClient lists and describes the groups and the group's committed offsets. Prints one
JSON object.

usage: kafka_python_groups.py BOOTSTRAP TOPIC GROUP COUNT"""
import json
import sys

from kafka import KafkaAdminClient, KafkaConsumer

bootstrap, topic, group, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=group, auto_offset_reset="earliest",
                         enable_auto_commit=False, consumer_timeout_ms=10000)
values = []
for message in consumer:
    values.append(message.value.decode())
    if len(values) >= count:
        break
consumer.commit()
admin = KafkaAdminClient(bootstrap_servers=bootstrap)
listed = sorted([g["group_id"], g["protocol_type"]] for g in admin.list_groups())
described = admin.describe_groups([group])[group]
offsets = admin.list_group_offsets({group: None})[group]
consumer.close()
admin.close()
print(json.dumps({
    "values": values, "listed": listed,
    "state": described["group_state"], "protocol_type": described["protocol_type"],
    "protocol": described["protocol_data"], "members": [m["client_id"] for m in described["members"]],
    "offsets": sorted([tp.topic, tp.partition, meta.offset] for tp, meta in offsets.items()),
}))
