"""Tables of the survey database."""

from __future__ import annotations

from civic.db import make_metadata

metadata = make_metadata()
