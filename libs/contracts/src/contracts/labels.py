"""Chinese labels for code enumerations: staff-facing text is Chinese-first."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Any, TypeVar, overload

_LABELS: dict[type[StrEnum], Mapping[str, str]] = {}

_E = TypeVar("_E", bound="ZhEnum")


class _LabelZh:
    """On a member, its Chinese label; on the enum class, the whole value -> label map."""

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> Mapping[str, str]: ...

    @overload
    def __get__(self, obj: object, owner: type[Any]) -> str: ...

    def __get__(self, obj: object | None, owner: type[Any]) -> str | Mapping[str, str]:
        labels = _LABELS[owner]
        return labels if obj is None else labels[str(obj)]


class _Labelled:
    # A plain mixin: type checkers would take an attribute set in the enum body for a member.
    label_zh = _LabelZh()


class ZhEnum(_Labelled, StrEnum):
    """A string enum with Chinese labels: ``Member.label_zh`` and ``Enum.label_zh[value]``."""


def zh_labels(labels: Mapping[str, str]) -> Callable[[type[_E]], type[_E]]:
    """Attaches Chinese labels to an enum; every member must have one."""

    def attach(cls: type[_E]) -> type[_E]:
        missing = {m.value for m in cls} - set(labels)
        extra = set(labels) - {m.value for m in cls}
        if missing or extra:
            raise TypeError(
                f"{cls.__name__}: labels missing {missing or '{}'}, extra {extra or '{}'}"
            )
        _LABELS[cls] = MappingProxyType({m.value: labels[m.value] for m in cls})
        return cls

    return attach
