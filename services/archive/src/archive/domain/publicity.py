"""What a public board may reveal about a person beyond their masked name (issue 16). Pure.

A board lists people in their own village, where neighbours read it. Some of what the files
hold tells more than "this household is served": that a child has no one to support them
(孤儿, 事实无人抚养儿童), that someone needs health or mental-health care, that someone died.
Unless the county's policy turns it on, a board shows those as what the service is, not why:
a general category, the items that reveal nothing about health, "停止服务" for a death. And
the public sees a board's history only within the publicity period; older versions stay with
the township and the auditors.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from contracts.enums import RecipientCategory, RecipientStatus, ServiceCategory

#: Categories that say the person is a minor without support.
MINOR_CATEGORIES = frozenset({RecipientCategory.ORPHAN, RecipientCategory.UNSUPPORTED_CHILD})
#: What a board shows instead of such a category.
GENERAL_CATEGORY_ZH = "社会救助对象"
#: Service categories whose items tell about health (医疗护理, including mental health).
HEALTH_CATEGORIES = frozenset({ServiceCategory.HEALTH_CARE})
#: A death is shown as a stop.
STOPPED_ZH = "停止服务"


@dataclass(frozen=True)
class Publicity:
    """A county's board policy: reveal the sensitive details or not, and for how long."""

    reveal_sensitive: bool = False
    public_history_days: int = 365

    def category_zh(self, category: str) -> str:
        """The category as the board shows it."""
        known = RecipientCategory(category)
        if known in MINOR_CATEGORIES and not self.reveal_sensitive:
            return GENERAL_CATEGORY_ZH
        return known.label_zh

    def item_names(
        self,
        item_codes: Iterable[str],
        names: Mapping[str, str],
        categories: Mapping[str, str],
    ) -> tuple[str, ...]:
        """The items a board lists: by name, health items only if the policy reveals them."""
        health = {c.value for c in HEALTH_CATEGORIES}
        shown = (
            names.get(code, code)
            for code in item_codes
            if self.reveal_sensitive or categories.get(code) not in health
        )
        return tuple(dict.fromkeys(shown))

    def removal_zh(self, status: str, said: str) -> str:
        """How a removal is worded: a death as a stop unless the policy reveals it."""
        if status == RecipientStatus.DECEASED.value and not self.reveal_sensitive:
            return STOPPED_ZH
        return said

    def public_since(self, today: date) -> date:
        """The first day whose board the public may still ask for."""
        return date.fromordinal(today.toordinal() - self.public_history_days)
