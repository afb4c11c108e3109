"""The navigation each role sees (the services still decide what each may read or do)."""

from __future__ import annotations

from dataclasses import dataclass

from contracts.enums import Role


@dataclass(frozen=True)
class Entry:
    """One item of the navigation."""

    label: str
    href: str


TOWNSHIP = (
    Entry("申请登记", "/applications"),
    Entry("入户调查", "/surveys"),
    Entry("审核", "/reviews"),
    Entry("服务对象", "/recipients"),
    Entry("外部状态报告", "/city-reports"),
    Entry("工单", "/orders"),
    Entry("邻里互助", "/neighbours"),
    Entry("结算", "/statements"),
    Entry("支付异常", "/payment-exceptions"),
    Entry("档案", "/files"),
    Entry("仪表盘", "/dashboard"),
)
COUNTY = (
    Entry("服务机构", "/providers"),
    Entry("目录与收费", "/catalogue"),
    Entry("资金", "/funds"),
    Entry("结算", "/settlement"),
    Entry("抽查", "/spot-checks"),
    Entry("绩效评价", "/performance"),
    Entry("档案", "/files"),
    Entry("仪表盘", "/dashboard"),
)
BY_ROLE: dict[Role, tuple[Entry, ...]] = {
    Role.TOWNSHIP_OFFICER: TOWNSHIP,
    Role.COUNTY_OFFICER: COUNTY,
    Role.VILLAGE_STAFF: (Entry("台账与公示", "/villages"), Entry("档案", "/files")),
    Role.AUDITOR: (Entry("档案", "/files"),),
    Role.CHECKER: (Entry("结算", "/statements"), Entry("支付异常", "/payment-exceptions")),
    Role.ADMIN: (Entry("系统状态", "/dashboard/system"),),
}


def entries_for(roles: tuple[str, ...]) -> list[Entry]:
    """The navigation for a user's roles, in role order, without repeats."""
    seen: dict[str, Entry] = {}
    for role, entries in BY_ROLE.items():
        if role.value in roles:
            for entry in entries:
                seen.setdefault(entry.href, entry)
    return list(seen.values())
