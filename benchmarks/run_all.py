#!/usr/bin/env python3
"""Run every benchmark in benchmarks/ once and write the side-by-side report.

Each ``bench_*.py`` runs as its own subprocess, one after the other (the
machine has two shared cores: running them together would measure each other),
and prints one JSON object. This script collects them into
``benchmarks/report.json`` and renders ``benchmarks/REPORT.md``: every figure
the issues ask for, next to its target and, where the seed plan had an
approach, next to that.

Usage: .venv/bin/python benchmarks/run_all.py [--quick] [--only bench_core,bench_faults]
       [--desktop]   (bench_ui under tests/desktop/run.sh: real tray host and daemon)
``--quick`` shrinks every workload for a smoke run; its report says so.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
#: smaller workloads for ``--quick`` (a smoke run of this script, not a measurement)
QUICK_ARGS: dict[str, list[str]] = {
    "bench_stats": ["--sizes", "10000,100000", "--calls", "100"],
    "bench_realtime": ["--commits", "300", "--burst", "2000"],
    "bench_ui": ["--events", "50", "--idle", "10"],
    "bench_faults": ["--resets", "2", "--healthy", "2", "--stall", "5"],
}
TIMEOUT_S = 3600
#: need the private desktop (tests/desktop/run.sh) and a PyInstaller build: only with --desktop
DESKTOP_ONLY = {"bench_frozen"}


@dataclass
class Run:
    name: str
    exit_code: int
    seconds: float
    result: dict[str, Any] | None
    error: str = ""


def last_json_object(stdout: str) -> dict[str, Any] | None:
    """The script's JSON: the whole output (indented JSON) or its last JSON line."""
    candidates = [stdout, *reversed(stdout.strip().splitlines())]
    for text in candidates:
        try:
            value = json.loads(text)
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    return None


def run_benchmark(script: Path, extra: list[str], desktop: bool) -> Run:
    command = [sys.executable, str(script), *extra]
    if desktop and script.stem == "bench_ui":
        command = [str(ROOT / "tests" / "desktop" / "run.sh"), *command]
    print(f"== {script.name} {' '.join(extra)}", file=sys.stderr, flush=True)
    started = time.perf_counter()
    try:
        proc = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired:
        return Run(
            script.stem, -1, time.perf_counter() - started, None, f"timed out after {TIMEOUT_S} s"
        )
    seconds = time.perf_counter() - started
    result = last_json_object(proc.stdout)
    error = "" if proc.returncode == 0 and result else proc.stderr.strip()[-2000:]
    return Run(script.stem, proc.returncode, seconds, result, error)


# --------------------------------------------------------------------- figures


def dig(runs: dict[str, Run], name: str, *path: str | int) -> Any:
    """``runs[name].result[path...]``, or None when the benchmark or the key is missing."""
    run = runs.get(name)
    value: Any = run.result if run else None
    for key in path:
        if isinstance(value, dict) and isinstance(key, str):
            value = value.get(key)
        elif isinstance(value, list) and isinstance(key, int) and -len(value) <= key < len(value):
            value = value[key]
        else:
            return None
    return value


def stats_at(runs: dict[str, Run], bookings: int) -> dict[str, Any] | None:
    for entry in dig(runs, "bench_stats", "results") or []:
        if entry.get("bookings") == bookings:
            return dict(entry)
    return None


@dataclass(frozen=True)
class Figure:
    name: str
    measured: Any
    unit: str
    target: str
    meets: Callable[[Any], bool] | None  # None: no target, reported for reference
    seed: str
    source: str


