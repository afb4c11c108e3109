"""End-to-end fixtures: the six services running as processes on the project's stack."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
