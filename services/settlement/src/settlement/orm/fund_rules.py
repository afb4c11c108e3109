"""What each fund may pay for (restricted funds), versioned per county."""

from __future__ import annotations
