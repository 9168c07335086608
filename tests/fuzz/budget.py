"""Hypothesis budgets for the fuzz suites: fixed and deterministic unless asked otherwise.

``fuzz-ci`` (the default) runs a fixed number of derandomized examples, so CI
is reproducible and its time bounded; ``LIA_FUZZ_PROFILE=fuzz-deep`` runs many
more random ones on a developer's machine (a crash found there becomes an
explicit ``@example`` regression case).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "fuzz-ci",
    max_examples=300,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "fuzz-deep",
    max_examples=20_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

#: decorator for every fuzz test (the global profile stays the other suites' business)
FUZZ = settings(settings.get_profile(os.environ.get("LIA_FUZZ_PROFILE", "fuzz-ci")))
#: the server-facing fuzzers: each example is two websockets, so somewhat fewer of them
FUZZ_NETWORK = settings(FUZZ, max_examples=min(FUZZ.max_examples, 200))
