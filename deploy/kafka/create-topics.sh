#!/bin/sh
# Creates every platform topic and its dead-letter topic (idempotent).
set -eu
BOOTSTRAP="${KAFKA_BOOTSTRAP:-kafka:19092}"
PARTITIONS="${KAFKA_PARTITIONS:-6}"
for t in $(cat /topics.txt); do
  /opt/kafka/bin/kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
    --topic "$t" --partitions "$PARTITIONS" --replication-factor 1
done
