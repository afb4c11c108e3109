"""Benchmarks: each one command, printing a table next to the raw limit measured in the same run."""
