"""What went wrong, as data, and the sentence an admin reads for it.

Services classify a failure (``services.errors``) and the settings schema a
refused value (``core.settings``) into a :class:`Problem`; the sign-in and
settings dialogs and ``lia-desktop doctor`` word it with :func:`explain`, in
the admin's language. A sentence says what happened and what to do, and where
a value comes from (the Supabase dashboard's Project Settings → API page),
never how a library failed: the exception's own text is for the log.
"""

from __future__ import annotations

from enum import Enum
from typing import assert_never

from lia_desktop.core.i18n import Translate
from lia_desktop.core.project import UrlFlaw, UrlFlawKind, url_flaw


class Problem(Enum):
    """One thing an admin can act on; each has its own sentence in :func:`explain`."""

    # no answer from the server (offline, DNS, refused, timeout)
    UNREACHABLE = "unreachable"
    # something answered, but not a Supabase API
    NOT_SUPABASE = "not_supabase"
    # a Supabase project that lets anyone read admin data: not set up for LIA
    NOT_LIA_PROJECT = "not_lia_project"
    # the server refused the anon key
    KEY_REJECTED = "key_rejected"
    # wrong email or password (or an unconfirmed account)
    WRONG_PASSWORD = "wrong_password"
    # signed in, but the account has no admin role
    NOT_ADMIN = "not_admin"
    # the stored session can no longer be renewed
    SESSION_ENDED = "session_ended"
    # the server failed in a way the app cannot fix
    SERVER_FAILED = "server_failed"
    # a field was left empty
    REQUIRED = "required"
    # the Supabase URL field does not hold an http(s) address
    NOT_A_SUPABASE_URL = "not_a_supabase_url"
    # the anon key field does not hold a JWT
    NOT_AN_ANON_KEY = "not_an_anon_key"
    # a JWT, but for another role (the service_role key, most likely)
    NOT_THE_ANON_ROLE = "not_the_anon_role"
    # the web admin URL is not an address the app may open
    NOT_A_WEB_ADMIN_URL = "not_a_web_admin_url"
    # quiet hours that start and end at the same time
    EMPTY_QUIET_HOURS = "empty_quiet_hours"
    # any other value the settings schema refuses (only a hand-edited file has one)
    INVALID_SETTING = "invalid_setting"
    # the settings file could not be written
    NOT_SAVED = "not_saved"
    # the project demands a second factor (aal2) that this session has not given
    SECOND_FACTOR_REQUIRED = "second_factor_required"
    # the project demands a second factor and the account has none yet (headless tools)
    SECOND_FACTOR_NOT_SET_UP = "second_factor_not_set_up"
    # the authenticator code was wrong
    WRONG_CODE = "wrong_code"
    # the authenticator code came too late or was already used
    CODE_EXPIRED = "code_expired"
    # too many codes or sign-ins in a short time (the server's rate limit)
    TOO_MANY_ATTEMPTS = "too_many_attempts"


#: The kinds an admin fixes in the anon key field (the sign-in and settings dialogs show
#: them there); the other project problems are the URL's.
ANON_KEY_PROBLEMS = frozenset(
    {Problem.KEY_REJECTED, Problem.NOT_AN_ANON_KEY, Problem.NOT_THE_ANON_ROLE}
)


def where_to_find_project_keys(translate: Translate) -> str:
    """The hint under the URL and anon key fields (plain text, no link)."""
    return translate(
        "Problems",
        "Both are in the Supabase dashboard: open your project, then Project Settings → API. "
        "Copy the Project URL and the 'anon public' key.",
    )


