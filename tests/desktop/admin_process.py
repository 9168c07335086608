"""An admin's LIA Desktop as an OS process of its own on the private desktop of
``tests/desktop/run.sh``, reached from outside as a person and a screen reader reach it: its
windows through the X server (xdotool clicks, typing and keys into the focused window), its
tray item through the StatusNotifier host, and what its windows say through AT-SPI.

Each process gets a profile of its own, what two OS accounts give two admins sharing one
computer: private XDG config, data, cache and state folders (settings, cursor, window places,
logs) and a private TMPDIR, where Qt puts the single-instance socket, so neither takes the
other for a second launch of itself. The one thing they share here is the session's keyring, where two accounts would have one
each: refresh tokens are keyed by project and email, so each admin keeps their own, but the
"last email" entry is keyed by project only, so a profile started after another admin signed
in to the same project starts signed in as that admin (seen: a new profile with only the
project in its settings came up live, no dialog). The app has no profiles within one OS account
(no ``--profile``; only ``--demo`` has its own), so tests here clear that entry, start every
profile before any of them signs in, and restart none.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from lia_desktop.core.settings import Settings
from lia_desktop.services.settings_store import FILE_NAME, SettingsStore
from tests.desktop.dbus import call
from tests.desktop.demo import status_notifier_item, tray_tooltip
from tests.desktop.test_screen_reader import ACCESSIBLE, ROOT, ScreenReader
from tests.desktop.test_tray_and_toasts import wait_for

#: what an admin runs (README): the entry point installed beside this interpreter
ENTRY_POINT = Path(sys.executable).with_name("lia-desktop")
STOP_TIMEOUT = 30.0
#: AT-SPI coordinate type: screen coordinates (xdotool's)
SCREEN_COORDS = 0


async def xdotool(*args: str) -> str:
    """xdotool on the private X server; keys and clicks go to whatever has the focus, as a
    person's would."""
    process = await asyncio.create_subprocess_exec(
        "xdotool", *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await process.communicate()
    if process.returncode != 0 and args[0] != "search":  # search: exit 1 when nothing matched
        raise RuntimeError(f"xdotool {' '.join(args)}: {err.decode().strip()}")
    return out.decode()


@dataclass
class AdminProcess:
    """One ``lia-desktop`` process and its profile folder (removed by ``stop``)."""

    root: Path
    process: subprocess.Popen[bytes]

    @classmethod
    def launch(cls, settings: Settings | None = None) -> AdminProcess:
        """Start the app on a new profile; ``settings``: a settings file written before (the
        project's URL and anon key), else a first run."""
        root = Path(tempfile.mkdtemp(prefix="lia-admin-", dir="/tmp"))  # short: socket paths
        folders = {name: root / name.lower() for name in ("CONFIG", "DATA", "CACHE", "STATE")}
        env = dict(os.environ)
        env |= {f"XDG_{name}_HOME": str(folder) for name, folder in folders.items()}
        env["TMPDIR"] = str(root / "tmp")
        # what a desktop sets when a screen reader runs: Qt then serves its AT-SPI tree
        env["QT_LINUX_ACCESSIBILITY_ALWAYS_ON"] = "1"
        for folder in (*folders.values(), root / "tmp"):
            folder.mkdir()
        if settings is not None:
            SettingsStore(folders["CONFIG"] / "lia-desktop" / FILE_NAME).save(settings)
        with (root / "output.log").open("wb") as output:
            process = subprocess.Popen(
                [str(ENTRY_POINT)], env=env, stdout=output, stderr=subprocess.STDOUT
            )
        return cls(root, process)

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        """The end of what the app printed and logged, for a failure message."""
        files = [self.root / "output.log", *sorted((self.root / "state").rglob("*.log"))]
        return "\n".join(path.read_text(errors="replace")[-3000:] for path in files)

    # --- windows -------------------------------------------------------------------------

    async def window(self, title: str, timeout: float = 30) -> int:  # noqa: ASYNC109
        """The X window of this process titled ``title``, once it is on screen."""

        async def shown() -> list[str]:
            self._assert_running()
            found = await xdotool(
                "search", "--all", "--onlyvisible", "--pid", str(self.pid), "--name", f"^{re.escape(title)}$"
            )  # fmt: skip
            return found.split()

        return int((await wait_for(shown, timeout))[0])

    async def visible_titles(self) -> list[str]:
        """The titles of this process's windows on screen."""
        found = await xdotool(
            "search", "--all", "--onlyvisible", "--pid", str(self.pid), "--name", "."
        )
        return [(await xdotool("getwindowname", wid)).strip() for wid in found.split()]

    async def place(self, title: str, x: int, y: int = 0) -> None:
        """Move the window so that it covers no other app's (no window manager places them)."""
        await xdotool("windowmove", "--sync", str(await self.window(title)), str(x), str(y))

    async def geometry(self, title: str) -> tuple[int, int, int, int]:
        """x, y, width, height of the window on screen, as the X server has it."""
        shell = await xdotool("getwindowgeometry", "--shell", str(await self.window(title)))
        values = dict(line.split("=", 1) for line in shell.split())
        return int(values["X"]), int(values["Y"]), int(values["WIDTH"]), int(values["HEIGHT"])

    async def focus(self, title: str) -> int:
        """Bring the window on top and give it the keyboard, as clicking its title would."""
        wid = await self.window(title)
        await xdotool("windowraise", str(wid))
        await xdotool("windowfocus", "--sync", str(wid))
        return wid

    async def click(self, x: int, y: int) -> None:
        await xdotool("mousemove", "--sync", str(x), str(y), "click", "1")

    async def type(self, text: str) -> None:
        await xdotool("type", "--delay", "2", "--", text)

    async def keys(self, *keys: str) -> None:
        await xdotool("key", "--clearmodifiers", *keys)

    # --- tray ------------------------------------------------------------------------------

    async def tray_item(self) -> str:
        async def registered() -> str | None:
            self._assert_running()
            return await asyncio.to_thread(status_notifier_item, self.pid)

        return str(await wait_for(registered, 30))

    async def tooltip(self) -> str:
        return await asyncio.to_thread(tray_tooltip, await self.tray_item())

    async def click_tray_icon(self) -> None:
        """A left click on the bell, as the tray host reports it: Activate on the item."""
        name, _, path = (await self.tray_item()).partition("/")
        process = await asyncio.create_subprocess_exec(
            "busctl", "--user", "call", name, f"/{path or 'StatusNotifierItem'}",
            "org.kde.StatusNotifierItem", "Activate", "ii", "0", "0",
        )  # fmt: skip
        assert await process.wait() == 0

    # --- end -------------------------------------------------------------------------------

    def children(self) -> set[int]:
        """PIDs of the processes this one started (none expected: no demo backend)."""
        found = set()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError):
                # "pid (comm) state ppid ...": comm may hold spaces, so split after the ")"
                if int(stat.read_text().rpartition(")")[2].split()[1]) == self.pid:
                    found.add(int(stat.parent.name))
        return found

    def stop(self) -> int:
        """SIGTERM (a logout or ``kill``) and wait; the exit code. Killed if it hangs; the
        profile folder is removed either way."""
        try:
            if self.process.poll() is None:
                self.process.send_signal(signal.SIGTERM)
            return self.process.wait(STOP_TIMEOUT)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            shutil.rmtree(self.root, ignore_errors=True)

    def _assert_running(self) -> None:
        if self.process.poll() is not None:
            raise AssertionError(f"the app exited ({self.process.returncode}):\n{self.output()}")


