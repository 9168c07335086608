#!/usr/bin/env python3
"""The frozen Linux bundle's cost and speed. Run it on the private desktop:

    tests/desktop/run.sh .venv/bin/python benchmarks/bench_frozen.py [--source]

Builds the bundle with packaging/build_linux.sh into build/bench-frozen (a fresh build every
time: the build is the first figure), then prints JSON:

* ``build_s`` (wall) and ``build_cpu_s`` (user+sys of the build and its children);
* ``bundle_mb`` (the one-folder app) and ``tarball_mb`` (the AppDir tarball);
* ``version_ms``: median of 5 ``lia-desktop --version`` (the bootloader + Python start-up);
* ``demo``: one 20 s ``--demo`` run (tests/desktop/demo.py): ``to_tray_s`` (launch -> its
  StatusNotifierItem registered), ``to_first_toast_s`` (launch -> first toast in dunst: the
  embedded PostgreSQL start, migrations, seed and sign-in included), ``quit_s`` (SIGTERM ->
  exit, the backend stopped);
* with ``--source``, ``source_demo``: the same run from the source tree, for comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from tests.desktop.demo import DemoRun, run_demo  # noqa: E402

OUT = REPO_ROOT / "build" / "bench-frozen"


def megabytes(path: Path) -> float:
    files = path.rglob("*") if path.is_dir() else [path]
    return round(sum(f.lstat().st_size for f in files) / 1e6, 1)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def demo_figures(demo: DemoRun) -> dict[str, Any]:
    try:
        if demo.returncode != 0 or not demo.toasts or demo.leftovers:
            raise RuntimeError(f"the demo run failed: {demo}")
        return {
            "to_tray_s": round(demo.seconds_to_tray or 0, 2),
            "to_first_toast_s": round(demo.seconds_to_toast or 0, 2),
            "quit_s": round(demo.seconds_to_exit or 0, 2),
        }
    finally:
        demo.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", action="store_true", help="also time the source-tree demo")
    args = parser.parse_args()
    if os.environ.get("LIA_DESKTOP_SESSION") != "1":
        sys.exit("run under tests/desktop/run.sh (the demo needs a tray host and dunst)")

    shutil.rmtree(OUT, ignore_errors=True)
    env = {**os.environ, "DIST": str(OUT / "dist"), "WORK": str(OUT / "work")}
    cpu, began = children_cpu(), time.monotonic()
    subprocess.run([str(REPO_ROOT / "packaging" / "build_linux.sh")], env=env, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    result: dict[str, Any] = {
        "build_s": round(time.monotonic() - began, 1),
        "build_cpu_s": round(children_cpu() - cpu, 1),
    }
    exe = OUT / "dist" / "lia-desktop" / "lia-desktop"
    result["bundle_mb"] = megabytes(exe.parent)
    (tarball,) = (OUT / "dist").glob("lia-desktop-*.tar.gz")
    result["tarball_mb"] = megabytes(tarball)

    timings = []
    for _ in range(5):
        began = time.monotonic()
        subprocess.run([str(exe), "--version"], check=True, capture_output=True)
        timings.append((time.monotonic() - began) * 1000)
    result["version_ms"] = round(statistics.median(timings))
    result["demo"] = demo_figures(run_demo([str(exe)]))
    if args.source:
        result["source_demo"] = demo_figures(run_demo([sys.executable, "-m", "lia_desktop"]))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
