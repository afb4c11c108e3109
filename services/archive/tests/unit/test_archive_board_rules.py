"""What a village board shows, what it never shows, and which version was shown when."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.adapters import render
from archive.domain.boards import (
    BoardContent,
    BoardLeakError,
    BoardPerson,
    VersionStamp,
    board_name,
    compose_board,
    ensure_publishable,
    provider_label,
    scrub,
    shown_on,
)
from contracts.privacy import looks_like_id_number, looks_like_phone

pytestmark = pytest.mark.unit

VILLAGE = "341702100201"
OTHER = "341702100202"
END = date(2026, 11, 30)  # by the month's last day every change in these tests is in force


def person(number: int, **extra: object) -> BoardPerson:
    values: dict[str, object] = {
        "service_number": f"341702-2026-{number:06d}",
        "display_name": "张*三",
        "county_code": "341702",
        "village_code": VILLAGE,
        "category": "tekun",
        "status": "active",
        "served_since": date(2026, 3, 1),
        "status_effective_date": date(2026, 3, 1),
        "items": ("居家照料", "供餐送餐"),
        "providers": ("殷汇镇社工站",),
    }
    values.update(extra)
    return BoardPerson(**values)  # type: ignore[arg-type]


def composed(people: list[BoardPerson], today: date = END, place: str = "示例一村") -> BoardContent:
    """The November 2026 board of ``VILLAGE`` as composed on ``today``."""
    return compose_board(VILLAGE, place, people, period="2026-11", today=today)


def test_archive_names_are_masked_as_the_county_configures() -> None:
    assert board_name("张*三") == "张**"
    assert board_name("张*三", "first_last") == "张*三"
    assert board_name("欧阳*娜") == "欧阳**"


def test_archive_a_name_never_shows_a_digit() -> None:
    assert not any(c.isdigit() for c in board_name("张*13912345678"))
    assert board_name("3*41702199003070014") == "**"


def test_archive_neighbour_volunteers_are_not_named() -> None:
    assert provider_label("李*梅", "neighbour_volunteer") == "邻里互助志愿者"
    assert provider_label("殷汇镇敬老院", "welfare_institution") == "殷汇镇敬老院"


def test_archive_the_board_lists_who_is_served_and_this_months_changes() -> None:
    people = [
        person(3, served_since=date(2026, 11, 5), display_name="李*", category="dibao"),
        person(1),
        person(2, status="stopped", status_effective_date=date(2026, 11, 20)),
        person(4, status="deceased", status_effective_date=date(2026, 10, 2)),
        person(
            5,
            village_code=OTHER,
            status="transferred",
            previous_village_code=VILLAGE,
            moved_on=date(2026, 11, 9),
        ),
        person(6, status="suspended", status_effective_date=date(2026, 11, 1)),
    ]
    board = composed(people)
    assert [r.name for r in board.rows] == ["张**", "李*"]  # service-number order
    assert board.rows[0].items == "居家照料、供餐送餐" and board.rows[0].since == "2026-03-01"
    assert [(a.name, a.on) for a in board.additions] == [("李*", "2026-11-05")]
    assert [(r.on, r.change) for r in board.removals] == [
        ("2026-11-20", "停止服务"),
        ("2026-11-09", "迁出本村（社区）"),
        ("2026-11-01", "暂停服务"),
    ]  # the October death is last month's news


def test_archive_a_board_digest_changes_only_with_its_content() -> None:
    one, same = composed([person(1)]), composed([person(1)])
    other = composed([person(1, category="dibao")])
    assert one.digest() == same.digest() != other.digest()
    assert BoardContent.from_json(one.to_json()) == one


def test_archive_a_change_dated_later_shows_only_from_its_day() -> None:
    people = [
        person(1, status="stopped", previous_status="active", status_effective_date=END),
        person(
            2,
            status="stopped",
            previous_status="suspended",
            status_effective_date=END,
            display_name="李*",
        ),
    ]
    before = composed(people, today=date(2026, 11, 29))
    assert [r.name for r in before.rows] == ["张**"] and before.removals == ()
    on_the_day = composed(people)
    assert on_the_day.rows == ()
    assert [(r.name, r.on, r.change) for r in on_the_day.removals] == [
        ("张**", "2026-11-30", "停止服务"),
        ("李*", "2026-11-30", "停止服务"),
    ]


def test_archive_numbers_in_provider_or_item_names_are_scrubbed() -> None:
    assert scrub("爱心家政 13912345678") == "爱心家政 ***"
    assert scrub("王师傅(0566)2212349") == "王师傅***"
    board = composed([person(1, providers=("家政 139-1234-5678",))])
    assert board.rows[0].providers == "家政 ***"


def test_archive_the_final_scan_refuses_a_page_with_a_number() -> None:
    ensure_publishable("<td>张**</td><td>2026-11-05</td>")
    for text in ("身份证 341702199003070014", "电话 13912345678", "0566-2212349"):
        with pytest.raises(BoardLeakError):
            ensure_publishable(text)


names = st.text(min_size=1, max_size=12)
digits = st.text(alphabet="0123456789-() Xx", min_size=7, max_size=22)
fragments = st.lists(st.one_of(names, digits), min_size=1, max_size=3).map("".join)


@settings(max_examples=150, deadline=None)
@given(
    display=st.lists(fragments, min_size=1, max_size=4),
    item=fragments,
    provider=fragments,
)
def test_archive_no_rendered_board_holds_an_id_or_phone_shaped_string(
    display: list[str], item: str, provider: str
) -> None:
    people = [
        person(i + 1, display_name=f"{d}*", items=(item,), providers=(provider,))
        for i, d in enumerate(display)
    ]
    content = composed(people, place="池州市贵池区殷汇镇示例一村")
    html = render.board_page(
        content, version=1, valid_from=datetime(2026, 11, 29, 5, tzinfo=UTC), hotline="2212349"
    )
    assert not looks_like_id_number(html) and not looks_like_phone(html)
    ensure_publishable(html)


def test_archive_the_board_shown_on_a_day_is_the_last_version_before_midnight_in_chizhou() -> None:
    versions = [
        VersionStamp(1, datetime(2026, 11, 2, 1, tzinfo=UTC)),
        VersionStamp(2, datetime(2026, 11, 10, 15, 30, tzinfo=UTC)),  # 23:30 on the 10th in Chizhou
        VersionStamp(3, datetime(2026, 11, 10, 16, 30, tzinfo=UTC)),  # 00:30 on the 11th
    ]
    assert shown_on(versions, date(2026, 11, 1)) is None
    assert shown_on(versions, date(2026, 11, 9)).version == 1  # type: ignore[union-attr]
    assert shown_on(versions, date(2026, 11, 10)).version == 2  # type: ignore[union-attr]
    assert shown_on(versions, date(2026, 11, 11)).version == 3  # type: ignore[union-attr]


def test_archive_the_page_is_chinese_and_escapes_what_it_shows() -> None:
    content = composed([person(1, providers=("<script>x</script>",))])
    html = render.board_page(
        content, version=7, valid_from=datetime(2026, 11, 29, tzinfo=UTC), hotline="2212349"
    )
    assert 'lang="zh-CN"' in html and "服务类社会救助对象长期公示" in html and "第 7 版" in html
    assert "2026年11月新纳入" in html and "<script>" not in html and "&lt;script&gt;" in html
