"""Messaging tables, version 2 (parked rows and messages, pruning indexes), from civic."""

from civic.migrations import downgrade_messaging_from_v2, upgrade_messaging_to_v2

revision = "0004"
down_revision = "0003"
upgrade, downgrade = upgrade_messaging_to_v2, downgrade_messaging_from_v2
