"""Launch at login on Linux (XDG autostart), macOS (LaunchAgent) and Windows (HKCU Run key).

The content of each registration is built by a pure function, so its exact
text is tested on any OS; the writers sit behind small adapters (a home or
config folder, a ``RegistryAdapter``) so Linux CI exercises the macOS and
Windows logic too. ``winreg`` is imported only on Windows.
"""

from __future__ import annotations

import os
import plistlib
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

APP_ID = "com.lia.desktop"
APP_NAME = "LIA Desktop"
DESKTOP_FILE = "lia-desktop.desktop"
ICON_NAME = "lia-desktop"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
RUN_VALUE_NAME = APP_NAME


def launch_command() -> list[str]:
    """How this installation starts the app: the frozen executable, or the venv's Python."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    return [sys.executable, "-m", "lia_desktop"]


# --- pure content builders -------------------------------------------------------------


def _desktop_exec_arg(arg: str) -> str:
    """Quote one Exec argument (Desktop Entry spec 1.5, "The Exec key").

    Inside double quotes ``"`` `` ` `` ``$`` and ``\\`` take a backslash; ``%`` is
    doubled as a field-code escape; then the whole value gets the string-level
    escape, which doubles every backslash again.
    """
    reserved = set(" \t\n\"'\\><~|&;$*?#()`")
    if arg and not reserved & set(arg):
        quoted = arg
    else:
        quoted = '"' + "".join("\\" + c if c in '"`$\\' else c for c in arg) + '"'
    return quoted.replace("%", "%%").replace("\\", "\\\\")


def desktop_entry(command: Sequence[str], icon: str = ICON_NAME) -> str:
    """The XDG autostart entry; ``X-GNOME-Autostart-enabled`` is what GNOME's toggle flips."""
    exec_line = " ".join(_desktop_exec_arg(a) for a in command)
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        f"Name={APP_NAME}\n"
        "Comment=Admin notifications and live stats for the LIA marketplace\n"
        f"Exec={exec_line}\n"
        f"Icon={icon}\n"
        "Terminal=false\n"
        "Categories=Network;Monitor;\n"
        "X-GNOME-Autostart-enabled=true\n"
    )


def launch_agent_plist(command: Sequence[str]) -> bytes:
    """The per-user LaunchAgent: run once at login, scheduled as an interactive app."""
    agent = {
        "Label": APP_ID,
        "ProgramArguments": list(command),
        "RunAtLoad": True,
        "ProcessType": "Interactive",
    }
    return plistlib.dumps(agent, fmt=plistlib.FMT_XML, sort_keys=False)


def run_value(command: Sequence[str]) -> str:
    """The HKCU Run value: the executable always in quotes, the rest quoted as CreateProcess reads it."""
    exe, *args = command
    return " ".join([f'"{exe}"', *([subprocess.list2cmdline(args)] if args else [])])


# --- status ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AutostartStatus:
    """``current`` is False when the registration starts another command (the app moved)."""

    enabled: bool
    where: str
    current: bool = True

    def describe(self) -> str:
        if not self.enabled:
            return f"off ({self.where})"
        stale = "" if self.current else ", points at another installation: run 'autostart on'"
        return f"on ({self.where}{stale})"


class Autostart(Protocol):
    def enable(self, command: Sequence[str]) -> None: ...
    def disable(self) -> None: ...
    def status(self, command: Sequence[str]) -> AutostartStatus: ...


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


# --- Linux -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class XdgAutostart:
    """``$XDG_CONFIG_HOME/autostart/lia-desktop.desktop``."""

    config_home: Path

    @property
    def path(self) -> Path:
        return self.config_home / "autostart" / DESKTOP_FILE

    def enable(self, command: Sequence[str]) -> None:
        _write_atomically(self.path, desktop_entry(command).encode())

    def disable(self) -> None:
        self.path.unlink(missing_ok=True)

    def status(self, command: Sequence[str]) -> AutostartStatus:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return AutostartStatus(False, str(self.path))
        keys = dict(
            line.split("=", 1)
            for line in text.splitlines()
            if "=" in line and not line.startswith("#")
        )
        # The spec and GNOME both let the user switch an entry off without deleting it.
        enabled = keys.get("Hidden") != "true" and keys.get("X-GNOME-Autostart-enabled") != "false"
        return AutostartStatus(enabled, str(self.path), text == desktop_entry(command))


