"""Run the benchmark: servers and contenders in processes of their own; print and save a report.

    python3 run.py bench                      # the whole run (about 6 minutes on 2 cores)
    python -m benchmarks --n 8000 --repeat 5  # the same, longer, without the venv set-up
    python -m benchmarks --bulk 10000,100000  # smaller bulk sizes (default 100,000 and 1M)

See benchmarks/README.md for what is measured and how to read the tables.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from . import report
from .report import Row, Scenario
from .targets import evaluate

__all__ = ["main", "scenarios"]

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
CONCURRENT = ("floor", "raw-aiohttp", "sdk-aiohttp", "raw-httpx2", "sdk-httpx2", "requests")
ALL = (*CONCURRENT, "official")
BULK = ("bulk-httpx2", "bulk-aiohttp")
EMULATOR_CHECK = ("floor", "sdk-aiohttp", "sdk-httpx2")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    add = parser.add_argument
    add("--n", type=int, default=4000, help="requests per contender at 0 ms (4000)")
    add("--n-latency", type=int, default=2000, help="requests per contender with latency")
    add("--n-official", type=int, default=200, help="requests of the sequential client (200)")
    add("--latency", type=float, default=0.020, help="server-side seconds per request (0.020)")
    add("--jitter", type=float, default=0.005, help="± seconds; 0 skips that table (0.005)")
    add("--server", choices=("emulator", "fast"), default="fast",
        help="server of the latency tables; 0 ms and bulk use the fast server")  # fmt: skip
    add("--bulk", default="100000,1000000", help="bulk sizes, comma-separated; empty skips")
    add("--contenders", default=",".join((*ALL, *BULK)), help="comma-separated subset")
    add("--scenarios", default="0ms,latency,jitter,emulator,bulk", help="comma-separated subset")
    add("--repeat", type=int, default=3, help="processes per contender, medians (3; bulk 1)")
    add("--warmup", type=int, default=100, help="unmeasured requests per process (100)")
    add("--out", type=Path, default=RESULTS, help="where results go (benchmarks/results)")
    add("--no-chart", action="store_true", help="skip the PNG")
    return parser


def scenarios(args: argparse.Namespace) -> list[Scenario]:
    """The scenarios the options ask for, in report order."""
    chosen = set(args.contenders.split(","))
    keys = args.scenarios.split(",")
    ms = f"{args.latency * 1000:g} ms"
    on = "emulator (uvicorn)" if args.server == "emulator" else "fast server"
    official = {"*": args.n_latency, "official": args.n_official}
    out = [
        Scenario(key="0ms", title="0 ms latency, fast server: client CPU per request",
                 server="fast", latency=0.0, jitter=0.0,
                 contenders=_pick(ALL, chosen), counts={"*": args.n, "official": args.n}),
        Scenario(key="latency", title=f"{ms} server-side latency, {on}", server=args.server,
                 latency=args.latency, jitter=0.0, contenders=_pick(ALL, chosen),
                 counts=official),
        Scenario(key="jitter", title=f"{ms} ± {args.jitter * 1000:g} ms latency, {on}",
                 server=args.server, latency=args.latency, jitter=args.jitter,
                 contenders=_pick(CONCURRENT, chosen), counts=official),
        Scenario(key="emulator", title=f"{ms} latency, the emulator (uvicorn): server check",
                 server="emulator", latency=args.latency, jitter=0.0,
                 contenders=_pick(EMULATOR_CHECK, chosen), counts=official),
    ]  # fmt: skip
    if args.bulk:
        counts = [int(size) for size in args.bulk.split(",") if size]
        out.append(_bulk_scenario(args, chosen, counts, ms))
    if not args.jitter:
        keys = [k for k in keys if k != "jitter"]
    return [s for s in out if s.key in keys and s.contenders]


def _bulk_scenario(
    args: argparse.Namespace, chosen: set[str], counts: list[int], ms: str
) -> Scenario:
    names = tuple(f"{name}@{count}" for name in _pick(BULK, chosen) for count in counts)
    return Scenario(
        key="bulk",
        title=f"bulk: send_many with list packing, {ms} latency, fast server",
        server="fast",
        latency=args.latency,
        jitter=0.0,
        contenders=names,
        counts={"*": 0, **{n: int(n.split("@")[1]) for n in names}},
    )


def _pick(names: Sequence[str], chosen: set[str]) -> tuple[str, ...]:
    return tuple(n for n in names if n in chosen)


@contextmanager
def _server(scenario: Scenario) -> Iterator[tuple[str, int]]:
    """Start the scenario's server process; yield its URL and pid."""
    command = [sys.executable, "-m", "benchmarks.server", "--kind", scenario.server]
    command += ["--latency", str(scenario.latency), "--jitter", str(scenario.jitter)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline().split()
        if len(line) != 2 or line[0] != "listening":
            raise RuntimeError(f"the benchmark server did not start: {line!r}")
        yield line[1], process.pid
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _child(name: str, url: str, pid: int, first: int, count: int, warmup: int) -> Row:
    command = [sys.executable, "-m", "benchmarks.child", name.split("@")[0], "--url", url]
    command += ["--first", str(first), "--count", str(count), "--warmup", str(warmup)]
    command += ["--server-pid", str(pid)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{name} failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
    row: Row = json.loads(done.stdout.strip().splitlines()[-1])
    return row


def _measure(scenario: Scenario, args: argparse.Namespace, slot: Iterator[int]) -> dict[str, Row]:
    runs: dict[str, list[Row]] = {name: [] for name in scenario.contenders}
    with _server(scenario) as (url, pid):
        for _ in range(1 if scenario.key == "bulk" else args.repeat):
            for name in scenario.contenders:
                count = scenario.count(name)
                # Each process gets its own block of numbers: no request repeats another.
                first = next(slot) * 10_000_000
                row = _child(name, url, pid, first, count, args.warmup)
                runs[name].append(row)
                print(f"  {scenario.key:8} {name:22} {row['count'] / row['seconds']:10,.0f} "
                      f"msg/s {row['cpu_seconds'] / row['count'] * 1e6:8,.1f} µs CPU/msg",
                      file=sys.stderr, flush=True)  # fmt: skip
    return {name: report.summarise(rows) for name, rows in runs.items()}


def _header(args: argparse.Namespace, started: float) -> list[str]:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as file:
            models = [ln.split(":", 1)[1].strip() for ln in file if ln.startswith("model name")]
        cpu = models[0] if models else cpu
    except OSError:
        pass
    return [
        "## smsc_async benchmark",
        "",
        f"{time.strftime('%Y-%m-%d %H:%M', time.localtime(started))}; Python "
        f"{platform.python_version()} on {platform.system()}, {os.cpu_count()} CPU ({cpu}); "
        f"asyncio event loop; 14 requests in flight; {args.repeat} process(es) per contender "
        f"(medians; bulk: 1); took {time.time() - started:.0f} s. Command: "
        f"`python -m benchmarks {' '.join(sys.argv[1:])}`".rstrip()
        + ".",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; returns the exit code."""
    args = _parser().parse_args(argv)
    started = time.time()
    slot = iter(range(1, 99))
    results = []
    for scenario in scenarios(args):
        print(f"{scenario.title} …", file=sys.stderr, flush=True)
        results.append((scenario, _measure(scenario, args, slot)))
    text = report.markdown(_header(args, started), results, evaluate(results))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "latest.md").write_text(text, encoding="utf-8")
    raw = [{"scenario": s.key, **row} for s, rows in results for row in rows.values()]
    (args.out / "latest.json").write_text(json.dumps(raw, indent=1), encoding="utf-8")
    if not args.no_chart:
        report.chart(results, args.out / "latest.png")
    print(text)
    return 0
