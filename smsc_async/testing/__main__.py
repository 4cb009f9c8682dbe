"""``python -m smsc_async.testing``: the SMSC emulator on a local port, for trying things by hand.

Prints the URL on its first line, then the demo account's credentials, and serves until
Ctrl-C (or SIGTERM). It listens on 127.0.0.1 unless ``--host`` names another address; a
non-loopback address is only ever used when typed explicitly, and then with a warning, since
anyone who reaches it can use the demo credentials.

    python -m smsc_async.testing --port 8000 --latency 0.2 --login demo --password demo
"""

from __future__ import annotations

import argparse
import decimal
import ipaddress
import signal
import sys
import threading
from collections.abc import Sequence
from decimal import Decimal

from ._core import FakeSMSC
from ._faults.kinds import Fault
from ._faults.plan import FaultPlan
from ._servers.threaded import serve_in_thread

__all__ = ["main"]


def _decimal(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except decimal.InvalidOperation:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value.is_finite():
        raise argparse.ArgumentTypeError(f"not a finite number: {text!r}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError("must be >= 0")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m smsc_async.testing",
        description="Serve the SMSC.ru API emulator (FakeSMSC) over HTTP on this machine.",
    )
    parser.add_argument("--host", default=None, help="address to listen on (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port; 0 picks a free one (8000)")
    parser.add_argument("--latency", type=_seconds, default=0.0, help="seconds added per answer")
    parser.add_argument("--login", default="demo", help="demo account login (demo)")
    parser.add_argument("--password", default="demo", help="demo account password (demo)")
    parser.add_argument("--api-key", default=None, help="demo account API key (none)")
    parser.add_argument("--balance", type=_decimal, default=Decimal("100"), help="(100)")
    return parser


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def main(argv: Sequence[str] | None = None) -> int:
    """Run the emulator until interrupted; returns the process exit code."""
    args = _parser().parse_args(argv)
    host = args.host if args.host is not None else "127.0.0.1"
    if not _is_loopback(host):
        print(
            f"warning: listening on {host}, not loopback: anyone who can reach it can use "
            "the demo credentials",
            file=sys.stderr,
        )
    fake = FakeSMSC()
    fake.add_account(args.login, args.password, api_key=args.api_key, balance=args.balance)
    faults = FaultPlan()
    if args.latency:
        faults.add(Fault.latency(args.latency))
    # SIGTERM becomes KeyboardInterrupt, so `terminate()` shuts the server down cleanly.
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        with serve_in_thread(fake, host=host, port=args.port, faults=faults) as server:
            print(f"SMSC emulator listening on {server.url}", flush=True)
            print(f"  login: {args.login}  password: {args.password}", flush=True)
            if args.api_key is not None:
                print(f"  api key: {args.api_key}", flush=True)
            print(f"  balance: {args.balance}; Ctrl-C to stop", flush=True)
            threading.Event().wait()
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        print(f"error: cannot listen on {host}:{args.port}: {exc.strerror}", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGTERM, previous)
    return 0


if __name__ == "__main__":
    sys.exit(main())
