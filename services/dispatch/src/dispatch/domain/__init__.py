"""dispatch's rules, free of I/O: who may serve whom, and when a record or alert is valid."""
