"""dispatch's background work: the deadline watcher."""
