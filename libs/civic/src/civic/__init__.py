"""Shared plumbing of the platform's services (no business rules live here)."""
