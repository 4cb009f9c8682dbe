"""The issue's performance targets, checked against one run's rows (a report, not a test).

"No worse than raw httpx2" allows 2 % for run-to-run noise, stated in the verdict's text;
every other target is compared exactly.
"""

from __future__ import annotations

from collections.abc import Sequence

from .report import Row, Scenario

__all__ = ["evaluate"]

Results = Sequence[tuple[Scenario, dict[str, Row]]]
NOISE = 0.98


def _rows(results: Results, key: str) -> dict[str, Row]:
    for scenario, rows in results:
        if scenario.key == key:
            return rows
    return {}


def _line(target: str, measured: str, ok: bool) -> str:
    return f"| {target} | {measured} | {'met' if ok else '**missed**'} |"


def _cpu(results: Results, sdk: str, raw: str, limit: float) -> list[str]:
    rows = _rows(results, "0ms")
    if sdk not in rows or raw not in rows:
        return []
    ratio = rows[sdk]["cpu_us"] / rows[raw]["cpu_us"]
    measured = f"{rows[sdk]['cpu_us']:,.0f} / {rows[raw]['cpu_us']:,.0f} µs = {ratio:.2f}×"
    return [_line(f"0 ms: {sdk} CPU/request ≤ {limit:.2f}× {raw}", measured, ratio <= limit)]


def _throughput(results: Results, key: str, sdk: str, base: str, limit: float) -> list[str]:
    rows = _rows(results, key)
    if sdk not in rows or base not in rows:
        return []
    ratio = rows[sdk]["rate"] / rows[base]["rate"]
    label = {"latency": "latency", "jitter": "latency ± jitter"}[key]
    if limit == NOISE:
        target = f"{label}: {sdk} msg/s no worse than {base} (within 2 % noise)"
    else:
        target = f"{label}: {sdk} msg/s ≥ {limit:.0%} of {base}"
    measured = f"{rows[sdk]['rate']:,.0f} / {rows[base]['rate']:,.0f} = {ratio:.1%}"
    return [_line(target, measured, ratio >= limit)]


def _official(results: Results) -> list[str]:
    rows = _rows(results, "latency")
    if "official" not in rows:
        return []
    lines = []
    for sdk in ("sdk-httpx2", "sdk-aiohttp"):
        if sdk in rows:
            ratio = rows[sdk]["rate"] / rows["official"]["rate"]
            measured = f"{rows[sdk]['rate']:,.0f} / {rows['official']['rate']:,.0f} = {ratio:.1f}×"
            lines.append(_line(f"latency: {sdk} ≥ 10× official-style", measured, ratio >= 10))
    return lines


def _bulk(results: Results) -> list[str]:
    rows = _rows(results, "bulk")
    lines = []
    for name in sorted({row["name"] for row in rows.values()}):
        sized = sorted((r for r in rows.values() if r["name"] == name), key=lambda r: r["count"])
        if len(sized) < 2:
            continue
        small, large = sized[0], sized[-1]
        growth = large["peak_rss_mb"] - small["peak_rss_mb"]
        measured = (
            f"{small['count']:,}: {small['peak_rss_mb']:.1f} MB, "
            f"{large['count']:,}: {large['peak_rss_mb']:.1f} MB"
        )
        flat = growth <= max(5.0, 0.1 * small["peak_rss_mb"])
        lines.append(_line(f"{name}: peak RSS flat in the message count", measured, flat))
    return lines


def evaluate(results: Results) -> list[str]:
    """Markdown table lines, one per target that this run measured."""
    lines = _cpu(results, "sdk-httpx2", "raw-httpx2", 1.10)
    lines += _cpu(results, "sdk-aiohttp", "raw-aiohttp", 1.25)
    for key in ("latency", "jitter"):
        lines += _throughput(results, key, "sdk-aiohttp", "floor", 0.95)
        lines += _throughput(results, key, "sdk-httpx2", "raw-httpx2", NOISE)
    return lines + _official(results) + _bulk(results)
