"""County IT's go-live import: ``python -m intake.importer FILE.(csv|xlsx) --url … --token …``.

Reads the file (template columns in Chinese), sends it to intake in chunks with a progress
bar, prints the run's summary and writes the per-row error report next to the file
(``<file>.errors.csv``). A chunk that fails in transit is sent again: intake counts a
person imported before as unchanged. ``--template out.xlsx`` (or ``.csv``) writes the
template. Exit status: 0 when every row was imported or unchanged, 1 when some rows had
errors, 2 when the file or the service could not be used.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from intake.adapters.import_files import FileRow, UnreadableFile, read_rows
from intake.adapters.import_template import template_csv, template_xlsx

CHUNK_ROWS = 500
ATTEMPTS = 4
console = Console()


def write_template(path: Path) -> None:
    """Writes the template workbook (or CSV, by the file's suffix)."""
    if path.suffix.lower() == ".csv":
        path.write_text(template_csv(), encoding="utf-8")
    else:
        path.write_bytes(template_xlsx())
    console.print(f"已生成导入模板：{path}")


class Client:
    """intake's import routes over HTTP (the standard library: the CLI needs nothing more)."""

    def __init__(self, url: str, token: str) -> None:
        self.url, self.token = url.rstrip("/"), token

    def call(self, method: str, path: str, body: Any = None) -> bytes:
        """The answer's bytes; sent again after a network failure or a 5xx."""
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        for attempt in range(1, ATTEMPTS + 1):
            request = urllib.request.Request(self.url + path, data, headers, method=method)
            try:
                with urllib.request.urlopen(request, timeout=120) as answer:
                    return bytes(answer.read())
            except urllib.error.HTTPError as refused:
                if refused.code < 500 or attempt == ATTEMPTS:
                    raise ImportFailed(f"{refused.code} {refused.read().decode()[:500]}") from None
            except OSError as failure:
                if attempt == ATTEMPTS:
                    raise ImportFailed(str(failure)) from None
            time.sleep(0.5 * attempt)  # a moment for the service to come back
        raise AssertionError("unreachable")

    def json(self, method: str, path: str, body: Any = None) -> Any:
        """The answer as JSON."""
        return json.loads(self.call(method, path, body))


class ImportFailed(Exception):
    """intake refused a request, or could not be reached."""


def upload(client: Client, rows: Sequence[FileRow], file_name: str, chunk: int) -> str:
    """Opens a run and sends the rows in chunks; returns the run's id."""
    import_id = str(client.json("POST", "/imports", {"file_name": file_name})["import_id"])
    columns = (TextColumn("导入中"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("rows", total=len(rows))
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            body = {"rows": [{"row_number": n, **cells} for n, cells in part]}
            client.call("POST", f"/imports/{import_id}/rows", body)
            progress.advance(task, len(part))
    return import_id


def report(client: Client, import_id: str, source: Path) -> dict[str, Any]:
    """Prints the summary and writes the error report next to the file; returns the summary."""
    summary: dict[str, Any] = client.json("GET", f"/imports/{import_id}")
    console.print(
        f"导入批次 {import_id}：共 {summary['rows']} 行，新导入 {summary['created']} 行，"
        f"未变化 {summary['unchanged']} 行，有错误 {summary['failed']} 行",
        soft_wrap=True,  # one line, whatever the terminal's width: scripts read it
    )
    errors_path = source.with_name(source.name + ".errors.csv")
    if summary["failed"]:
        errors_path.write_bytes(client.call("GET", f"/imports/{import_id}/errors"))
        console.print(f"错误报告已写入：{errors_path}", soft_wrap=True)
    elif errors_path.exists():
        errors_path.unlink()  # an old report would describe errors that no longer exist
    return summary


def run(path: Path, *, url: str, token: str, chunk: int = CHUNK_ROWS) -> int:
    """Imports one file; the exit status."""
    try:
        rows = read_rows(path)
    except (OSError, UnreadableFile) as problem:
        console.print(f"[red]无法读取文件：{problem}[/red]")
        return 2
    client = Client(url, token)
    try:
        import_id = upload(client, rows, path.name, chunk)
        summary = report(client, import_id, path)
    except ImportFailed as problem:
        console.print(f"[red]导入未完成：{problem}[/red]")
        return 2
    return 1 if summary["failed"] else 0


def main(argv: Sequence[str] | None = None) -> int:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m intake.importer", description=__doc__)
    parser.add_argument("file", nargs="?", type=Path, help="the CSV or XLSX file to import")
    parser.add_argument("--url", default="http://127.0.0.1:8101", help="intake's address")
    parser.add_argument("--token", help="a bearer token of the admin role (make token)")
    parser.add_argument("--chunk", type=int, default=CHUNK_ROWS, help="rows per request (≤1000)")
    parser.add_argument("--template", type=Path, help="write the template here and stop")
    args = parser.parse_args(argv)
    if args.template:
        write_template(args.template)
        return 0
    if args.file is None or not args.token:
        parser.error("需要导入文件和 --token")
    return run(args.file, url=args.url, token=args.token, chunk=min(max(args.chunk, 1), 1000))


if __name__ == "__main__":
    sys.exit(main())
