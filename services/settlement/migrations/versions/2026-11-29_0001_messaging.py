"""Messaging tables, version 1 (outbox, processed events, idempotency records), from civic."""

from civic.migrations import messaging_v1_downgrade, messaging_v1_upgrade

revision = "0001"
down_revision = None
upgrade, downgrade = messaging_v1_upgrade, messaging_v1_downgrade
