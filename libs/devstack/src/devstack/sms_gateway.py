"""A local SMS / WeChat-template gateway for tests: a real HTTP server on a free port.

It answers each message with the next scripted response (``script(Reply(500), Reply(200))``:
a 500 once, then 200), optionally after a delay; when the script runs out it answers 200.
It records every request it got (headers and JSON body) and, after a 200, posts a delivery
receipt to the message's ``callback_url``, signed with the channel's secret as dispatch
checks it (``X-Signature: sha256=<HMAC-SHA256 of the body>``). Never a mock object: the
service under test talks HTTP to it exactly as it would to the county's gateway.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import urllib.request
import uuid
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from civic.clock import machine_now


@dataclass(frozen=True)
class Reply:
    """One scripted answer: an HTTP status, after ``delay_s`` seconds."""

    status: int = 200
    delay_s: float = 0.0


@dataclass(frozen=True)
class Received:
    """One request the gateway got."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    status: int


@dataclass
class ReceiptPosted:
    """A receipt the gateway posted, and what the service answered."""

    url: str
    body: dict[str, Any]
    status: int | None = None
    error: str | None = None


@dataclass
class SmsGateway:
    """The gateway: ``start()`` (or ``with``), ``url``, ``script()``, ``requests``, ``receipts``."""

    secret: str = "gateway-channel-secret-for-tests"
    receipt_status: str = "delivered"
    #: Where receipts go when a message names no ``callback_url`` (a gateway's console setting).
    receipt_url: str | None = None
    requests: list[Received] = field(default_factory=list)
    receipts: list[ReceiptPosted] = field(default_factory=list)
    _script: deque[Reply] = field(default_factory=deque)
    _changed: threading.Condition = field(default_factory=threading.Condition)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        """Where messages are posted."""
        assert self._server is not None, "start the gateway first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/send"

    def script(self, *replies: Reply) -> None:
        """Answers the next messages with ``replies``, in order (then 200 again)."""
        with self._changed:
            self._script.extend(replies)

    def start(self) -> SmsGateway:
        """Serves on 127.0.0.1 on a free port, in a thread."""
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Stops serving."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> SmsGateway:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def wait_for(self, what: str, count: int, timeout: float = 60.0) -> list[Any]:
        """Blocks until ``count`` ``requests`` or ``receipts`` (answered) are there."""

        def done() -> bool:
            if what == "requests":
                return len(self.requests) >= count
            return sum(r.status is not None or r.error is not None for r in self.receipts) >= count

        with self._changed:
            if not self._changed.wait_for(done, timeout=timeout):
                raise TimeoutError(f"gateway has {len(getattr(self, what))} {what}, not {count}")
            return list(getattr(self, what))

    def _next_reply(self) -> Reply:
        with self._changed:
            return self._script.popleft() if self._script else Reply()

    def _record(self, received: Received) -> None:
        with self._changed:
            self.requests.append(received)
            self._changed.notify_all()

    def _post_receipt(self, body: dict[str, Any]) -> None:
        url = body.get("callback_url") or self.receipt_url
        reference = body.get("reference") or body.get("client_msg_id")
        if not url or not reference:
            return
        receipt = {
            "reference": reference,
            "status": self.receipt_status,
            "at": machine_now().isoformat(),  # the gateway's own clock
        }
        posted = ReceiptPosted(url, receipt)
        raw = json.dumps(receipt).encode()
        signature = "sha256=" + hmac.new(self.secret.encode(), raw, hashlib.sha256).hexdigest()
        headers = {"Content-Type": "application/json", "X-Signature": signature}
        try:
            request = urllib.request.Request(url, data=raw, headers=headers, method="POST")
            with urllib.request.urlopen(request, timeout=10) as answer:
                posted.status = answer.status
        except urllib.error.HTTPError as exc:
            posted.status = exc.code
        except OSError as exc:
            posted.error = repr(exc)
        with self._changed:
            self.receipts.append(posted)
            self._changed.notify_all()


def _handler_for(gateway: SmsGateway) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            reply = gateway._next_reply()
            if reply.delay_s:
                time.sleep(reply.delay_s)  # a slow gateway (this thread only)
            body = json.loads(raw or b"{}")
            gateway._record(Received(self.path, dict(self.headers), body, reply.status))
            answer = {"message_id": uuid.uuid4().hex} if reply.status == 200 else {"error": "x"}
            data = json.dumps(answer).encode()
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            if reply.status == 200:
                threading.Thread(target=gateway._post_receipt, args=(body,), daemon=True).start()

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the test reads ``requests``."""

    return Handler
