"""Code lists: Chinese labels and the eligibility rule for conditional categories."""

from __future__ import annotations

import pytest

from contracts import enums, kinds, reasons
from contracts.enums import RecipientCategory, SpecialCondition, category_needs_special_condition
from contracts.labels import ZhEnum

pytestmark = pytest.mark.unit

ALL_ENUMS = [
    obj
    for module in (enums, reasons, kinds)
    for obj in vars(module).values()
    if isinstance(obj, type) and issubclass(obj, ZhEnum) and obj is not ZhEnum
]


@pytest.mark.parametrize("enum_cls", ALL_ENUMS, ids=lambda e: e.__name__)
def test_every_member_has_a_chinese_label(enum_cls: type[ZhEnum]) -> None:
    labels = enum_cls.label_zh
    assert set(labels) == {m.value for m in enum_cls}
    assert all(m.label_zh == labels[m.value] and m.label_zh for m in enum_cls)


def test_sizes_follow_the_seed() -> None:
    assert len(enums.ServiceMode) == 7
    assert len(enums.FundingSource) == 8
    assert len(enums.ServiceCategory) == 4
    assert len(RecipientCategory) == 7


def test_labels() -> None:
    assert RecipientCategory.DIBAO.label_zh == "低保对象"
    assert RecipientCategory.label_zh["tekun"] == "特困人员"
    assert enums.ServiceMode.NEIGHBOUR_MUTUAL_AID.label_zh == "邻里互助服务"


@pytest.mark.parametrize(
    ("category", "needs"),
    [
        ("dibao", False),
        ("tekun", False),
        ("orphan", False),
        ("unsupported_child", False),
        ("dibao_marginal", True),
        ("relapse_monitoring", True),
        ("expenditure_hardship", True),
    ],
)
def test_conditional_categories(category: str, needs: bool) -> None:
    assert category_needs_special_condition(RecipientCategory(category)) is needs
    assert category_needs_special_condition(category) is needs


def test_eligibility_of_conditional_categories() -> None:
    marginal = RecipientCategory.DIBAO_MARGINAL
    assert enums.is_eligible(RecipientCategory.DIBAO, [])
    assert not enums.is_eligible(marginal, [])
    assert not enums.is_eligible(marginal, [SpecialCondition.MINOR])
    assert enums.is_eligible(marginal, ["seriously_ill"])
