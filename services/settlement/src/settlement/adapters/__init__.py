"""Adapters to the outside world: CSV exports, money in words, the printable statement."""
