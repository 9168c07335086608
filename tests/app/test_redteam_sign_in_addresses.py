"""Red team (issue 14): an address typed wrong is named as such at sign-in.

A Project URL with a bad port, an unclosed IPv6 bracket or a pasted line break never
reaches a server, yet the sign-in said "The server could not complete the request. Try
again in a moment": the admin retries a typo forever. Each of these must be reported as
the address's problem, like "garbage" already is.
"""

from __future__ import annotations

import pytest

from lia_desktop.app import open_session
from lia_desktop.core.problems import Problem
from lia_desktop.services.errors import ServiceError

#: well-formed, role anon; the URL fails before anything reads it
ANON_KEY = "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYW5vbiJ9." + "x" * 43


@pytest.mark.parametrize(
    "url",
    ["http://localhost:99999", "http://[::1", "http://127.0.0.1:54321\nhttp://other"],
)
async def test_a_malformed_project_url_is_the_addresss_problem(url: str) -> None:
    with pytest.raises(ServiceError) as caught:
        await open_session(url, ANON_KEY, lambda auth: auth.sign_in("admin@lia.co", "pw"))
    assert caught.value.kind in (Problem.NOT_A_SUPABASE_URL, Problem.NOT_SUPABASE)
