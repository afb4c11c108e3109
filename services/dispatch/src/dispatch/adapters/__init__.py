"""dispatch's edges to the bus: provider topics and ACLs, the reply subscription, order events."""
