"""End-to-end tests drive the journeys in devstack.journeys through the running services."""
