"""Budgets that bind: each county's policy and the warnings already reached."""

from __future__ import annotations
