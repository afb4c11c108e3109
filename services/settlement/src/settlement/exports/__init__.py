"""Exports: statements and the ledger as CSV, and the printable Chinese statement."""
