"""Devstack start-up and HTTP latency; prints JSON.

Cold start (initdb, scaffold, migrations, seed) and warm start (reused data
dir) to the ready line, then password sign-in and RPC round trips over one
keep-alive connection. Run: .venv/bin/python benchmarks/bench_devstack.py
"""

from __future__ import annotations

import json
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

CALLS = 200
ROOT = Path(__file__).resolve().parent.parent


def start(data_dir: Path) -> tuple[subprocess.Popen[str], dict[str, Any], float]:
    began = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "lia_desktop.devstack", "start", "--json", "--port", "0",
         "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT,
    )  # fmt: skip
    assert proc.stdout is not None
    info = json.loads(proc.stdout.readline())
    return proc, info, time.perf_counter() - began


def stop(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=60)


def percentiles_ms(samples: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples, n=20)
    return {"p50_ms": round(cuts[9] * 1000, 2), "p95_ms": round(cuts[18] * 1000, 2)}


def timed(call: Any, times: int) -> list[float]:
    samples = []
    for _ in range(times):
        began = time.perf_counter()
        call().raise_for_status()
        samples.append(time.perf_counter() - began)
    return samples


def main() -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="lia-bench-devstack-", dir="/tmp"))
    try:
        proc, _, cold = start(data_dir)
        stop(proc)
        proc, info, warm = start(data_dir)
        try:
            url, key = info["API_URL"], info["ANON_KEY"]
            with httpx.Client(headers={"apikey": key}, timeout=30) as http:
                credentials = {"email": "admin@lia.test", "password": "lia-demo-admin"}

                def sign_in() -> httpx.Response:
                    return http.post(f"{url}/auth/v1/token?grant_type=password", json=credentials)

                sign_ins = timed(sign_in, 20)
                auth = {"Authorization": f"Bearer {sign_in().json()['access_token']}"}
                results: dict[str, Any] = {
                    "cold_start_s": round(cold, 3),
                    "warm_start_s": round(warm, 3),
                    "sign_in": percentiles_ms(sign_ins),
                }
                for function in ("admin_unread_count", "admin_dashboard_stats"):
                    samples = timed(
                        lambda f=function: http.post(f"{url}/rest/v1/rpc/{f}", headers=auth),
                        CALLS,
                    )
                    results[function] = percentiles_ms(samples)
        finally:
            stop(proc)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
