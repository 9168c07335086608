"""The web admin's client, supabase-js, against the devstack (issue 8).

Runs ``tests/js/conformance.test.mjs`` (the official client, pinned, its realtime
at the default vsn 2.0.0) under Node's test runner with this session's devstack
coordinates. Without Node the test is skipped on a developer's machine but fails
in CI (``CI`` set), which must run it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from tests.fixtures import REPO_ROOT, DevstackProcess

pytestmark = pytest.mark.devstack

JS_DIR = REPO_ROOT / "tests" / "js"
SUITE = JS_DIR / "conformance.test.mjs"
INSTALL_TIMEOUT_S = 600
RUN_TIMEOUT_S = 600


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"`{name}` is missing: CI must run the supabase-js conformance suite")
        pytest.skip(f"`{name}` is not installed (the supabase-js conformance suite needs Node 20+)")
    return path


def _installed() -> None:
    """``npm ci`` once: ``node_modules/.package-lock.json`` is what a complete install leaves."""
    if (JS_DIR / "node_modules" / ".package-lock.json").exists():
        return
    npm = _tool("npm")
    install = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund"],
        cwd=JS_DIR,
        capture_output=True,
        text=True,
        timeout=INSTALL_TIMEOUT_S,
        check=False,
    )
    assert install.returncode == 0, f"npm ci failed:\n{install.stdout}\n{install.stderr}"


def _tap_summary(tap: str) -> dict[str, int]:
    """The runner's closing counters (``# tests 8``, ``# pass 8``, ...)."""
    pattern = r"^# (tests|suites|pass|fail|cancelled|skipped|todo) (\d+)$"
    return {name: int(count) for name, count in re.findall(pattern, tap, re.MULTILINE)}


def test_supabase_js_suite_passes_against_the_devstack(devstack: DevstackProcess) -> None:
    node = _tool("node")
    _installed()
    env = {
        **os.environ,
        "LIA_API_URL": devstack.api_url,
        "LIA_ANON_KEY": devstack.anon_key,
        "LIA_SERVICE_ROLE_KEY": devstack.service_role_key,
        "LIA_DB_HOST": parse_qs(urlsplit(devstack.db_url).query)["host"][0],
        # node-postgres reads libpq's variable; the cluster requires the password (issue 13)
        "PGPASSWORD": unquote(urlsplit(devstack.db_url).password or ""),
    }
    run = subprocess.run(
        [node, "--test", "--test-concurrency=1", "--test-reporter=tap", "tests/js/"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )
    output = f"node exited {run.returncode}\n{run.stdout}\n{run.stderr}"
    scenarios = len(re.findall(r"^\s*test\('", SUITE.read_text(), re.MULTILINE))
    summary = _tap_summary(run.stdout)
    assert run.returncode == 0, output
    assert scenarios >= 8, "the suite lost scenarios"
    assert {k: summary.get(k) for k in ("tests", "pass", "fail", "cancelled", "skipped")} == {
        "tests": scenarios,
        "pass": scenarios,
        "fail": 0,
        "cancelled": 0,
        "skipped": 0,
    }, output
