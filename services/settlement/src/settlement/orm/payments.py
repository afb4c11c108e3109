"""Payment batches, bank formats, bank returns and payment reversals."""

from __future__ import annotations