def explain(problem: Problem, translate: Translate, *, url: str = "", reason: str = "") -> str:
    """The sentence for ``problem``: ``url`` is the server meant (a generic "the server"
    when empty); ``reason`` is the system's own words for a file that could not be saved."""
    server = url or translate("Problems", "the server")
    match problem:
        case Problem.UNREACHABLE:
            return translate(
                "Problems", "Can't reach {server}. Check the address and your internet connection."
            ).format(server=server)
        case Problem.NOT_SUPABASE:
            return translate(
                "Problems",
                "{server} does not answer as a Supabase project. Check the address: in the "
                "Supabase dashboard, open Project Settings → API and copy the Project URL "
                "(https://….supabase.co).",
            ).format(server=server)
        case Problem.NOT_LIA_PROJECT:
            return translate(
                "Problems",
                "{server} is a Supabase project without LIA's admin setup: it shows admin data "
                "to anyone. Check the address, or have LIA's database migrations applied there.",
            ).format(server=server)
        case Problem.KEY_REJECTED:
            return translate(
                "Problems",
                "The server did not accept this anon key. In the Supabase dashboard, open "
                "Project Settings → API and copy the 'anon public' key of this project.",
            )
        case Problem.WRONG_PASSWORD:
            return translate(
                "Problems",
                "Wrong email or password. Check both and try again; if the account is new, "
                "confirm its email address first.",
            )
        case Problem.NOT_ADMIN:
            return translate(
                "Problems",
                "This account is not a LIA administrator. Sign in with an admin account, or ask "
                "an administrator to give this one the admin role.",
            )
        case Problem.SESSION_ENDED:
            return translate("Problems", "Your session has ended. Please sign in again.")
        case Problem.SERVER_FAILED:
            return translate(
                "Problems",
                "The server could not complete the request. Try again in a moment; if it keeps "
                "failing, the app's log has the details.",
            )
        case Problem.REQUIRED:
            return translate("Problems", "Required.")
        case Problem.NOT_A_SUPABASE_URL:
            return _not_a_supabase_url(url_flaw(url), translate)
        case Problem.NOT_AN_ANON_KEY:
            return translate(
                "Problems",
                "That is not an anon key. In the Supabase dashboard, open Project Settings → "
                "API and copy the 'anon public' key.",
            )
        case Problem.NOT_THE_ANON_ROLE:
            return translate(
                "Problems",
                "That key is not the anon key (it may be the secret service_role key, which "
                "must never be used here). In Project Settings → API, copy the 'anon public' key.",
            )
        case Problem.NOT_A_WEB_ADMIN_URL:
            return translate(
                "Problems",
                "Enter the web admin's address, such as https://admin.example.com: http or "
                "https, plain ASCII letters, no user name and no ? or # part.",
            )
        case Problem.EMPTY_QUIET_HOURS:
            return translate("Problems", "Quiet hours must end at another time than they start.")
        case Problem.INVALID_SETTING:
            return translate("Problems", "This value cannot be used. Choose another one.")
        case Problem.NOT_SAVED:
            return translate(
                "Problems", "The settings could not be saved ({reason}). Nothing was changed."
            ).format(reason=reason or translate("Problems", "unknown error"))
        case Problem.SECOND_FACTOR_REQUIRED:
            return translate(
                "Problems",
                "This project asks administrators for a second sign-in step. Sign in again "
                "and enter the code from your authenticator app.",
            )
        case Problem.SECOND_FACTOR_NOT_SET_UP:
            return translate(
                "Problems",
                "This project asks administrators for a code from an authenticator app, and "
                "this account has none yet. Sign in once in the LIA Desktop app to set one up.",
            )
        case Problem.WRONG_CODE:
            return translate(
                "Problems",
                "That code is not right. Enter the 6-digit code your authenticator app shows "
                "now for LIA.",
            )
        case Problem.CODE_EXPIRED:
            return translate(
                "Problems",
                "That code has expired or was already used. Enter the new code your "
                "authenticator app shows.",
            )
        case Problem.TOO_MANY_ATTEMPTS:
            return translate(
                "Problems", "Too many tries in a short time. Wait a minute, then try again."
            )
        case _:  # pragma: no cover - mypy proves every kind is matched above
            assert_never(problem)


def _not_a_supabase_url(flaw: UrlFlaw | None, translate: Translate) -> str:
    """What is wrong with a typed address (``core.project.url_flaw``), named, then where
    the right one is; the whole rule when the address is not given or not http(s) at all."""
    if flaw is None or flaw.kind is UrlFlawKind.NOT_HTTP:
        return translate(
            "Problems",
            "That is not a Supabase URL. It starts with https:// and looks like "
            "https://your-project.supabase.co (Project Settings → API → Project URL).",
        )
    match flaw.kind:
        case UrlFlawKind.LINE_BREAK:
            named = translate(
                "Problems", "That address has a line break in it: paste the Project URL alone."
            )
        case UrlFlawKind.INVISIBLE:
            named = translate(
                "Problems", "That address has a space or an invisible character in it."
            )
        case UrlFlawKind.NO_HOST:
            named = translate("Problems", "That address has no server name after ://.")
        case UrlFlawKind.HOST:
            named = translate(
                "Problems",
                "{host} is not a server name: it has characters other than letters, digits, "
                "dots and hyphens.",
            ).format(host=flaw.part)
        case UrlFlawKind.IPV6:
            named = translate(
                "Problems",
                "An IPv6 address goes between square brackets, both of them, such as "
                "http://[::1]:54321.",
            )
        case UrlFlawKind.PORT:
            named = translate("Problems", "Port {port} does not exist (1-65535).").format(
                port=flaw.part
            )
        case _:  # pragma: no cover - mypy proves every kind is matched above
            assert_never(flaw.kind)
    copy_it = translate(
        "Problems", "Copy the Project URL from the Supabase dashboard: Project Settings → API."
    )
    return f"{named} {copy_it}"
