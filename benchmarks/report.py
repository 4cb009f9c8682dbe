"""Turn measured rows into the Markdown report (tables, targets) and the PNG chart.

A row is the JSON a `benchmarks.child` printed, plus ``scenario``. Ratios are computed here,
between rows of the same scenario of the same run, never against numbers from elsewhere.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs

__all__ = ["Scenario", "chart", "markdown", "summarise"]

Row = dict[str, Any]

#: The raw library each SDK contender is compared with.
MATCHING_RAW = {"sdk-httpx2": "raw-httpx2", "sdk-aiohttp": "raw-aiohttp"}
LABELS = {
    "sdk-httpx2": "smsc_async (httpx2, default)",
    "raw-httpx2": "raw httpx2 + 14-slot semaphore",
    "sdk-aiohttp": "smsc_async (aiohttp transport)",
    "raw-aiohttp": "raw aiohttp, limit=14",
    "floor": "floor: asyncio.Protocol, 14 conns",
    "requests": "requests, 14 threads",
    "official": "official-style (urllib, sequential)",
    "bulk-httpx2": "send_many, list packing (httpx2)",
    "bulk-aiohttp": "send_many, list packing (aiohttp)",
}


@attrs.frozen(kw_only=True)
class Scenario:
    """One server set-up and the contenders measured against it.

    Attributes:
        key: short name (``0ms``, ``latency``, ``jitter``, ``bulk``).
        title: the heading of its table.
        server: ``emulator`` or ``fast``.
        latency: the server-side delay per request, seconds.
        jitter: ± seconds on the latency.
        contenders: contender names, in table order.
        counts: requests (messages, for bulk) per contender name; ``*`` is the default.
    """

    key: str
    title: str
    server: str
    latency: float
    jitter: float
    contenders: tuple[str, ...]
    counts: dict[str, int]

    def count(self, name: str) -> int:
        """How many requests (or messages) ``name`` sends here."""
        return self.counts.get(name, self.counts["*"])


def summarise(runs: Sequence[Row]) -> Row:
    """One row from the repeats of a contender: medians of rate and CPU, the largest RSS."""
    rows = [dict(r) for r in runs]
    first = rows[0]
    for row in rows:
        row["rate"] = row["count"] / row["seconds"]
        row["cpu_us"] = row["cpu_seconds"] / row["count"] * 1e6
        busy = row.get("server_cpu_seconds")
        row["server_us"] = None if busy is None else busy / row.get("requests", row["count"]) * 1e6
        row["server_busy"] = None if busy is None else busy / row["seconds"]
    result = dict(first)
    for key in ("rate", "cpu_us", "seconds"):
        result[key] = statistics.median(r[key] for r in rows)
    for key in ("server_us", "server_busy"):
        values = [r[key] for r in rows if r[key] is not None]
        result[key] = statistics.median(values) if values else None
    result["peak_rss_mb"] = max(r["peak_rss_mb"] for r in rows)
    result["failures"] = sum(r["failures"] for r in rows)
    result["repeats"] = len(rows)
    return result


def _fmt(value: float | None, pattern: str) -> str:
    return "–" if value is None else format(value, pattern)


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else a / b


def _table(scenario: Scenario, rows: dict[str, Row]) -> list[str]:
    ceiling = 14 / scenario.latency if scenario.latency else None
    floor = rows.get("floor")
    head = "| client | requests | msg/s | × floor | CPU µs/req | CPU × raw | peak RSS MB |"
    rule = "|---|---:|---:|---:|---:|---:|---:|"
    if ceiling is not None:
        head += " % of 14/latency |"
        rule += "---:|"
    head += " server µs/req | server busy | errors |"
    rule += "---:|---:|---:|"
    lines = [head, rule]
    for name in scenario.contenders:
        row = rows.get(name)
        if row is None:
            continue
        raw = rows.get(MATCHING_RAW.get(name, ""))
        cells = [
            LABELS.get(name, name),
            str(row["count"]),
            _fmt(row["rate"], ",.0f"),
            _fmt(_ratio(row["rate"], floor["rate"] if floor else None), ".2f"),
            _fmt(row["cpu_us"], ",.0f"),
            _fmt(_ratio(row["cpu_us"], raw["cpu_us"] if raw else None), ".2f"),
            _fmt(row["peak_rss_mb"], ".1f"),
        ]
        if ceiling is not None:
            cells.append(_fmt(row["rate"] / ceiling * 100, ".1f") + " %")
        busy = row["server_busy"]
        cells += [
            _fmt(row["server_us"], ",.0f"),
            "–" if busy is None else f"{busy * 100:.0f} %",
            str(row["failures"]),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _bulk_table(scenario: Scenario, rows: dict[str, Row]) -> list[str]:
    lines = [
        "| client | messages | requests | msg/s | CPU µs/msg | peak RSS MB | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for key in sorted(rows, key=lambda k: (rows[k]["name"], rows[k]["count"])):
        row = rows[key]
        cells: list[str] = [
            str(LABELS.get(row["name"], row["name"])),
            f"{row['count']:,}",
            f"{row.get('requests', 0):,}",
            _fmt(row["rate"], ",.0f"),
            _fmt(row["cpu_us"], ",.1f"),
            _fmt(row["peak_rss_mb"], ".1f"),
            str(row["failures"]),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def markdown(
    header: Iterable[str], results: Sequence[tuple[Scenario, dict[str, Row]]], targets: list[str]
) -> str:
    """The whole report: header lines, one table per scenario, then the targets."""
    out = list(header)
    for scenario, rows in results:
        out += ["", f"### {scenario.title}", ""]
        out += _bulk_table(scenario, rows) if scenario.key == "bulk" else _table(scenario, rows)
    if targets:
        out += ["", "### Targets", "", "| target | measured | verdict |", "|---|---|---|"]
        out += targets
    return "\n".join(out) + "\n"


def chart(results: Sequence[tuple[Scenario, dict[str, Row]]], path: Path) -> None:
    """Bar charts: msg/s per latency scenario, CPU µs/request at 0 ms, bulk peak RSS."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [(s, r) for s, r in results if r]
    columns = min(3, len(panels))
    lines = -(-len(panels) // columns)
    figure, axes = plt.subplots(lines, columns, figsize=(5.2 * columns, 4.6 * lines), squeeze=False)
    for axis in axes.flat[len(panels) :]:
        axis.set_visible(False)
    for axis, (scenario, rows) in zip(axes.flat, panels, strict=False):
        if scenario.key == "bulk":
            keys = sorted(rows, key=lambda k: (rows[k]["name"], rows[k]["count"]))
            names = [f"{rows[k]['name']}\n{rows[k]['count']:,}" for k in keys]
            values = [rows[k]["peak_rss_mb"] for k in keys]
            axis.set_ylabel("client peak RSS, MB")
        else:
            names = [n for n in scenario.contenders if n in rows]
            metric = "rate" if scenario.latency else "cpu_us"
            values = [rows[n][metric] for n in names]
            axis.set_ylabel("messages / s" if scenario.latency else "client CPU µs / request")
            if scenario.latency:
                axis.axhline(14 / scenario.latency, color="grey", linestyle="--", linewidth=1)
            else:
                axis.set_yscale("log")
        axis.bar(range(len(values)), values, color="#4C72B0")
        axis.set_xticks(range(len(values)), names, rotation=40, ha="right", fontsize=8)
        axis.set_title(scenario.title, fontsize=9)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
