"""The document checklist of a file (seed step 7) and the rules for accepting an upload."""

from __future__ import annotations

import enum
from collections.abc import Collection
from dataclasses import dataclass

from contracts.enums import SpecialCondition
from contracts.kinds import DocumentKind

#: Media types a document may have, with the bytes such a file starts with.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}

#: What step 7 of the seed lists for every file, in the order the seed names them.
CHECKLIST: tuple[DocumentKind, ...] = (
    DocumentKind.ID_CARD_COPY,
    DocumentKind.HOUSEHOLD_REGISTER_COPY,
    DocumentKind.ILLNESS_PROOF,
    DocumentKind.DISABILITY_CERTIFICATE,
    DocumentKind.ASSISTANCE_STATUS_PROOF,
    DocumentKind.NEEDS_ASSESSMENT_FORM,
    DocumentKind.SERVICE_RECEIPT_RECORD,
)

#: Proofs needed only when the person has the condition they prove.
_ONLY_WITH: dict[DocumentKind, frozenset[SpecialCondition]] = {
    DocumentKind.ILLNESS_PROOF: frozenset({SpecialCondition.SERIOUSLY_ILL}),
    DocumentKind.DISABILITY_CERTIFICATE: frozenset({SpecialCondition.SEVERELY_DISABLED}),
}


class UploadRejectedError(ValueError):
    """An upload that may not be stored; ``code`` and ``message_zh`` say why."""

    def __init__(self, code: str, message_zh: str) -> None:
        super().__init__(message_zh)
        self.code = code
        self.message_zh = message_zh


def check_upload(content_type: str, head: bytes, size: int, max_bytes: int) -> str:
    """Returns the normalised media type, or raises UploadRejectedError."""
    media = content_type.split(";")[0].strip().lower()
    if media not in SIGNATURES:
        allowed = "、".join(("PDF", "JPEG", "PNG"))
        raise UploadRejectedError("content_type_not_allowed", f"只接受 {allowed} 格式的文件")
    if size == 0:
        raise UploadRejectedError("empty_file", "上传的文件为空")
    if size > max_bytes:
        raise UploadRejectedError(
            "file_too_large", f"文件过大：不得超过 {max_bytes // (1024 * 1024)} MB"
        )
    if not head.startswith(SIGNATURES[media]):
        raise UploadRejectedError("content_mismatch", "文件内容与声明的格式不符")
    return media


class ItemState(enum.StrEnum):
    """Whether a checklist item is in the file."""

    COMPLETE = "complete"
    MISSING = "missing"
    NOT_APPLICABLE = "not_applicable"


STATE_ZH = {
    ItemState.COMPLETE: "已齐全",
    ItemState.MISSING: "缺失",
    ItemState.NOT_APPLICABLE: "不适用",
}


@dataclass(frozen=True)
class ChecklistItem:
    """One line of the checklist."""

    kind: DocumentKind
    state: ItemState
    generated: bool = False

    @property
    def label_zh(self) -> str:
        """The document's Chinese name."""
        return self.kind.label_zh


def _state(kind: DocumentKind, conditions: frozenset[str], present: bool) -> ItemState:
    needed_for = _ONLY_WITH.get(kind)
    if present:
        return ItemState.COMPLETE
    if needed_for is not None and not needed_for.intersection(conditions):
        return ItemState.NOT_APPLICABLE
    return ItemState.MISSING


def checklist(
    conditions: Collection[str], uploaded: Collection[str], has_service_records: bool
) -> list[ChecklistItem]:
    """The checklist of a file: what is complete, missing or not applicable to the person."""
    given = frozenset(conditions)
    items = []
    for kind in CHECKLIST:
        # The service-receipt record is generated from the service records themselves.
        generated = kind is DocumentKind.SERVICE_RECEIPT_RECORD and has_service_records
        present = kind.value in uploaded or generated
        items.append(ChecklistItem(kind, _state(kind, given, present), generated))
    return items


def is_complete(items: Collection[ChecklistItem]) -> bool:
    """True when nothing on the checklist is missing."""
    return all(i.state is not ItemState.MISSING for i in items)
