#!/bin/sh
# Compose's one-shot `secrets` job (runs as root): makes every missing secret with
# `civic-secrets` (libs/civic/src/civic/secrets.py), then hands each file to the containers
# that read it, and to no one else.
#
# Why owners and not one shared group: the six services run the same kind of image, so a
# group every container belongs to would let survey read intake's ID-number key. Instead
# each container runs under its own uid (compose `user:`), and a file is owned by its main
# reader with, where a second container must read it too, that container's gid as group:
#
#   file                               owner (0400/0440)      group (0440)
#   kafka/broker.pem                   Kafka (appuser)        -
#   kafka/users/controller.password    Kafka                  -
#   kafka/users/admin.password         Kafka                  kafka-init
#   kafka/users/<service>.password     the service            kafka-init (creates the user)
#   kafka/users/<other>.password       root                   kafka-init
#   db/<service>.password              the service            PostgreSQL (init script)
#   intake/id-number-key               intake                 -
#   intake/inbound.pem                 intake                 -   (opens the city's sealed ID numbers)
#   <service>/bigdata-pseudonym-key    the service            -   (copies of bigdata/pseudonym-key)
#   <service>/master-keys/*.key        the service            -   (services that seal data)
#   console/session-key                the console            -
#   console/oidc-client-secret         the console            dev-sign-in (checks it)
#   auth/private.pem                   dev-sign-in            -   (signs local tokens)
#   kafka/ca.crt, auth/public.pem,     world-readable: certificates and public keys
#   city/signing.pub.pem, intake/inbound.pub.pem (what the city seals ID numbers to)
#   anything else (ca.key, city/signing.pem, db/postgres.password,
#   bigdata/pseudonym-key, files added later): root only. PostgreSQL's entrypoint reads its
#   password as root.
#
# Directories are 0755: file names are no secret (they are listed above), their contents are.
# Numeric ids come from compose: KAFKA_UID, POSTGRES_GID, PROVISION_GID, SERVICE_UIDS
# ("intake=10101 survey=10102 ..."), CONSOLE_UID and SIGN_IN_UID. Safe to run again: it
# changes no secret, only fixes modes.
set -eu
SECRETS="${SECRETS_DIR:-/secrets}"

civic-secrets "$SECRETS"

# The console's two secrets, in a Fernet key's form (URL-safe base64 of 32 random bytes),
# as the launcher makes them (devstack.services.ensure_console_secrets).
mkdir -p "$SECRETS/console"
for name in session-key oidc-client-secret; do
  if [ ! -s "$SECRETS/console/$name" ]; then
    (umask 077 && python3 -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())' \
      >"$SECRETS/console/$name")
  fi
done

uid_of() {
  for pair in $SERVICE_UIDS; do
    if [ "${pair%%=*}" = "$1" ]; then
      echo "${pair#*=}"
      return 0
    fi
  done
  return 1
}

give() { # give OWNER GROUP MODE FILE
  chown "$1:$2" "$4"
  chmod "$3" "$4"
}

find "$SECRETS" -type d -exec chown 0:0 {} + -exec chmod 0755 {} +
find "$SECRETS" -type f -exec chown 0:0 {} + -exec chmod 0400 {} +
chmod 0444 "$SECRETS/kafka/ca.crt" "$SECRETS/auth/public.pem" "$SECRETS/city/signing.pub.pem" \
  "$SECRETS/intake/inbound.pub.pem"

give "$KAFKA_UID" 0 0400 "$SECRETS/kafka/broker.pem"
give "$KAFKA_UID" 0 0400 "$SECRETS/kafka/users/controller.password"
give "$KAFKA_UID" "$PROVISION_GID" 0440 "$SECRETS/kafka/users/admin.password"

for file in "$SECRETS"/kafka/users/*.password; do
  principal="$(basename "$file" .password)"
  case "$principal" in
    admin | controller) continue ;;
    dispatch-provisioner) owner="$(uid_of dispatch)" ;;
    *) owner="$(uid_of "$principal" || echo 0)" ;;
  esac
  give "$owner" "$PROVISION_GID" 0440 "$file"
done

for pair in $SERVICE_UIDS; do
  give "${pair#*=}" "$POSTGRES_GID" 0440 "$SECRETS/db/${pair%%=*}.password"
done
give "$GRAFANA_UID" 0 0400 "$SECRETS/grafana/admin.password"
give "$(uid_of intake)" 0 0400 "$SECRETS/intake/id-number-key"
give "$(uid_of intake)" 0 0400 "$SECRETS/intake/inbound.pem"
for pair in $SERVICE_UIDS; do
  give "${pair#*=}" 0 0400 "$SECRETS/${pair%%=*}/bigdata-pseudonym-key"
done
for pair in $SERVICE_UIDS; do
  for key in "$SECRETS/${pair%%=*}"/master-keys/*.key; do
    if [ -e "$key" ]; then give "${pair#*=}" 0 0400 "$key"; fi
  done
done

give "$CONSOLE_UID" 0 0400 "$SECRETS/console/session-key"
give "$CONSOLE_UID" "$SIGN_IN_UID" 0440 "$SECRETS/console/oidc-client-secret"
give "$SIGN_IN_UID" 0 0400 "$SECRETS/auth/private.pem"

echo "secrets in $SECRETS given to their readers"
