"""Service numbers: format, parsing, order, and the approval year in Asia/Shanghai."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from archive.domain.numbers import ServiceNumber, ServiceNumberError, issue_year

pytestmark = pytest.mark.unit


def test_archive_service_number_reads_back_what_it_writes() -> None:
    number = ServiceNumber("341702", 2026, 1)
    assert str(number) == "341702-2026-000001"
    assert ServiceNumber.parse("341702-2026-000001") == number


def test_archive_service_numbers_sort_as_text_in_issue_order() -> None:
    numbers = [ServiceNumber("341702", 2026, n) for n in (10, 2, 999_999, 1)]
    assert sorted(str(n) for n in numbers) == [str(n) for n in sorted(numbers)]


@pytest.mark.parametrize("text", ["341702-2026-1", "3417022026000001", "34170-2026-000001", ""])
def test_archive_malformed_service_numbers_are_refused(text: str) -> None:
    with pytest.raises(ServiceNumberError):
        ServiceNumber.parse(text)


def test_archive_a_sequence_that_does_not_fit_is_refused() -> None:
    with pytest.raises(ServiceNumberError):
        ServiceNumber("341702", 2026, 1_000_000)
    with pytest.raises(ServiceNumberError):
        ServiceNumber("341702", 2026, 0)


def test_archive_the_year_is_the_approval_year_in_chizhou() -> None:
    # 17:00 UTC on New Year's Eve is already 1 January in Asia/Shanghai.
    assert issue_year(datetime(2026, 12, 31, 15, 59, tzinfo=UTC)) == 2026
    assert issue_year(datetime(2026, 12, 31, 16, 0, tzinfo=UTC)) == 2027
