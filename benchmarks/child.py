"""One contender, measured in a fresh process of its own; prints one JSON line.

    python -m benchmarks.child NAME --url URL --first K --count N [--warmup W] [--server-pid P]

The process imports the contender, opens its connections and sends ``warmup`` requests
(not measured), then measures ``count`` requests: wall time, this process's CPU time (user +
system, all threads, ``time.process_time``), the server process's CPU time over the same
span (``/proc/<pid>/stat``, when given and readable) and, at the end, this process's peak
RSS (``ru_maxrss``: imports, connections and all).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["main", "server_cpu"]

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def server_cpu(pid: int | None) -> float | None:
    """CPU seconds (user + system) process ``pid`` has used so far, or None if unknown."""
    if pid is None:
        return None
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as file:
            fields = file.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # Fields after "(comm)": state is index 0, utime 11, stime 12 (stat(5) fields 14, 15).
    return (int(fields[11]) + int(fields[12])) / _TICKS


class _Meter:
    """Wall, CPU and server CPU over the measured span."""

    def __init__(self, server_pid: int | None) -> None:
        self.server_pid = server_pid
        self.result: dict[str, Any] = {}

    def start(self) -> None:
        self.server0 = server_cpu(self.server_pid)
        self.cpu0 = time.process_time()
        self.wall0 = time.perf_counter()

    def stop(self) -> None:
        wall = time.perf_counter() - self.wall0
        cpu = time.process_time() - self.cpu0
        server = server_cpu(self.server_pid)
        busy = None if server is None or self.server0 is None else server - self.server0
        self.result.update(seconds=wall, cpu_seconds=cpu, server_cpu_seconds=busy)


async def _run_async(name: str, args: argparse.Namespace, meter: _Meter) -> int:
    from .async_clients import ASYNC_CONTENDERS, drive_async

    async with ASYNC_CONTENDERS[name](args.url) as send:
        if args.warmup:
            await drive_async(send, args.first - args.warmup, args.warmup)
        meter.start()
        failures = await drive_async(send, args.first, args.count)
        meter.stop()
    return failures


def _run_sync(name: str, args: argparse.Namespace, meter: _Meter) -> int:
    from . import sync_clients

    factory: Callable[[str], Any] = (
        sync_clients.official_style if name == "official" else sync_clients.requests_threads
    )
    threads = sync_clients.SYNC_THREADS[name]
    send, close = factory(args.url)
    try:
        if args.warmup:
            start = args.first - args.warmup
            sync_clients.drive_sync(send, iter(range(start, args.first)), threads)
        meter.start()
        indices = iter(range(args.first, args.first + args.count))
        failures = sync_clients.drive_sync(send, indices, threads)
        meter.stop()
    finally:
        close()
    return failures


def _run_bulk(name: str, args: argparse.Namespace, meter: _Meter) -> int:
    from .bulk import run_bulk

    aiohttp = name == "bulk-aiohttp"
    return asyncio.run(run_bulk(args.url, args.first, args.count, meter, aiohttp=aiohttp))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.child", description=__doc__)
    parser.add_argument("name")
    parser.add_argument("--url", required=True)
    parser.add_argument("--first", type=int, default=10_000_000)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--server-pid", type=int, default=None)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Measure one contender and print its JSON line; returns the exit code."""
    args = _parser().parse_args(argv)
    meter = _Meter(args.server_pid)
    name: str = args.name
    if name.startswith("bulk-"):
        failures = _run_bulk(name, args, meter)
    elif name in ("official", "requests"):
        failures = _run_sync(name, args, meter)
    else:
        failures = asyncio.run(_run_async(name, args, meter))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    meter.result.update(
        name=name,
        count=args.count,
        failures=failures,
        peak_rss_mb=usage.ru_maxrss / 1024,
    )
    print(json.dumps(meter.result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
