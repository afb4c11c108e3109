"""The navigation each role sees; screens not built yet show a placeholder page."""

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
    Entry("审核", "/reviews"),
    Entry("服务对象", "/recipients"),
    Entry("工单", "/orders"),
    Entry("结算", "/statements"),
    Entry("档案", "/files"),
    Entry("仪表盘", "/dashboard"),
)
COUNTY = (
    Entry("服务机构", "/providers"),
    Entry("目录与收费", "/catalogue"),
    Entry("资金", "/funds"),
    Entry("结算", "/settlement"),
    Entry("抽查", "/spot-checks"),
    Entry("档案", "/files"),
    Entry("仪表盘", "/dashboard"),
)
BY_ROLE: dict[Role, tuple[Entry, ...]] = {
    Role.TOWNSHIP_OFFICER: TOWNSHIP,
    Role.COUNTY_OFFICER: COUNTY,
    Role.VILLAGE_STAFF: (Entry("台账与公示", "/villages"), Entry("档案", "/files")),
    Role.AUDITOR: (Entry("档案", "/files"),),
    Role.CHECKER: (Entry("结算", "/statements"),),
    Role.ADMIN: (Entry("系统状态", "/dashboard/system"),),
}
#: Screens that exist; every other entry leads to the placeholder until it is built.
BUILT = frozenset(
    {
        "/statements",
        "/settlement",
        "/funds",
        "/dashboard",
        "/dashboard/system",
        "/providers",
        "/files",
        "/villages",
        "/applications",
        "/reviews",
        "/recipients",
        "/orders",
    }
)
PLANNED = frozenset(e.href for entries in BY_ROLE.values() for e in entries) - BUILT


def entries_for(roles: tuple[str, ...]) -> list[Entry]:
    """The navigation for a user's roles, in role order, without repeats."""
    seen: dict[str, Entry] = {}
    for role, entries in BY_ROLE.items():
        if role.value in roles:
            for entry in entries:
                seen.setdefault(entry.href, entry)
    return list(seen.values())
