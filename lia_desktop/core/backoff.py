"""Reconnect policy as data: jittered, capped exponential backoff that never gives up.

realtime-py stops for good after five attempts (wire protocol 2.14); the
supervisor instead asks this policy for the next delay forever. Jitter spreads
the reconnects of many laptops waking at once; it is derived from a per-install
seed and the attempt number (``noise``), so the reducer stays pure and a test
can replay it exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

_MASK64 = (1 << 64) - 1


def noise(seed: int, n: int) -> float:
    """A reproducible value in [0, 1) for (seed, n): one splitmix64 step."""
    z = (seed * 0x9E3779B97F4A7C15 + n * 0xBF58476D1CE4E5B9 + 0x94D049BB133111EB) & _MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    z ^= z >> 31
    return (z >> 11) / float(1 << 53)


@dataclass(frozen=True, slots=True)
class BackoffPolicy:
    """``delay(n) = min(cap, initial * factor**(n-1))``, shortened by up to ``jitter`` of itself.

    ``reset_after_healthy``: a connection that stayed live this long counts as
    healthy, so its next loss starts again from attempt 1; a flapping one keeps
    backing off.
    """

    initial: float = 1.0
    factor: float = 2.0
    cap: float = 60.0
    jitter: float = 0.25
    reset_after_healthy: float = 30.0

    def __post_init__(self) -> None:
        if not self.initial > 0:
            raise ValueError("initial must be > 0")
        if not self.factor >= 1:
            raise ValueError("factor must be >= 1")
        if not self.cap >= self.initial:
            raise ValueError("cap must be >= initial")
        if not 0 <= self.jitter < 1:
            raise ValueError("jitter must be in [0, 1)")
        if not self.reset_after_healthy >= 0:
            raise ValueError("reset_after_healthy must be >= 0")

    def delay(self, attempt: int, rand: float) -> float:
        """Seconds to wait before attempt ``attempt`` (1-based); ``rand`` in [0, 1)."""
        if attempt < 1:
            raise ValueError("attempt is 1-based")
        # Compare exponents instead of computing factor**n, which overflows for large n.
        steps_to_cap = (
            math.log(self.cap / self.initial, self.factor) if self.factor > 1 else math.inf
        )
        base = (
            self.cap if attempt - 1 >= steps_to_cap else self.initial * self.factor ** (attempt - 1)
        )
        return min(base, self.cap) * (1.0 - self.jitter * rand)