class AppReader(ScreenReader):
    """The screen reader's client, asked about one application's nodes by role and name (read
    live on every call, as Orca reads them)."""

    @classmethod
    async def connect(cls) -> AppReader:
        reader = await super().connect()  # built as cls: typed as the base class there
        assert isinstance(reader, AppReader)
        return reader

    async def application(self, pid: int, timeout: float = 30) -> str:  # noqa: ASYNC109
        """The bus name of process ``pid``'s tree, once Qt's bridge has registered it."""

        async def registered() -> str | None:
            try:
                return await self.application_of(pid)
            except LookupError:
                return None

        return str(await wait_for(registered, timeout))

    async def find(
        self,
        app: str,
        role: str,
        name: re.Pattern[str],
        described: re.Pattern[str] | None = None,
        timeout: float = 20,  # noqa: ASYNC109
    ) -> str:
        """The path of the first node of ``role`` whose name (and description, when given)
        matches, once there is one."""
        wanted = (role, name, described)
        return str(await wait_for(lambda: self._search(app, ROOT, wanted), timeout))

    async def name(self, app: str, path: str) -> str:
        return await self._property(app, path, "Name")

    async def centre(self, app: str, path: str) -> tuple[int, int]:
        """Where on screen to click the node."""
        [(x, y, width, height)] = await call(
            self._bus, app, path, "org.a11y.atspi.Component", "GetExtents", "u", SCREEN_COORDS
        )
        return x + width // 2, y + height // 2

    async def _search(
        self, app: str, path: str, wanted: tuple[str, re.Pattern[str], re.Pattern[str] | None]
    ) -> str | None:
        role, name, described = wanted
        here = await self._role(app, path)
        if (
            here == role
            and name.search(await self.name(app, path))
            and (
                described is None
                or described.search(await self._property(app, path, "Description"))
            )
        ):
            return path
        # a combo box's popup is Qt's own; a list's rows are searched only when rows are wanted
        if here == "combo box" or (here == "list" and role != "list item"):
            return None
        for child_app, child in await self._children(app, path):
            if (found := await self._search(child_app, child, wanted)) is not None:
                return found
        return None

    async def _role(self, app: str, path: str) -> str:
        [role] = await call(self._bus, app, path, ACCESSIBLE, "GetRoleName")
        return str(role)