# --- macOS -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LaunchAgent:
    """``~/Library/LaunchAgents/com.lia.desktop.plist``, read by launchd at the next login.

    A signed bundle on macOS 13+ may use SMAppService instead; the plist works
    for every build and needs no entitlement.
    """

    home: Path

    @property
    def path(self) -> Path:
        return self.home / "Library" / "LaunchAgents" / f"{APP_ID}.plist"

    def enable(self, command: Sequence[str]) -> None:
        _write_atomically(self.path, launch_agent_plist(command))

    def disable(self) -> None:
        self.path.unlink(missing_ok=True)

    def status(self, command: Sequence[str]) -> AutostartStatus:
        try:
            agent = plistlib.loads(self.path.read_bytes())
        except (FileNotFoundError, plistlib.InvalidFileException):
            return AutostartStatus(False, str(self.path))
        enabled = agent.get("Label") == APP_ID and not agent.get("Disabled", False)
        return AutostartStatus(
            enabled, str(self.path), agent.get("ProgramArguments") == list(command)
        )


# --- Windows ---------------------------------------------------------------------------


class RegistryAdapter(Protocol):
    """String values of one registry key (HKCU\\...\\Run)."""

    def get(self, name: str) -> str | None: ...
    def set(self, name: str, value: str) -> None: ...
    def delete(self, name: str) -> None: ...


class WinregRunKey:
    """``HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run`` via winreg."""

    def get(self, name: str) -> str | None:
        if sys.platform == "win32":
            import winreg

            try:
                with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
                    value, _kind = winreg.QueryValueEx(key, name)
            except FileNotFoundError:
                return None
            return str(value)
        raise OSError("the Windows registry exists only on Windows")

    def set(self, name: str, value: str) -> None:
        if sys.platform == "win32":
            import winreg

            with winreg.CreateKeyEx(
                winreg.HKEY_CURRENT_USER, RUN_KEY, 0, winreg.KEY_SET_VALUE
            ) as key:
                winreg.SetValueEx(key, name, 0, winreg.REG_SZ, value)
            return
        raise OSError("the Windows registry exists only on Windows")

    def delete(self, name: str) -> None:
        if sys.platform == "win32":
            import winreg

            try:
                with winreg.OpenKey(
                    winreg.HKEY_CURRENT_USER, RUN_KEY, 0, winreg.KEY_SET_VALUE
                ) as key:
                    winreg.DeleteValue(key, name)
            except FileNotFoundError:
                pass
            return
        raise OSError("the Windows registry exists only on Windows")


@dataclass(frozen=True, slots=True)
class RunKeyAutostart:
    """One value named "LIA Desktop" under the user's Run key."""

    registry: RegistryAdapter

    def enable(self, command: Sequence[str]) -> None:
        self.registry.set(RUN_VALUE_NAME, run_value(command))

    def disable(self) -> None:
        self.registry.delete(RUN_VALUE_NAME)

    def status(self, command: Sequence[str]) -> AutostartStatus:
        value = self.registry.get(RUN_VALUE_NAME)
        where = f"HKCU\\{RUN_KEY}\\{RUN_VALUE_NAME}"
        return AutostartStatus(value is not None, where, value == run_value(command))


# --- choosing one and the CLI ----------------------------------------------------------


def for_platform(
    platform: str | None = None,
    env: Mapping[str, str] | None = None,
    home: Path | None = None,
) -> Autostart:
    """The registration this OS reads at login (defaults read at call time, for tests)."""
    platform = platform if platform is not None else sys.platform
    env = env if env is not None else os.environ
    home = home if home is not None else Path.home()
    if platform == "win32":
        return RunKeyAutostart(WinregRunKey())
    if platform == "darwin":
        return LaunchAgent(home)
    return XdgAutostart(Path(env.get("XDG_CONFIG_HOME") or home / ".config"))


def main(argv: Sequence[str], autostart: Autostart | None = None) -> int:
    """``lia-desktop autostart on|off|status``: prints the resulting status, returns an exit code."""
    if len(argv) != 1 or argv[0] not in ("on", "off", "status"):
        print("usage: lia-desktop autostart on|off|status", file=sys.stderr)
        return 2
    target = autostart if autostart is not None else for_platform()
    command = launch_command()
    if argv[0] == "on":
        target.enable(command)
    elif argv[0] == "off":
        target.disable()
    print(target.status(command).describe())
    return 0
