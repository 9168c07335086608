"""The toasts' app name is the Windows AppUserModelID the installer registers: if they differ,
Windows drops every toast of the unpackaged app."""

from __future__ import annotations

import re
from pathlib import Path

from lia_desktop.app import NOTIFIER_APP_ID

ISS = Path(__file__).resolve().parent.parent.parent / "packaging" / "windows" / "lia-desktop.iss"


def test_the_notifier_app_name_is_the_installers_app_user_model_id() -> None:
    (aumid,) = re.findall(r'^#define AppUserModelID "([^"]+)"$', ISS.read_text(), re.MULTILINE)
    assert aumid == NOTIFIER_APP_ID
