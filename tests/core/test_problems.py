"""Each problem kind reads as a sentence an admin can act on, in the admin's language."""

from __future__ import annotations

import re

import pytest

from lia_desktop.core.i18n import english
from lia_desktop.core.problems import Problem, explain, where_to_find_project_keys

URL = "https://xyz.supabase.co"

#: what the sentence for each kind must tell the admin (besides being a whole sentence)
MUST_SAY = {
    Problem.UNREACHABLE: [
        f"Can't reach {URL}.",
        "Check the address and your internet connection.",
    ],
    Problem.NOT_SUPABASE: [f"{URL} does not answer as a Supabase project", "Project URL"],
    Problem.NOT_LIA_PROJECT: [URL, "migrations"],
    Problem.KEY_REJECTED: ["Project Settings → API", "'anon public' key"],
    Problem.WRONG_PASSWORD: ["Wrong email or password"],
    Problem.NOT_ADMIN: ["not a LIA administrator", "admin role"],
    Problem.SESSION_ENDED: ["sign in again"],
    Problem.SERVER_FAILED: ["Try again", "log"],
    Problem.REQUIRED: ["Required"],
    Problem.NOT_A_SUPABASE_URL: ["https://your-project.supabase.co", "Project URL"],
    Problem.NOT_AN_ANON_KEY: [
        "That is not an anon key. In the Supabase dashboard, open Project Settings → API and "
        "copy the 'anon public' key."
    ],
    Problem.NOT_THE_ANON_ROLE: ["service_role", "'anon public' key"],
    Problem.NOT_A_WEB_ADMIN_URL: ["https://admin.example.com"],
    Problem.EMPTY_QUIET_HOURS: ["Quiet hours must end at another time"],
    Problem.INVALID_SETTING: ["cannot be used"],
    Problem.NOT_SAVED: ["could not be saved (No space left on device)"],
    Problem.SECOND_FACTOR_REQUIRED: ["second sign-in step", "authenticator app"],
    Problem.SECOND_FACTOR_NOT_SET_UP: ["authenticator app", "Sign in once in the LIA Desktop"],
    Problem.WRONG_CODE: ["not right", "6-digit code"],
    Problem.CODE_EXPIRED: ["expired or was already used", "new code"],
    Problem.TOO_MANY_ATTEMPTS: ["Wait a minute"],
}

#: developer words that once reached the admin ("expected a JWT (three dot-separated base64url
#: parts)", "auth server unreachable: All connection attempts failed")
DEVELOPER_WORDS = ("JWT", "base64", "expected", "exception", "HTTP", "auth server", "attempts")


def test_every_kind_has_its_words() -> None:
    assert set(MUST_SAY) == set(Problem)


@pytest.mark.parametrize("problem", list(Problem))
def test_each_kind_is_a_complete_human_sentence(problem: Problem) -> None:
    message = explain(problem, english, url=URL, reason="No space left on device")
    for words in MUST_SAY[problem]:
        assert words in message
    assert message[0].isupper() or message.startswith(URL)
    assert message.endswith(".")
    assert not any(word in message for word in DEVELOPER_WORDS), message


def test_sentences_are_distinct() -> None:
    messages = {explain(problem, english, url=URL) for problem in Problem}
    assert len(messages) == len(Problem)


def test_without_a_url_the_server_is_named_generically() -> None:
    assert explain(Problem.UNREACHABLE, english) == (
        "Can't reach the server. Check the address and your internet connection."
    )
    assert "(unknown error)" in explain(Problem.NOT_SAVED, english)


def shouting(context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str:
    """A 'language' that is recognisable in the output: every source text upper-cased,
    placeholders kept (a translation keeps them too)."""
    assert context == "Problems"
    return source.upper().replace("{SERVER}", "{server}").replace("{REASON}", "{reason}")


@pytest.mark.parametrize("problem", list(Problem))
def test_every_word_goes_through_translate(problem: Problem) -> None:
    message = explain(problem, shouting, url="h", reason="r")
    without_values = message.replace("h", "").replace("r", "")
    assert without_values == without_values.upper()
    assert not any(c.islower() for c in without_values)


def test_the_hint_says_where_the_url_and_key_are() -> None:
    hint = where_to_find_project_keys(english)
    assert "Project Settings → API" in hint
    assert "Project URL" in hint
    assert "'anon public' key" in hint
    assert "http" not in hint  # plain text: no link to follow
    assert where_to_find_project_keys(shouting) == hint.upper()


@pytest.mark.parametrize(
    ("url", "named"),
    [
        ("http://127.0.0.1:54321\nhttp://other", "That address has a line break in it"),
        ("http://localhost:99999", "Port 99999 does not exist (1-65535)."),
        ("http://[::1", "An IPv6 address goes between square brackets"),
        ("https://xyz.supa base.co", "That address has a space or an invisible character"),
        ("https://:443", "That address has no server name after ://."),
        ("https://admin@xyz.supabase.co", "admin@xyz.supabase.co is not a server name"),
    ],
)
def test_a_malformed_address_is_told_what_is_wrong_with_it(url: str, named: str) -> None:
    """A typo is named, so the admin fixes it instead of retrying a server that was never
    asked; then where the right address is."""
    message = explain(Problem.NOT_A_SUPABASE_URL, english, url=url)
    assert message.startswith(named)
    assert message.endswith(
        "Copy the Project URL from the Supabase dashboard: Project Settings → API."
    )
    assert not any(word in message for word in DEVELOPER_WORDS), message


@pytest.mark.parametrize("url", ["", "xyz.supabase.co", "https://xyz.supabase.co"])
def test_an_address_without_a_named_flaw_gets_the_whole_rule(url: str) -> None:
    assert explain(Problem.NOT_A_SUPABASE_URL, english, url=url) == explain(
        Problem.NOT_A_SUPABASE_URL, english
    )


def shouting_with_values(
    context: str, source: str, disambiguation: str | None = None, n: int = -1
) -> str:
    """``shouting`` that keeps every placeholder as written."""
    assert context == "Problems"
    return re.sub(r"\{[A-Z]+\}", lambda m: m[0].lower(), source.upper())


@pytest.mark.parametrize(
    "url", ["http://a\nb", "http://a b", "http://", "http://A@B", "http://[::1", "http://a:0"]
)
def test_every_word_of_a_flaw_goes_through_translate(url: str) -> None:
    message = explain(Problem.NOT_A_SUPABASE_URL, shouting_with_values, url=url)
    assert message == message.upper()
    assert "PROJECT SETTINGS → API" in message