def figures(runs: dict[str, Run]) -> list[Figure]:
    at_10k, at_1m = stats_at(runs, 10_000), stats_at(runs, 1_000_000)

    def snapshot(entry: dict[str, Any] | None, side: str, key: str) -> Any:
        return None if entry is None else entry[side].get(key)

    return [
        Figure(
            "commit -> badge, p50 / p99",
            _pair(
                dig(runs, "bench_ui", "commit_to_badge_ms", "p50"),
                dig(runs, "bench_ui", "commit_to_badge_ms", "p99"),
            ),
            "ms",
            "p99 < 500",
            lambda v: v[1] < 500,
            'target only: "realtime updates appear within 500 ms" (not measured)',
            "bench_ui",
        ),
        Figure(
            "commit -> toast, p99",
            dig(runs, "bench_ui", "commit_to_toast_ms", "p99"),
            "ms",
            "< 1000",
            lambda v: v < 1000,
            'target only: "time to notification < 1 s" (not measured)',
            "bench_ui",
        ),
        Figure(
            "UI stall during a 10,000-event burst (max)",
            dig(runs, "bench_ui", "burst_max_stall_ms"),
            "ms",
            "<= 100",
            lambda v: v <= 100,
            '"handles rapid consecutive events" (checklist, no figure)',
            "bench_ui",
        ),
        Figure(
            "idle CPU over 60 s, live",
            dig(runs, "bench_ui", "idle_cpu_percent"),
            "%",
            "< 0.5",
            lambda v: v < 0.5,
            '"low CPU usage" (checklist, no figure)',
            "bench_ui",
        ),
        Figure(
            "launch -> tray icon visible",
            dig(runs, "bench_ui", "launch_to_tray_ms"),
            "ms",
            "none set",
            None,
            "n/a (web dashboard)",
            "bench_ui",
        ),
        Figure(
            "RSS growth over 100,000 events",
            dig(runs, "bench_core", "rss_growth_mb"),
            "MB",
            "<= 5",
            lambda v: v <= 5,
            '"no memory leaks" (checklist); notifications kept in an unbounded in-memory list',
            "bench_core",
        ),
        Figure(
            "per-event core cost, notification / counter, p99",
            _pair(
                dig(runs, "bench_core", "notification_event_us", "p99"),
                dig(runs, "bench_core", "counter_event_us", "p99"),
            ),
            "µs",
            "none set",
            None,
            "setState per event from payload.old.status (absent under RLS: wrong figures)",
            "bench_core",
        ),
        Figure(
            "stats snapshot at 1M bookings, median / p99",
            _pair(
                snapshot(at_1m, "admin_dashboard_stats", "median_ms"),
                snapshot(at_1m, "admin_dashboard_stats", "p99_ms"),
            ),
            "ms",
            "O(1) in table size (vs 10k: "
            + (
                f"{snapshot(at_10k, 'admin_dashboard_stats', 'median_ms')} ms median)"
                if at_10k
                else "n/a)"
            ),
            None,
            (
                f"seed's 5 queries at 1M: {snapshot(at_1m, 'seed_plan_queries', 'median_ms')} ms median, "
                f"{snapshot(at_1m, 'seed_plan_queries', 'rows_downloaded')} rows, "
                f"{snapshot(at_1m, 'seed_plan_queries', 'response_bytes')} bytes downloaded"
                if at_1m
                else "n/a"
            ),
            "bench_stats",
        ),
        Figure(
            "stats figures agree with the seed's queries at 1M",
            None if at_1m is None else at_1m.get("figures_agree"),
            "",
            "true",
            lambda v: v is True,
            "(the reference)",
            "bench_stats",
        ),
        Figure(
            "commit -> services feed, p50 / p99 (through the whole services stack)",
            _pair(
                dig(runs, "bench_services", "commit_to_feed_ms", "p50"),
                dig(runs, "bench_services", "commit_to_feed_ms", "p99"),
            ),
            "ms",
            "p99 < 500",
            lambda v: v[1] < 500,
            'target only: "realtime updates appear within 500 ms" (not measured)',
            "bench_services",
        ),
        Figure(
            "devstack killed -> app live again / of which the app's own part",
            _pair(
                dig(runs, "bench_services", "reconnect_s", "kill_to_live"),
                dig(runs, "bench_services", "reconnect_s", "ready_to_live"),
            ),
            "s",
            "app's part <= 3",
            lambda v: v[1] <= 3,
            "realtime-py gives up after 5 attempts; realtime-js retries without catch-up",
            "bench_services",
        ),
        Figure(
            "realtime commit -> callback, p50 / p99 (2,000 commits)",
            _pair(
                dig(runs, "bench_realtime", "latency_ms", "p50"),
                dig(runs, "bench_realtime", "latency_ms", "p99"),
            ),
            "ms",
            "p99 <= 50",
            lambda v: v[1] <= 50,
            "Supabase Realtime (hosted); target < 500 ms end to end",
            "bench_realtime",
        ),
        Figure(
            "10,000-row burst delivered, one transaction / 100 transactions",
            _pair(
                dig(runs, "bench_realtime", "burst_one_transaction_s"),
                dig(runs, "bench_realtime", "burst_100_transactions_s"),
            ),
            "s",
            "<= 5",
            lambda v: max(v) <= 5,
            "no figure",
            "bench_realtime",
        ),
        Figure(
            "realtime events lost / duplicated",
            _pair(dig(runs, "bench_realtime", "lost"), dig(runs, "bench_realtime", "duplicated")),
            "",
            "0 / 0",
            lambda v: v == (0, 0),
            "at-most-once, no replay: lost on every disconnect",
            "bench_realtime",
        ),
        Figure(
            "reconnect after a connection reset (first loss), p50 / max",
            _pair(
                dig(runs, "bench_faults", "reconnect_after_reset_s", "p50"),
                dig(runs, "bench_faults", "reconnect_after_reset_s", "max"),
            ),
            "s",
            "<= 3",
            lambda v: v[1] <= 3,
            "realtime-js default reconnect; realtime-py gives up after 5 attempts",
            "bench_faults",
        ),
        Figure(
            "reconnect, 3 resets back to back (backoff grows by design)",
            dig(runs, "bench_faults", "back_to_back_resets_s"),
            "s",
            "none set",
            None,
            "realtime-py: 5 attempts, then silence",
            "bench_faults",
        ),
        Figure(
            "heal -> live after a stall the watchdog caught",
            dig(runs, "bench_faults", "heal_to_live_after_stall_s"),
            "s",
            "<= 3",
            lambda v: v <= 3,
            'no liveness check: a silent socket stays "subscribed"',
            "bench_faults",
        ),
        Figure(
            "notifications lost / doubled across resets and a stall",
            _pair(dig(runs, "bench_faults", "lost"), dig(runs, "bench_faults", "duplicated")),
            "",
            "0 / 0",
            lambda v: v == (0, 0),
            "in memory only: lost on every disconnect and restart",
            "bench_faults",
        ),
        Figure(
            "websockets per app (max over the run)",
            dig(runs, "bench_faults", "websockets_per_app", "max"),
            "",
            "1",
            lambda v: v == 1,
            'target "1 per admin session"; supabase-js multiplexes its channels on one socket',
            "bench_faults",
        ),
        Figure(
            "devstack cold / warm start",
            _pair(
                dig(runs, "bench_devstack", "cold_start_s"),
                dig(runs, "bench_devstack", "warm_start_s"),
            ),
            "s",
            "none set",
            None,
            "n/a (hosted Supabase)",
            "bench_devstack",
        ),
    ]


