"""Reads Avro records from a rekey topic with Confluent's Python client, the way a SIEM or any
non-Java consumer would: each value's schema comes from the registry's Confluent-compatible API by
the id in the value's wire header (magic byte 0, 4-byte id). Keys are plain UTF-8 strings.
Prints one JSON object per record."""
import json
import sys

from confluent_kafka import Consumer
from confluent_kafka.avro.cached_schema_registry_client import CachedSchemaRegistryClient
from confluent_kafka.avro.serializer.message_serializer import MessageSerializer

bootstrap, registry, topic, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
values = MessageSerializer(CachedSchemaRegistryClient({"url": registry}))
consumer = Consumer({
    "bootstrap.servers": bootstrap,
    "group.id": "python-reader-" + topic,
    "auto.offset.reset": "earliest",
})
consumer.subscribe([topic])
seen = 0
for _ in range(300):
    message = consumer.poll(0.2)
    if message is None:
        continue
    if message.error():
        print(json.dumps({"error": str(message.error())}), flush=True)
        sys.exit(2)
    key = message.key().decode("utf-8") if message.key() is not None else None
    value = values.decode_message(message.value(), is_key=False)
    print(json.dumps({"key": key, "value": value}, default=str), flush=True)
    seen += 1
    if seen >= count:
        break
consumer.close()
sys.exit(0 if seen >= count else 1)
