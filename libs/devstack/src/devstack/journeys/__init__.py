"""Scripted journeys through the running services, as the front-line apps and staff make
them: used by the end-to-end tests and by the benchmarks, so both drive the same path."""
