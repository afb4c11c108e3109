"""Tables of the archive database."""

from __future__ import annotations

from civic.db import make_metadata

metadata = make_metadata()
