"""Tables of messages to people's phones (civic.notify), on dispatch's ``metadata`` (kept in
step with migration 0011): each county's channel, each person's preference, every message.

A channel's secret and a person's phone or openid are sealed at rest (civic.notify.store,
purposes ``dispatch.notification_channel.secret`` and ``dispatch.message_preference.address``).
"""

from __future__ import annotations

from civic.notify import MessageTables, define_message_tables
from dispatch.orm import metadata

message_tables: MessageTables = define_message_tables(metadata, service="dispatch")
notification_channel = message_tables.channel
message_preference = message_tables.preference
notification_message = message_tables.message
