"""Runs the platform without Docker: Kafka from Maven jars, Debian PostgreSQL, a span sink."""
