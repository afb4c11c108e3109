"""Negative statements carried over, and closed years with their report."""

from __future__ import annotations
