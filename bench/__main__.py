"""``python -m bench <name>``: status_change (issues 7, 17), settlement (5), pipeline (17),
city-month (17),
go-live-import (20)."""

from __future__ import annotations

import runpy
import sys

BENCHES = {
    "status_change": "bench.status_change",
    "settlement": "bench.settlement",
    "pipeline": "bench.pipeline",
    "city-month": "bench.city_month",
    "go-live-import": "bench.go_live_import",
}

if __name__ == "__main__":
    name = sys.argv[1] if len(sys.argv) > 1 else ""
    if name not in BENCHES:
        sys.exit(f"usage: python -m bench {{{'|'.join(BENCHES)}}} [options]")
    sys.argv = [BENCHES[name], *sys.argv[2:]]
    runpy.run_module(BENCHES[name], run_name="__main__")
