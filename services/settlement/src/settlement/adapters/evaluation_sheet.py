"""CSV export of the providers' evaluations for third-party assessment (第三方评估).

One row per provider, its newest revision; Chinese headers; ``civic.spreadsheet`` adds the
byte-order mark Excel needs and quotes any cell a spreadsheet would run as a formula.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from civic.spreadsheet import csv_chunks
from settlement.domain.evaluations import ProviderEvaluation

#: (header, figure) after the fixed columns; a figure settlement lacks is left empty.
FIGURES = (
    ("应提供服务次数", "ordered_services"),
    ("已提供服务次数", "delivered_services"),
    ("服务提供率(%)", "delivery_rate_percent"),
    ("结算服务记录数", "records_billed"),
    ("冲销服务记录数", "records_reversed"),
    ("结算金额(分)", "billed_fen"),
    ("抽查数", "spot_checked"),
    ("抽查通过数", "spot_passed"),
    ("检查督查数", "inspected"),
    ("检查督查通过数", "inspections_passed"),
    ("检查未通过合计", "checks_failed"),
    ("查证属实投诉数", "complaints_substantiated"),
    ("新接订单数", "orders"),
    ("按时接单数", "accepted_on_time"),
    ("拒单数", "declined"),
    ("平均接单时长(小时)", "mean_hours_to_accept"),
    ("状态变更按时确认数", "status_changes_acknowledged_on_time"),
)

HEADER = (
    "服务供给主体编号",
    "服务供给主体代码",
    "服务供给主体名称",
    "县(区)代码",
    "评价期间",
    "评分规则版本",
    "修订号",
    "得分",
    "转介门槛",
    "是否低于门槛",
    *(name for name, _ in FIGURES),
    "计算时间",
)


def _row(evaluation: ProviderEvaluation, name: str) -> list[Any]:
    figures = evaluation.figures
    return [
        evaluation.provider_id,
        evaluation.provider_code,
        name,
        evaluation.county_code,
        evaluation.period,
        evaluation.rule_version,
        evaluation.revision,
        evaluation.score,
        evaluation.threshold,
        "是" if evaluation.below_threshold else "否",
        *("" if figures.get(key) is None else figures[key] for _, key in FIGURES),
        evaluation.computed_at.isoformat() if evaluation.computed_at else "",
    ]


def evaluations_csv(
    evaluations: Iterable[ProviderEvaluation], names: Mapping[str, str]
) -> Iterator[str]:
    """The evaluations as CSV text, chunk by chunk."""
    rows = (_row(e, names.get(str(e.provider_id), "")) for e in evaluations)
    return csv_chunks(HEADER, rows)
