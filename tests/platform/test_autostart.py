"""Launch at login: the exact registration each OS reads, and a real on/off/status round trip."""

from __future__ import annotations

import json
import plistlib
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lia_desktop.services import autostart
from lia_desktop.services.autostart import (
    AutostartStatus,
    LaunchAgent,
    RunKeyAutostart,
    XdgAutostart,
    desktop_entry,
    launch_agent_plist,
    run_value,
)

LINUX_CMD = ["/opt/lia-desktop/lia-desktop"]
MAC_CMD = ["/Applications/LIA Desktop.app/Contents/MacOS/LIA Desktop"]
WIN_CMD = [r"C:\Program Files\LIA Desktop\lia-desktop.exe"]


def test_desktop_entry_exact_text() -> None:
    assert desktop_entry(LINUX_CMD) == (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Name=LIA Desktop\n"
        "Comment=Admin notifications and live stats for the LIA marketplace\n"
        "Exec=/opt/lia-desktop/lia-desktop\n"
        "Icon=lia-desktop\n"
        "Terminal=false\n"
        "Categories=Network;Monitor;\n"
        "X-GNOME-Autostart-enabled=true\n"
    )


def test_desktop_entry_quotes_exec_per_spec() -> None:
    entry = desktop_entry(
        ["/home/ana maria/.venv/bin/python", "-m", "lia_desktop", "50%", 'a\\b"$']
    )
    exec_line = next(line for line in entry.splitlines() if line.startswith("Exec="))
    assert (
        exec_line == r'Exec="/home/ana maria/.venv/bin/python" -m lia_desktop 50%% "a\\\\b\\"\\$"'
    )


