"""The document checklist of step 7, and which uploads are accepted."""

from __future__ import annotations

import pytest

from archive.domain.documents import (
    ItemState,
    UploadRejectedError,
    check_upload,
    checklist,
    is_complete,
)

pytestmark = pytest.mark.unit

PDF = b"%PDF-1.7\n"
MAX = 1024 * 1024


def states(conditions: set[str], uploaded: set[str], records: bool) -> dict[str, ItemState]:
    return {i.kind.value: i.state for i in checklist(conditions, uploaded, records)}


def test_archive_the_checklist_lists_the_seven_items_of_the_seed_in_order() -> None:
    kinds = [i.kind.value for i in checklist((), (), False)]
    assert kinds == [
        "id_card_copy",
        "household_register_copy",
        "illness_proof",
        "disability_certificate",
        "assistance_status_proof",
        "needs_assessment_form",
        "service_receipt_record",
    ]
    assert [i.label_zh for i in checklist((), (), False)][:2] == ["身份证复印件", "户口本复印件"]


def test_archive_illness_and_disability_proofs_are_needed_only_for_those_conditions() -> None:
    plain = states(set(), set(), False)
    assert plain["illness_proof"] is plain["disability_certificate"] is ItemState.NOT_APPLICABLE
    ill = states({"seriously_ill", "severely_disabled"}, set(), False)
    assert ill["illness_proof"] is ill["disability_certificate"] is ItemState.MISSING


def test_archive_the_service_receipt_is_generated_once_there_are_records() -> None:
    assert states(set(), set(), False)["service_receipt_record"] is ItemState.MISSING
    items = checklist((), (), True)
    receipt = next(i for i in items if i.kind.value == "service_receipt_record")
    assert receipt.state is ItemState.COMPLETE and receipt.generated


def test_archive_a_file_is_complete_when_nothing_required_is_missing() -> None:
    everything = {
        "id_card_copy",
        "household_register_copy",
        "assistance_status_proof",
        "needs_assessment_form",
    }
    assert is_complete(checklist((), everything, True))
    assert not is_complete(checklist(("seriously_ill",), everything, True))
    assert not is_complete(checklist((), everything - {"id_card_copy"}, True))


def test_archive_uploads_are_checked_for_type_content_and_size() -> None:
    assert check_upload("application/pdf; charset=binary", PDF, 100, MAX) == "application/pdf"
    assert check_upload("image/png", b"\x89PNG\r\n\x1a\nxxxx", 100, MAX) == "image/png"
    refused = {
        "content_type_not_allowed": ("text/html", b"<html>", 10),
        "content_mismatch": ("application/pdf", b"MZ\x90\x00", 10),
        "file_too_large": ("application/pdf", PDF, MAX + 1),
        "empty_file": ("application/pdf", b"", 0),
    }
    for code, (ctype, head, size) in refused.items():
        with pytest.raises(UploadRejectedError) as caught:
            check_upload(ctype, head, size, MAX)
        assert caught.value.code == code and caught.value.message_zh
