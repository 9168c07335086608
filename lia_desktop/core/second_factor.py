"""Second-factor codes as admins type and paste them (issue 16).

Authenticator apps show ``123 456``; password managers copy ``123456`` with a
line ending; some sites print ``123-456``. All of them are the same six
digits, and a code is never refused for its spacing. The enrollment secret is
shown in groups of four, the way authenticator apps ask to have it typed.
"""

from __future__ import annotations

CODE_DIGITS = 6
#: what people put between digits (spaces, a dash, a no-break space) or around them
_SEPARATORS = frozenset(" -\u00a0\u2009\u202f\t\r\n")


def normalise_code(text: str) -> str | None:
    """The six ASCII digits in ``text`` once separators are dropped; None when it is not one."""
    digits = "".join(ch for ch in text if ch not in _SEPARATORS)
    if len(digits) == CODE_DIGITS and digits.isascii() and digits.isdigit():
        return digits
    return None


def grouped_secret(secret: str) -> str:
    """``JBSWY3DPEHPK3PXP`` → ``JBSW Y3DP EHPK 3PXP``: easier to read aloud and to type."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
