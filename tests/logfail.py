"""Pytest plugin: a test fails when the app logs an ERROR it did not expect (qutebrowser's logfail).

Background-task failures (``services.tasks``), crashes caught by the crash
reporter and asyncio's "exception was never retrieved" all end as ERROR
lines; a test that passes while one of them scrolls by has hidden a bug. A
test that provokes one on purpose says so: ``@pytest.mark.expect_errors(r"regex")``
(every unexpected line still fails it).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest

#: loggers whose ERROR lines are the app's (asyncio: tasks that failed unseen)
WATCHED = ("lia_desktop", "asyncio")


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.split(".")[0] in WATCHED:
            self.records.append(record)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "expect_errors(pattern): ERROR log lines matching pattern are expected"
    )


@pytest.fixture(autouse=True)
def _fail_on_unexpected_error_logs(request: pytest.FixtureRequest) -> Iterator[None]:
    collect = _Collect()
    root = logging.getLogger()
    root.addHandler(collect)
    try:
        yield
    finally:
        root.removeHandler(collect)
    patterns = [re.compile(m.args[0]) for m in request.node.iter_markers("expect_errors")]
    unexpected = [
        f"{r.name}: {r.getMessage()}"
        for r in collect.records
        if not any(p.search(r.getMessage()) for p in patterns)
    ]
    if unexpected:
        pytest.fail("unexpected ERROR log lines:\n" + "\n".join(unexpected), pytrace=False)
