"""Backoff: capped, jittered within bounds, reproducible, never gives up."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lia_desktop.core.backoff import BackoffPolicy, noise


def test_delays_grow_exponentially_until_the_cap() -> None:
    policy = BackoffPolicy(initial=1, factor=2, cap=60, jitter=0)
    assert [policy.delay(n, 0.0) for n in range(1, 9)] == [1, 2, 4, 8, 16, 32, 60, 60]


def test_jitter_only_shortens_the_delay() -> None:
    policy = BackoffPolicy(initial=10, cap=10, jitter=0.25)
    assert policy.delay(1, 0.0) == 10
    assert policy.delay(1, 0.999) == pytest.approx(7.5, abs=0.01)


def test_a_factor_of_one_is_constant() -> None:
    assert BackoffPolicy(initial=5, factor=1, cap=5, jitter=0).delay(1000, 0.5) == 5


@given(st.integers(min_value=1, max_value=10**9), st.floats(min_value=0, max_value=0.999999))
def test_never_gives_up_and_stays_in_bounds(attempt: int, rand: float) -> None:
    policy = BackoffPolicy()
    delay = policy.delay(attempt, rand)
    assert policy.initial * (1 - policy.jitter) <= delay <= policy.cap


@given(st.integers(), st.integers())
def test_noise_is_a_reproducible_unit_value(seed: int, n: int) -> None:
    assert 0 <= noise(seed, n) < 1
    assert noise(seed, n) == noise(seed, n)


def test_noise_differs_between_attempts() -> None:
    assert len({noise(7, n) for n in range(100)}) == 100


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"initial": 0}, "initial"),
        ({"factor": 0.5}, "factor"),
        ({"cap": 0.5}, "cap"),
        ({"jitter": 1.0}, "jitter"),
        ({"reset_after_healthy": -1}, "reset_after_healthy"),
    ],
)
def test_invalid_policies_are_refused(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BackoffPolicy(**kwargs)


def test_attempts_are_one_based() -> None:
    with pytest.raises(ValueError, match="1-based"):
        BackoffPolicy().delay(0, 0.0)