def test_desktop_entry_passes_validator(tmp_path: Path) -> None:
    validator = shutil.which("desktop-file-validate")
    if validator is None:
        pytest.skip("desktop-file-validate is not installed")
    path = tmp_path / "lia-desktop.desktop"
    path.write_text(desktop_entry(["/home/ana maria/python", "-m", "lia_desktop"]))
    result = subprocess.run([validator, str(path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in result.stdout


def test_exec_line_round_trips_through_a_real_launcher(tmp_path: Path) -> None:
    """GIO parses the Exec key the way a session's autostart does: the same argv must arrive."""
    gio = shutil.which("gio")
    if gio is None:
        pytest.skip("gio is not installed")
    out = tmp_path / "argv.json"
    script = tmp_path / "dump argv.py"
    script.write_text(
        f"import json, sys\nopen({str(out)!r}, 'w').write(json.dumps(sys.argv[1:]))\n"
    )
    tricky = ["--x=50%", 'a\\b$c"d', "two words", "it's", "`x`", "#1;(2)|<3>&*?~"]
    entry = tmp_path / "lia-desktop.desktop"
    entry.write_text(desktop_entry([sys.executable, str(script), *tricky]))
    subprocess.run([gio, "launch", str(entry)], check=True, capture_output=True)
    deadline = time.monotonic() + 20
    while not out.exists() or not out.read_text():
        assert time.monotonic() < deadline, "the launched process never wrote its argv"
        time.sleep(0.05)
    assert json.loads(out.read_text()) == tricky


def test_launch_agent_plist_exact_text() -> None:
    assert launch_agent_plist([*MAC_CMD, "--quiet"]).decode() == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" '
        '"http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n'
        '<plist version="1.0">\n'
        "<dict>\n"
        "\t<key>Label</key>\n"
        "\t<string>com.lia.desktop</string>\n"
        "\t<key>ProgramArguments</key>\n"
        "\t<array>\n"
        "\t\t<string>/Applications/LIA Desktop.app/Contents/MacOS/LIA Desktop</string>\n"
        "\t\t<string>--quiet</string>\n"
        "\t</array>\n"
        "\t<key>RunAtLoad</key>\n"
        "\t<true/>\n"
        "\t<key>ProcessType</key>\n"
        "\t<string>Interactive</string>\n"
        "</dict>\n"
        "</plist>\n"
    )


def test_run_value_quotes_the_executable_always() -> None:
    assert run_value(WIN_CMD) == r'"C:\Program Files\LIA Desktop\lia-desktop.exe"'
    assert run_value([r"C:\lia\lia-desktop.exe", "--profile", "Ana María"]) == (
        r'"C:\lia\lia-desktop.exe" --profile "Ana María"'
    )


def test_linux_round_trip_in_xdg_config_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setattr(sys, "platform", "linux")
    entry = tmp_path / "config" / "autostart" / "lia-desktop.desktop"

    assert autostart.main(["status"]) == 0
    assert capsys.readouterr().out.startswith("off")

    assert autostart.main(["on"]) == 0
    assert capsys.readouterr().out == f"on ({entry})\n"
    assert entry.read_text() == desktop_entry(autostart.launch_command())

    assert autostart.main(["status"]) == 0
    assert capsys.readouterr().out == f"on ({entry})\n"

    assert autostart.main(["off"]) == 0
    assert capsys.readouterr().out == f"off ({entry})\n"
    assert not entry.exists()
    assert autostart.main(["off"]) == 0  # idempotent


def test_linux_status_honours_the_desktops_own_switches(tmp_path: Path) -> None:
    target = XdgAutostart(tmp_path)
    target.enable(LINUX_CMD)
    assert target.status(LINUX_CMD) == AutostartStatus(True, str(target.path))
    # GNOME's "Startup Applications" toggle flips this key instead of deleting the file.
    target.path.write_text(
        target.path.read_text().replace("Autostart-enabled=true", "Autostart-enabled=false")
    )
    assert not target.status(LINUX_CMD).enabled


def test_status_notices_a_registration_of_another_installation(tmp_path: Path) -> None:
    target = XdgAutostart(tmp_path)
    target.enable(["/old/place/lia-desktop"])
    status = target.status(LINUX_CMD)
    assert status.enabled
    assert not status.current
    assert "another installation" in status.describe()


def test_macos_launch_agent_round_trip_under_a_tmp_home(tmp_path: Path) -> None:
    agent = autostart.for_platform("darwin", env={}, home=tmp_path)
    assert isinstance(agent, LaunchAgent)
    assert not agent.status(MAC_CMD).enabled
    agent.enable(MAC_CMD)
    path = tmp_path / "Library" / "LaunchAgents" / "com.lia.desktop.plist"
    assert path.read_bytes() == launch_agent_plist(MAC_CMD)
    assert plistlib.loads(path.read_bytes())["ProgramArguments"] == MAC_CMD
    assert agent.status(MAC_CMD) == AutostartStatus(True, str(path))
    agent.disable()
    assert not path.exists()
    assert not agent.status(MAC_CMD).enabled


class MemoryRunKey:
    """An in-memory stand-in for the HKCU Run key: records exactly what would be stored."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def get(self, name: str) -> str | None:
        return self.values.get(name)

    def set(self, name: str, value: str) -> None:
        self.values[name] = value

    def delete(self, name: str) -> None:
        self.values.pop(name, None)


def test_windows_run_key_round_trip() -> None:
    key = MemoryRunKey()
    key.set("OneDrive", '"C:\\OneDrive.exe" /background')
    target = RunKeyAutostart(key)
    assert not target.status(WIN_CMD).enabled
    target.enable(WIN_CMD)
    assert key.values == {
        "OneDrive": '"C:\\OneDrive.exe" /background',
        "LIA Desktop": r'"C:\Program Files\LIA Desktop\lia-desktop.exe"',
    }
    assert target.status(WIN_CMD).describe() == (
        r"on (HKCU\Software\Microsoft\Windows\CurrentVersion\Run\LIA Desktop)"
    )
    target.disable()
    assert key.values == {"OneDrive": '"C:\\OneDrive.exe" /background'}


def test_the_real_registry_adapter_refuses_off_windows() -> None:
    if sys.platform == "win32":
        pytest.skip("only meaningful off Windows")
    target = autostart.for_platform("win32")
    with pytest.raises(OSError, match="only on Windows"):
        target.status(WIN_CMD)


def test_cli_rejects_unknown_words(capsys: pytest.CaptureFixture[str]) -> None:
    assert autostart.main(["maybe"], XdgAutostart(Path("/nonexistent"))) == 2
    assert "usage" in capsys.readouterr().err
