"""What the devstack benchmarks share: a private devstack for one run, and latency figures.

Each benchmark starts its own devstack (``tests.fixtures.private_devstack``: own
data dir and port) so that a run measures nothing but itself; it is removed
whatever the run raised.
"""

from __future__ import annotations

import asyncio
import json
import statistics
from collections.abc import Callable, Coroutine
from typing import Any

from tests.fixtures import DevstackProcess, private_devstack


def percentiles_ms(samples: list[float]) -> dict[str, float]:
    """p50/p95/p99/max of ``samples`` (seconds), in milliseconds."""
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {
        "p50": round(1000 * cuts[49], 1),
        "p95": round(1000 * cuts[94], 1),
        "p99": round(1000 * cuts[98], 1),
        "max": round(1000 * max(samples), 1),
    }


def measure_on_private_devstack(
    measure: Callable[[DevstackProcess], Coroutine[Any, Any, dict[str, Any]]],
    prefix: str = "lia-devstack-",
) -> None:
    """Start a devstack under /tmp/``prefix``…, run ``measure`` on it, destroy it, and print
    the figures as one JSON object (what ``run_all.py`` reads)."""
    with private_devstack(prefix) as devstack:
        result = asyncio.run(measure(devstack))
    print(json.dumps(result))
