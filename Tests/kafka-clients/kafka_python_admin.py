"""kafka-python's KafkaAdminClient against a Sluice broker: create topics (with a config, one with an illegal name,
one validate-only), describe a topic's and the broker's configs, delete a topic. Prints one JSON object.

usage: kafka_python_admin.py BOOTSTRAP"""
import json
import sys

from kafka import KafkaAdminClient
from kafka.admin import ConfigResource, ConfigResourceType, NewTopic
from kafka.errors import KafkaError

admin = KafkaAdminClient(bootstrap_servers=sys.argv[1])
out = {}
created = admin.create_topics([NewTopic("admin-orders", 3, 1, topic_configs={"retention.ms": "60000"})])
out["created"] = [[t["name"], t["error_code"]] for t in created["topics"]]
try:
    admin.create_topics([NewTopic("bad topic!", 1, 1)])
    out["illegal"] = None
except KafkaError as error:
    out["illegal"] = type(error).__name__
validated = admin.create_topics([NewTopic("only-validated", 2, 1)], validate_only=True)
out["validated"] = [[t["name"], t["error_code"]] for t in validated["topics"]]
out["topics_after_create"] = sorted(admin.list_topics())
topic = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, "admin-orders")], include_synonyms=True,
                               config_filter="all")["topic"]["admin-orders"]
out["topic_configs"] = {k: [v["value"], v["config_source"], [[s["name"], s["source"]] for s in v["synonyms"]]]
                        for k, v in topic.items()}
broker = admin.describe_configs([ConfigResource(ConfigResourceType.BROKER, "1", ["num.partitions", "log.segment.bytes"])],
                                config_filter="all")["broker"]["1"]
out["broker_configs"] = {k: [v["value"], v["config_source"], v["read_only"]] for k, v in broker.items()}
deleted = admin.delete_topics(["admin-orders"])
out["deleted"] = [[t["name"], t["error_code"]] for t in deleted["topics"]]
out["topics_after_delete"] = sorted(admin.list_topics())
admin.close()
print(json.dumps(out))
