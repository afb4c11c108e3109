"""Benchmark of the monthly settlement: a city month of 1,000,000 service records.

Run ``.venv/bin/python -m bench.settlement`` from the repository root (see ``__main__``).
"""
