"""The dashboard's charts: ECharts options built from archive's answers, and the same numbers
as tables (pure; the page puts the options in a data attribute, /static/dashboard.js draws them).

Every chart carries its table so that a screen reader, or a browser without the script, reads
exactly the numbers the chart shows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

MEDIAN, P90 = "中位数（天）", "90%分位（天）"
#: Calm, distinguishable colours (also in grey-scale print): blue, orange, green, red.
PALETTE = ["#0b4f8a", "#d9822b", "#2e7d32", "#b3261e"]


@dataclass(frozen=True)
class Chart:
    """One chart: its ECharts options and the table of the same numbers."""

    key: str
    title: str
    options: dict[str, Any]
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)

    @property
    def options_json(self) -> str:
        """The options for the page's data attribute (Jinja escapes it)."""
        return json.dumps(self.options, ensure_ascii=False, separators=(",", ":"))


def _days(value: Any) -> float | None:
    return None if value is None else round(float(value), 1)


def _bars(categories: list[str], series: Mapping[str, list[Any]], *, stack: bool = False) -> dict:
    """Bar chart options: one bar series per name, over ``categories``."""
    return {
        "color": PALETTE,
        "animation": False,  # the screenshot and the test read a finished chart
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 48, "right": 16, "top": 36, "bottom": 90},
        "xAxis": {"type": "category", "data": categories, "axisLabel": {"rotate": 30}},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {"name": name, "type": "bar", "data": data, **({"stack": "all"} if stack else {})}
            for name, data in series.items()
        ],
    }


def timing_chart(township: Mapping[str, Any]) -> Chart:
    """A township's median and p90 days per step of the chain (archive's ``spans``)."""
    spans = list(township.get("spans") or [])
    labels = [str(s["span_zh"]) for s in spans]
    medians = [_days(s.get("median_days")) for s in spans]
    p90s = [_days(s.get("p90_days")) for s in spans]
    rows = [[s["span_zh"], s["count"], m, p] for s, m, p in zip(spans, medians, p90s, strict=True)]
    return Chart(
        key=f"timing-{township.get('township_code', '')}",
        title=f"{township.get('place_zh', '')} 各环节办理时长",
        options=_bars(labels, {MEDIAN: medians, P90: p90s}),
        headers=["环节", "件数", MEDIAN, P90],
        rows=rows,
    )


def caseload_by_category(caseload: Mapping[str, Any]) -> Chart:
    """Recipients served and suspended per category, summed over villages."""
    totals: dict[str, list[int]] = {}
    for row in caseload.get("rows") or []:
        counts = totals.setdefault(str(row["category_zh"]), [0, 0])
        counts[0] += int(row["served"])
        counts[1] += int(row["suspended"])
    labels = list(totals)
    return Chart(
        key="caseload-category",
        title="按救助类别",
        options=_bars(
            labels,
            {"在册服务": [totals[k][0] for k in labels], "暂停": [totals[k][1] for k in labels]},
            stack=True,
        ),
        headers=["救助类别", "在册服务", "暂停"],
        rows=[[k, *totals[k]] for k in labels],
    )


def caseload_by_village(caseload: Mapping[str, Any]) -> Chart:
    """Recipients served and suspended per village, summed over categories."""
    totals: dict[str, list[int]] = {}
    for row in caseload.get("rows") or []:
        counts = totals.setdefault(str(row["place_zh"]), [0, 0])
        counts[0] += int(row["served"])
        counts[1] += int(row["suspended"])
    labels = list(totals)
    return Chart(
        key="caseload-village",
        title="按村（社区）",
        options=_bars(
            [short_place(k) for k in labels],
            {"在册服务": [totals[k][0] for k in labels], "暂停": [totals[k][1] for k in labels]},
            stack=True,
        ),
        headers=["村（社区）", "在册服务", "暂停"],
        rows=[[k, *totals[k]] for k in labels],
    )


def coverage_chart(coverage: Mapping[str, Any]) -> Chart:
    """Per village: approved items in force and those with a service in the month."""
    villages = list(coverage.get("villages") or [])
    return Chart(
        key="coverage",
        title="服务覆盖（按村）",
        options=_bars(
            [short_place(str(v["place_zh"])) for v in villages],
            {
                "已批准服务事项": [int(v["approved_items"]) for v in villages],
                "本月已服务": [int(v["served_items"]) for v in villages],
            },
        ),
        headers=["村（社区）", "已批准服务事项", "本月已服务", "覆盖率"],
        rows=[
            [v["place_zh"], v["approved_items"], v["served_items"], percent(v.get("ratio"))]
            for v in villages
        ],
    )


def acknowledgement_chart(stops: Mapping[str, Any]) -> Chart:
    """Per provider: order ends acknowledged in time, late, or still pending."""
    providers = list(stops.get("providers") or [])
    names = {"in_time": "按时确认", "late": "逾期未确认", "pending": "等待确认"}
    return Chart(
        key="acknowledgements",
        title="停止救助传达：服务供给主体确认情况",
        options=_bars(
            [str(p["provider_code"]) for p in providers],
            {label: [int(p[code]) for p in providers] for code, label in names.items()},
            stack=True,
        ),
        headers=["服务供给主体", *names.values()],
        rows=[[p["provider_code"], p["in_time"], p["late"], p["pending"]] for p in providers],
    )


def percent(ratio: Any) -> str:
    """A ratio as staff read it (``—`` when there is nothing to divide)."""
    return "—" if ratio is None else f"{float(ratio) * 100:.1f}%"


def short_place(place_zh: str) -> str:
    """The last part of a full place name, so axis labels stay short (村/社区 name)."""
    for marker in ("街道", "镇", "乡"):
        if marker in place_zh:
            return place_zh.rsplit(marker, 1)[-1] or place_zh
    return place_zh


def months_before(today: date, count: int = 12) -> list[str]:
    """This month and the ``count - 1`` before it, newest first (``YYYY-MM``)."""
    year, month = today.year, today.month
    found = []
    for _ in range(count):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return found


_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)")


def metric_totals(exposition: str, names: Iterable[str]) -> dict[str, float]:
    """Sums each named metric over its labels in Prometheus text (absent: not in the dict)."""
    wanted = set(names)
    found: dict[str, float] = {}
    for line in exposition.splitlines():
        match = _SAMPLE.match(line)
        if match is None or match.group(1) not in wanted:
            continue
        try:
            value = float(match.group(3))
        except ValueError:
            continue
        found[match.group(1)] = found.get(match.group(1), 0.0) + value
    return found
