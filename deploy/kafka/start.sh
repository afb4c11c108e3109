#!/bin/bash
# Compose's Kafka: a KRaft node (broker + controller) in the apache/kafka image, secured as
# the launcher's broker is (libs/devstack/src/devstack/kafka.py, whose settings tests compare
# with these): SCRAM-SHA-512 over TLS for every client, the StandardAuthorizer denying what no
# ACL allows, and no PLAINTEXT listener. Alone (KAFKA_NODES=1) the controller listens on the
# container's loopback only, with a static PLAIN user; in a cluster (KAFKA_NODES=3, node
# NODE_ID of kafka-1..kafka-3, one KAFKA_CLUSTER_ID) the controllers reach each other over
# TLS with that user, and topics get three replicas with min.insync.replicas=2.
#
# Listeners: CLIENT <BROKER_HOST>:9093 on the compose network (services, kafka-init), EXTERNAL
# :9092 published on the host as KAFKA_EXTERNAL_ADDRESS (default 127.0.0.1:9092; providers and
# operators' tools), CONTROLLER :9094. The broker certificate names kafka, kafka-1..kafka-3,
# localhost and 127.0.0.1; another external name needs a certificate for it (signed by
# kafka/ca.key).
#
# The configuration holds the admin and controller passwords, so it is rendered at each start
# into a tmpfs (CONFIG_DIR), never onto a volume; client.properties next to it lets the
# healthcheck (and an operator's `docker compose exec kafka ...`) log in as admin.
set -euo pipefail

KAFKA_HOME="${KAFKA_HOME:-/opt/kafka}"
SECRETS="${SECRETS_DIR:-/secrets}"
CONFIG_DIR="${CONFIG_DIR:-/run/kafka}"
DATA_DIR="${DATA_DIR:-/var/lib/kafka/data}"
EXTERNAL="${KAFKA_EXTERNAL_ADDRESS:-127.0.0.1:9092}"
PARTITIONS="${KAFKA_PARTITIONS:-6}"
NODES="${KAFKA_NODES:-1}"
NODE_ID="${NODE_ID:-1}"
BROKER_HOST="${BROKER_HOST:-kafka}"
if [ "$NODES" -gt 1 ]; then
  VOTERS="$(seq -s, -f '%g' 1 "$NODES" | sed -E 's/([0-9]+)/\1@kafka-\1:9094/g')"
  CONTROLLER_LISTENER=CONTROLLER://0.0.0.0:9094
  CONTROLLER_PROTOCOL=SASL_SSL  # between containers: encrypted and authenticated
  REPLICATION=3
  MIN_ISR=2
else
  VOTERS=1@127.0.0.1:9094
  CONTROLLER_LISTENER=CONTROLLER://127.0.0.1:9094
  CONTROLLER_PROTOCOL=SASL_PLAINTEXT  # the container's loopback only
  REPLICATION=1
  MIN_ISR=1
fi

secret() { printf '%s' "$(<"$1")"; } # the file's text without its trailing newline
ADMIN="$(secret "$SECRETS/kafka/users/admin.password")"
CONTROLLER="$(secret "$SECRETS/kafka/users/controller.password")"
SCRAM=org.apache.kafka.common.security.scram.ScramLoginModule
PLAIN=org.apache.kafka.common.security.plain.PlainLoginModule

umask 077
mkdir -p "$CONFIG_DIR"
cat >"$CONFIG_DIR/server.properties" <<EOF
process.roles=broker,controller
node.id=$NODE_ID
controller.quorum.voters=$VOTERS
listeners=CLIENT://0.0.0.0:9093,EXTERNAL://0.0.0.0:9092,$CONTROLLER_LISTENER
advertised.listeners=CLIENT://$BROKER_HOST:9093,EXTERNAL://$EXTERNAL
listener.security.protocol.map=CLIENT:SASL_SSL,EXTERNAL:SASL_SSL,CONTROLLER:$CONTROLLER_PROTOCOL
controller.listener.names=CONTROLLER
inter.broker.listener.name=CLIENT
sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.client.sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.external.sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.controller.sasl.enabled.mechanisms=PLAIN
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
sasl.mechanism.controller.protocol=PLAIN
listener.name.client.scram-sha-512.sasl.jaas.config=$SCRAM required username="admin" password="$ADMIN";
listener.name.external.scram-sha-512.sasl.jaas.config=$SCRAM required;
listener.name.controller.plain.sasl.jaas.config=$PLAIN required username="controller" password="$CONTROLLER" user_controller="$CONTROLLER";
ssl.keystore.type=PEM
ssl.keystore.location=$SECRETS/kafka/broker.pem
ssl.truststore.type=PEM
ssl.truststore.location=$SECRETS/kafka/ca.crt
ssl.client.auth=none
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:admin;User:controller
log.dirs=$DATA_DIR
num.partitions=$PARTITIONS
default.replication.factor=$REPLICATION
min.insync.replicas=$MIN_ISR
offsets.topic.replication.factor=$REPLICATION
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=$REPLICATION
transaction.state.log.min.isr=$MIN_ISR
transaction.state.log.num.partitions=10
share.coordinator.state.topic.replication.factor=$REPLICATION
share.coordinator.state.topic.min.isr=$MIN_ISR
group.initial.rebalance.delay.ms=0
broker.session.timeout.ms=3000
broker.heartbeat.interval.ms=500
auto.create.topics.enable=false
delete.topic.enable=true
log.retention.hours=168
EOF
cat >"$CONFIG_DIR/client.properties" <<EOF
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=$SCRAM required username="admin" password="$ADMIN";
ssl.truststore.type=PEM
ssl.truststore.location=$SECRETS/kafka/ca.crt
EOF

# Formatted once, on an empty volume: the super user admin exists from the first start
# (kafka-init then makes every other principal). --add-scram works only at this first
# format, hence the volume of an older, unsecured compose file is not reused (new names).
if [ ! -f "$DATA_DIR/meta.properties" ]; then
  # The nodes of one cluster share its id (KAFKA_CLUSTER_ID); a lone node makes its own.
  cluster_id="${KAFKA_CLUSTER_ID:-$("$KAFKA_HOME/bin/kafka-storage.sh" random-uuid)}"
  # "=" joined: a random id may begin with "-", which the parser would take for an option.
  "$KAFKA_HOME/bin/kafka-storage.sh" format --ignore-formatted \
    --cluster-id="$cluster_id" -c "$CONFIG_DIR/server.properties" \
    --add-scram="SCRAM-SHA-512=[name=admin,password=$ADMIN]"
fi

export KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}"
exec "$KAFKA_HOME/bin/kafka-server-start.sh" "$CONFIG_DIR/server.properties"
