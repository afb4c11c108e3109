"""A TCP proxy a fault test controls: it passes bytes through, or it hangs.

A network partition is seldom a refused connection: packets stop, and both sides wait.
``hang()`` does that to every connection through the proxy, open or new, until ``heal()``;
nothing is closed, so clients find out only by their own timeouts, as in a real partition.
"""

from __future__ import annotations

import asyncio
import contextlib

CHUNK = 64 * 1024


class FaultProxy:
    """Forwards ``127.0.0.1:<port>`` to ``target``; can be made to hang and healed."""

    def __init__(self, target_port: int, *, port: int = 0, target_host: str = "127.0.0.1") -> None:
        self.target = (target_host, target_port)
        self.port = port
        self._flowing = asyncio.Event()
        self._flowing.set()
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.Task[None]] = set()

    async def start(self) -> FaultProxy:
        """Listens (on an ephemeral port unless one was given)."""
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def hang(self) -> None:
        """Every byte in either direction waits, on open and new connections alike."""
        self._flowing.clear()

    def heal(self) -> None:
        """Bytes flow again."""
        self._flowing.set()

    async def stop(self) -> None:
        """Closes the listener and every connection."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for pipe in list(self._pipes):
            pipe.cancel()
        for pipe in list(self._pipes):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await pipe
        self._flowing.set()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await self._flowing.wait()  # a new connection during a partition gets no answer
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        for pipe in (self._pipe(reader, up_writer), self._pipe(up_reader, writer)):
            task = asyncio.create_task(pipe)
            self._pipes.add(task)
            task.add_done_callback(self._pipes.discard)

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(CHUNK):
                await self._flowing.wait()
                writer.write(data)
                await writer.drain()
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()