def _pair(a: Any, b: Any) -> tuple[Any, Any] | None:
    return None if a is None or b is None else (a, b)


def verdict(figure: Figure) -> str:
    if figure.measured is None:
        return "NOT MEASURED"
    if figure.meets is None:
        return "reported"
    return "meets" if figure.meets(figure.measured) else "MISSES"


def shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, tuple | list):
        return " / ".join(shown(v) for v in value)
    return json.dumps(value) if isinstance(value, bool) else str(value)


# --------------------------------------------------------------------- output


def write_report(runs: dict[str, Run], meta: dict[str, Any]) -> None:
    rows = figures(runs)
    report = {
        **meta,
        "figures": [
            {
                "figure": f.name,
                "measured": f.measured,
                "unit": f.unit,
                "target": f.target,
                "verdict": verdict(f),
                "seed_plan": f.seed,
                "source": f.source,
            }
            for f in rows
        ],
        "benchmarks": {
            name: {
                "exit_code": run.exit_code,
                "seconds": round(run.seconds, 1),
                "result": run.result,
                **({"error": run.error} if run.error else {}),
            }
            for name, run in runs.items()
        },
    }
    (HERE / "report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    lines = [
        "# Benchmark report",
        "",
        f"Measured in one run of `benchmarks/run_all.py`{' --quick (smoke run: shrunk workloads)' if meta['quick'] else ''}"
        f" at commit `{meta['commit']}` on {meta['date']}, {meta['machine']}.",
        "Raw figures: `benchmarks/report.json`. Reproduce: `.venv/bin/python benchmarks/run_all.py`.",
        "",
        "| Figure | Measured | Target | Verdict | Seed plan's approach |",
        "|---|---|---|---|---|",
    ]
    for f in rows:
        measured = shown(f.measured) + (f" {f.unit}" if f.unit and f.measured is not None else "")
        lines.append(f"| {f.name} | {measured} | {f.target} | {verdict(f)} | {f.seed} |")
    lines += ["", "## Runs", "", "| Benchmark | Exit | Seconds | Note |", "|---|---|---|---|"]
    for name, run in runs.items():
        note = (
            run.error.splitlines()[-1][:160] if run.error else (run.result or {}).get("desktop", "")
        )
        lines.append(f"| {name} | {run.exit_code} | {run.seconds:.0f} | {note} |")
    (HERE / "REPORT.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shrunk workloads: a smoke run")
    parser.add_argument("--only", default="", help="comma-separated benchmark names")
    parser.add_argument(
        "--desktop", action="store_true", help="bench_ui under tests/desktop/run.sh"
    )
    args = parser.parse_args()
    only = {name for name in args.only.split(",") if name}
    scripts = [
        s
        for s in sorted(HERE.glob("bench_*.py"))
        if (not only or s.stem in only) and (args.desktop or s.stem not in DESKTOP_ONLY)
    ]
    runs: dict[str, Run] = {}
    for script in scripts:
        extra = QUICK_ARGS.get(script.stem, []) if args.quick else []
        runs[script.stem] = run_benchmark(script, extra, args.desktop)
        status = "ok" if runs[script.stem].result else f"FAILED: {runs[script.stem].error[-300:]}"
        print(f"   {runs[script.stem].seconds:.0f} s, {status}", file=sys.stderr, flush=True)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    meta = {
        "commit": commit or "unknown",
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "quick": args.quick,
    }
    write_report(runs, meta)
    print(f"wrote {HERE / 'report.json'} and {HERE / 'REPORT.md'}", file=sys.stderr)
    return 0 if all(run.result for run in runs.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
