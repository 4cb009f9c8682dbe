"""The benchmark's server process: the emulator (or the fast server) on 127.0.0.1.

    python -m benchmarks.server --kind emulator --latency 0.02 --jitter 0.005

Prints ``listening <url>`` on its first line and serves until SIGTERM/Ctrl-C.

* ``emulator``: `smsc_async.testing.FakeSMSC` served by uvicorn (the ``server`` extra). Its
  ``latency`` is slept *inside* the request, so a request counts toward SMSC's 14-in-flight
  rule for the whole delay, as on the real server (``python -m smsc_async.testing --latency``
  instead adds the delay after processing, outside the rule). The account has a balance no
  run can exhaust; each client sends every request to a different number, so neither the
  anti-flood nor the identical-request rule fires.
* ``fast``: `benchmarks.fastserver` — the same answers and the same concurrency rule, for a
  fraction of the CPU (see that module).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import signal
import socket
import sys
from collections.abc import Sequence
from decimal import Decimal

from smsc_async.testing import FakeSMSC, asgi_app

from .fastserver import FastServer, serve_fast

__all__ = ["LOGIN", "PASSWORD", "JitteredFake", "main"]

LOGIN = "bench"
PASSWORD = "bench-password"


class JitteredFake(FakeSMSC):
    """`FakeSMSC` whose per-request latency is ``latency`` ± up to ``jitter`` seconds."""

    def __init__(self, *, latency: float, jitter: float) -> None:
        self._jitter = jitter
        self._base = latency
        super().__init__(latency=latency)

    @property
    def latency(self) -> float:
        """Read once per request by `FakeSMSC.handle`: a fresh jittered value each time."""
        if not self._jitter:
            return self._base
        return max(0.0, self._base + random.uniform(-self._jitter, self._jitter))

    @latency.setter
    def latency(self, value: float) -> None:
        self._base = value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.server", description=__doc__)
    parser.add_argument("--kind", choices=("emulator", "fast"), default="emulator")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per request")
    parser.add_argument("--jitter", type=float, default=0.0, help="± seconds on the latency")
    return parser


def _serve_emulator(latency: float, jitter: float, port: int) -> None:
    """uvicorn in this thread, on a socket made with ``IPPROTO_TCP``.

    Not `smsc_async.testing.serve_in_thread`: it creates its socket with protocol 0, and
    asyncio sets ``TCP_NODELAY`` only on accepted sockets whose protocol is ``IPPROTO_TCP``;
    without it uvicorn's separate writes of head and body meet Nagle's algorithm and the
    client's delayed ACK, and every answer arrives about 40 ms late.
    """
    import uvicorn

    fake = JitteredFake(latency=latency, jitter=jitter)
    fake.add_account(LOGIN, PASSWORD, balance=Decimal(10) ** 15)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(512)
    config = uvicorn.Config(
        asgi_app(fake),
        log_level="warning",
        lifespan="off",
        access_log=False,
        proxy_headers=False,
        timeout_graceful_shutdown=1,
    )
    print(f"listening http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    uvicorn.Server(config).run(sockets=[sock])


async def _serve_fast(latency: float, jitter: float, port: int) -> None:
    server = FastServer(login=LOGIN, password=PASSWORD, latency=latency, jitter=jitter)
    ready: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    serving = asyncio.ensure_future(serve_fast(server, "127.0.0.1", port, ready))
    bound = await ready
    print(f"listening http://127.0.0.1:{bound}", flush=True)
    await serving


def main(argv: Sequence[str] | None = None) -> int:
    """Serve until SIGTERM or Ctrl-C; returns the exit code."""
    args = _parser().parse_args(argv)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        if args.kind == "emulator":
            _serve_emulator(args.latency, args.jitter, args.port)
        else:
            asyncio.run(_serve_fast(args.latency, args.jitter, args.port))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
