"""A full ``--demo`` run of the app as its own process on the private desktop of
tests/desktop/run.sh, and the secret scan of what it leaves on disk.

Shared by the source-tree demo (tests/desktop/test_demo_run.py) and the frozen bundle
(tests/platform/test_frozen.py): the same checks for both ways of shipping the app.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import psycopg

from lia_desktop.app import DEMO_PASSWORD, NOTIFIER_APP_ID
from lia_desktop.devstack.postgres import PostgresCluster
from lia_desktop.devstack.server import SECRET_FILE

T = TypeVar("T")
DEMO_SECONDS = 20.0
#: the demo starts PostgreSQL, migrates, seeds and signs in before its first toast
FIRST_TOAST_TIMEOUT = 120.0
QUIT_TIMEOUT = 30.0
JWT = re.compile(rb"eyJ[A-Za-z0-9_-]{2,}\.eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{16,}")


@dataclass
class DemoRun:
    """What one demo run did and left behind (folders under ``root``, deleted by ``cleanup``)."""

    root: Path
    pid: int = 0
    seconds_to_tray: float | None = None
    seconds_to_toast: float | None = None
    alive_after_demo: bool = False
    returncode: int | None = None
    seconds_to_exit: float | None = None
    toasts: list[dict[str, Any]] = field(default_factory=list)
    #: the tray item's tooltip and menu labels when the first toast had arrived
    tooltip: str = ""
    menu: list[str] = field(default_factory=list)
    refresh_tokens: set[str] = field(default_factory=set)
    leftovers: list[str] = field(default_factory=list)

    @property
    def xdg(self) -> dict[str, Path]:
        return {name: self.root / name.lower() for name in ("CONFIG", "DATA", "CACHE", "STATE")}

    @property
    def devstack_dir(self) -> Path:
        """Where ``run_gui`` puts the demo's backend (platformdirs' user data dir)."""
        return self.xdg["DATA"] / "lia-desktop" / "demo" / "devstack"

    @property
    def output(self) -> Path:
        """The app's stdout and stderr: what an admin sees in a terminal is scanned too."""
        return self.root / "output.log"

    def settings(self) -> dict[str, Any]:
        path = self.xdg["CONFIG"] / "lia-desktop" / "demo" / "settings.json"
        return json.loads(path.read_text())  # type: ignore[no-any-return]

    def cleanup(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def run_demo(command: list[str], environment: Mapping[str, str] | None = None) -> DemoRun:
    """``command --demo`` for ``DEMO_SECONDS``, then SIGTERM; never leaves the app running.
    ``environment`` adds to the app's (``LANG``, say)."""
    run = DemoRun(Path(tempfile.mkdtemp(prefix="lia-demo-", dir="/tmp")))
    env = {**os.environ, **(environment or {})}
    env |= {f"XDG_{k}_HOME": str(v) for k, v in run.xdg.items()}
    # Qt's single-instance socket lives in TMPDIR: a private one keeps this run apart
    # from any other LIA Desktop of the same user.
    env["TMPDIR"] = str(run.root / "tmp")
    for folder in (*run.xdg.values(), run.root / "tmp"):
        folder.mkdir()
    dunstctl("close-all")  # an earlier run's toasts go to the history, which is "before"
    before = {entry["id"]["data"] for entry in dunst_history()}
    began = time.monotonic()
    with run.output.open("wb") as output:
        process = subprocess.Popen(
            [*command, "--demo"], env=env, stdout=output, stderr=subprocess.STDOUT
        )
    run.pid = process.pid
    try:
        item = poll(lambda: status_notifier_item(process.pid), 60, process)
        run.seconds_to_tray = time.monotonic() - began
        run.toasts = poll(lambda: new_toasts(before), FIRST_TOAST_TIMEOUT, process)
        run.seconds_to_toast = time.monotonic() - began
        run.tooltip, run.menu = tray_tooltip(item), tray_menu(item)
        run.refresh_tokens = read_refresh_tokens(run.devstack_dir)
        time.sleep(max(0.0, began + DEMO_SECONDS - time.monotonic()))
        run.alive_after_demo = process.poll() is None
        stopping = time.monotonic()
        process.send_signal(signal.SIGTERM)
        run.returncode = process.wait(QUIT_TIMEOUT)
        run.seconds_to_exit = time.monotonic() - stopping
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        run.leftovers = processes_mentioning(run.devstack_dir)
        if run.leftovers:  # do not leave a server behind for the next test
            PostgresCluster(run.devstack_dir).kill()
    return run


def poll(check: Callable[[], T], timeout: float, process: subprocess.Popen[bytes]) -> T:
    deadline = time.monotonic() + timeout
    while not (result := check()):
        if process.poll() is not None:
            raise AssertionError(f"the app exited ({process.returncode}) while waiting")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {check}")
        time.sleep(0.2)
    return result


# --- the desktop: D-Bus tray items and dunst ----------------------------------------------


def busctl(*args: str) -> Any:
    out = subprocess.run(
        ["busctl", "--user", "--json=short", *args], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out)["data"]


def status_notifier_item(pid: int) -> str | None:
    """The tray item the process ``pid`` registered with the watcher (Qt uses its own connection)."""
    items = busctl("get-property", "org.kde.StatusNotifierWatcher", "/StatusNotifierWatcher",
                   "org.kde.StatusNotifierWatcher", "RegisteredStatusNotifierItems")  # fmt: skip
    for item in items:
        name = item.partition("/")[0]
        owner = busctl("call", "org.freedesktop.DBus", "/org/freedesktop/DBus",
                       "org.freedesktop.DBus", "GetConnectionUnixProcessID", "s", name)  # fmt: skip
        if owner == [pid]:
            return str(item)
    return None


def tray_tooltip(item: str) -> str:
    """The tooltip's title and text, as a tray host shows them."""
    name, path = _item_address(item)
    _icon, _pixmaps, title, text = busctl("get-property", name, path,
                                          "org.kde.StatusNotifierItem", "ToolTip")  # fmt: skip
    return f"{title} {text}".strip()


def tray_menu(item: str) -> list[str]:
    """The labels of the tray item's menu (exported over com.canonical.dbusmenu), in order."""
    name, path = _item_address(item)
    menu = busctl("get-property", name, path, "org.kde.StatusNotifierItem", "Menu")
    # the whole tree (depth -1) with every property; "--": -1 is an argument, not an option
    layout = busctl("--", "call", name, menu, "com.canonical.dbusmenu", "GetLayout", "iias",
                    "0", "-1", "0")  # fmt: skip
    return list(_labels(layout))


def _item_address(item: str) -> tuple[str, str]:
    """(bus name, object path) of a watcher entry: ``:1.5/StatusNotifierItem`` or a bare name."""
    name, _, path = item.partition("/")
    return name, f"/{path or 'StatusNotifierItem'}"


def _labels(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        label = node.get("label")
        if isinstance(label, dict) and isinstance(label.get("data"), str):
            yield label["data"]
        for key, value in node.items():
            if key != "label":
                yield from _labels(value)
    elif isinstance(node, list):
        for value in node:
            yield from _labels(value)


def dunstctl(*args: str) -> str:
    return subprocess.run(["dunstctl", *args], capture_output=True, text=True, check=True).stdout


def dunst_history() -> list[dict[str, Any]]:
    return json.loads(dunstctl("history"))["data"][0]  # type: ignore[no-any-return]


def new_toasts(before: set[int]) -> list[dict[str, Any]]:
    """The app's notifications dunst got since ``before``: closing them puts them in the history."""
    dunstctl("close-all")
    return [
        entry
        for entry in dunst_history()
        if entry["appname"]["data"] == NOTIFIER_APP_ID and entry["id"]["data"] not in before
    ]


# --- processes and the demo's database -------------------------------------------------------


def processes_mentioning(path: Path) -> list[str]:
    """Command lines of live processes naming ``path`` (the devstack child, its postgres)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # gone meanwhile
            continue
        if str(path) in cmdline:
            found.append(f"{proc.name}: {cmdline}")
    return found


def read_refresh_tokens(devstack_dir: Path) -> set[str]:
    """Every refresh token the demo's backend issued (the app's session is one of them)."""
    with psycopg.connect(PostgresCluster(devstack_dir).conninfo) as db:
        rows = db.execute("select token from auth.refresh_tokens").fetchall()
    return {row[0] for row in rows}


# --- the scan ---------------------------------------------------------------------------------


def scanned_files(run: DemoRun) -> Iterator[Path]:
    """Every file the app wrote: config, data, cache, state (logs), and its terminal output.

    Not scanned: the demo devstack's PostgreSQL cluster (``pgdata``, the database
    server's own storage, which holds the auth tables by design) and its JWT secret
    file (the server's signing key). Both belong to the backend, not to the app.
    """
    server_owned = (run.devstack_dir / "pgdata", run.devstack_dir / SECRET_FILE)
    yield run.output
    for folder in run.xdg.values():
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not any(path.is_relative_to(p) for p in server_owned):
                yield path


def jwt_claims(token: bytes) -> dict[str, Any]:
    payload = token.split(b".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + b"=" * (-len(payload) % 4)))  # type: ignore[no-any-return]


def find_secrets(run: DemoRun) -> list[str]:
    """``file: what`` for each token, JWT or password found; the public anon key is allowed."""
    anon_key = run.settings()["anon_key"].encode()
    assert jwt_claims(anon_key)["role"] == "anon"  # the one JWT the app may keep: it is public
    secrets = {f"refresh token {t[:4]}…": t.encode() for t in run.refresh_tokens}
    secrets["the demo password"] = DEMO_PASSWORD.encode()
    found = []
    for path in scanned_files(run):
        data = path.read_bytes()
        found += [f"{path}: {what}" for what, secret in secrets.items() if secret in data]
        found += [
            f"{path}: JWT with role {jwt_claims(token).get('role')!r}"
            for token in JWT.findall(data)
            if token != anon_key
        ]
    return found
