"""`serve_in_thread`: the emulator on a real loopback socket, served by uvicorn in a thread.

uvicorn is the optional extra ``smsc_async[server]``; it is imported only when a server is
started. The emulator's ``handle`` then runs on uvicorn's asyncio loop in that thread, while
the test reads the emulator (ledger, accounts) from its own thread.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import attrs

from .._faults.plan import FaultPlan
from .asgi import asgi_app
from .inprocess import FakeHandler

if TYPE_CHECKING:
    import uvicorn

__all__ = ["RunningServer", "serve_in_thread"]


@attrs.frozen(kw_only=True)
class RunningServer:
    """A running emulator server.

    Attributes:
        url: its base URL, e.g. ``http://127.0.0.1:8123`` (give it to ``AsyncClient``).
        host: the address it listens on.
        port: the port it listens on.
    """

    url: str
    host: str
    port: int


def _uvicorn() -> Any:
    try:
        import uvicorn
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "serving the SMSC emulator over HTTP needs uvicorn: pip install 'smsc_async[server]'"
        ) from exc
    return uvicorn


@contextlib.contextmanager
def serve_in_thread(
    fake: FakeHandler,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    faults: FaultPlan | None = None,
    startup_timeout: float = 10.0,
) -> Iterator[RunningServer]:
    """Serve ``fake`` over HTTP on ``host:port`` (0: a free port) until the block ends.

    The socket is bound before the server starts, so the port is known and free; the block
    is entered once uvicorn is listening and is left only after it has shut down.

    Raises:
        ImportError: uvicorn is not installed (the ``server`` extra).
        OSError: the address cannot be bound.
        RuntimeError: the server did not start within ``startup_timeout`` seconds.
    """
    uv = _uvicorn()
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY on accepted sockets only then, and
    # without it uvicorn's separate head and body writes wait ~40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        bound_port = int(sock.getsockname()[1])
        config = uv.Config(
            asgi_app(fake, faults=faults),
            log_level="warning",
            # Leave the process's logging configuration alone (pytest's capture, the user's).
            log_config=None,
            lifespan="off",
            proxy_headers=False,
            access_log=False,
            # A client still reading a dripped answer must not hold shutdown for long.
            timeout_graceful_shutdown=2,
        )
        server = uv.Server(config)
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="smsc-fake-server", daemon=True
        )
        thread.start()
        try:
            _wait_started(server, thread, startup_timeout)
            shown = f"[{host}]" if family == socket.AF_INET6 else host
            yield RunningServer(url=f"http://{shown}:{bound_port}", host=host, port=bound_port)
        finally:
            server.should_exit = True
            thread.join(startup_timeout)
    finally:
        sock.close()


def _wait_started(server: uvicorn.Server, thread: threading.Thread, timeout: float) -> None:
    """Poll until uvicorn says it listens; fail if its thread died or time ran out."""
    give_up = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the emulator server stopped during startup (see its log)")
        if time.monotonic() > give_up:
            server.should_exit = True
            raise RuntimeError(f"the emulator server did not start within {timeout:g} s")
        time.sleep(0.005)
