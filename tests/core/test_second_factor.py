"""Codes are accepted however they were typed or pasted; anything else is not a code."""

from __future__ import annotations

import pytest

from lia_desktop.core.second_factor import grouped_secret, normalise_code


@pytest.mark.parametrize(
    "typed", ["123456", "123 456", "123-456", " 123456\n", "123\u00a0456", "12 34 56\r\n"]
)
def test_pasted_and_spaced_codes_are_the_same_six_digits(typed: str) -> None:
    assert normalise_code(typed) == "123456"


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "12a456", "１２３４５６", "123.456"])
def test_anything_but_six_ascii_digits_is_not_a_code(typed: str) -> None:
    assert normalise_code(typed) is None


def test_the_secret_reads_in_groups_of_four() -> None:
    assert grouped_secret("JBSWY3DPEHPK3PXPAB") == "JBSW Y3DP EHPK 3PXP AB"
    assert grouped_secret("") == ""
