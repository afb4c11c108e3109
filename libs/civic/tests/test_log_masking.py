"""Log lines mask ID numbers and phones, in messages and in the tracebacks they carry."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from civic.telemetry import setup_logging

pytestmark = pytest.mark.unit

NUMBER, PHONE = "341702195001010036", "13805661234"


@pytest.fixture
def stderr(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    captured = io.StringIO()
    monkeypatch.setattr("sys.stderr", captured)
    setup_logging("test")
    yield captured
    root.handlers[:], root.level = handlers, level


def test_an_exception_logged_with_its_traceback_is_masked(stderr: io.StringIO) -> None:
    try:
        raise ValueError(f"身份证号 {NUMBER} 与电话 {PHONE} 不符")
    except ValueError:
        logging.getLogger("civic.test").exception("处理 %s 失败", NUMBER)
    line = json.loads(stderr.getvalue().splitlines()[-1])
    assert NUMBER not in json.dumps(line, ensure_ascii=False)
    assert PHONE not in json.dumps(line, ensure_ascii=False)
    assert "3417**********0036" in line["message"]
    assert "ValueError" in line["exc_info"] and "138****1234" in line["exc_info"]


def test_a_stack_logged_on_purpose_is_masked(stderr: io.StringIO) -> None:
    def deeper(number: str) -> None:
        logging.getLogger("civic.test").warning("栈", stack_info=True)

    deeper("341702195001010036")  # the stack quotes this line's source
    line = json.loads(stderr.getvalue().splitlines()[-1])
    assert "deeper(" in line["stack_info"] and NUMBER not in stderr.getvalue()
