"""Fixtures for the fault scenarios: a fault proxy in front of the session devstack."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import pytest

from lia_desktop.devstack.faultproxy import FaultProxy
from tests.fixtures import DevstackProcess
from tests.stress.harness import GroundTruth


@pytest.fixture
async def proxy(devstack: DevstackProcess) -> AsyncIterator[FaultProxy]:
    async with FaultProxy("127.0.0.1", urlsplit(devstack.api_url).port or 0) as started:
        yield started


@pytest.fixture
def truth(devstack: DevstackProcess) -> GroundTruth:
    return GroundTruth(devstack.db_url)
