"""Is this a Supabase project the app can use? Asked before a URL or key is saved.

A new URL or anon key in Settings is checked against the server first: it
answers, it is a Supabase API, and it accepts the key (an admin RPC refused to
the anon role for lack of privilege, not for a bad key). Saving an unchecked
URL left the tray "Live" on the old backend while the settings named another.
A URL or key whose text shows it is wrong (the service_role key among them) is
refused before anything is sent, as on every path (``auth.open_client``).
"""

from __future__ import annotations

from lia_desktop.services.auth import AuthSession
from lia_desktop.services.errors import BadApiKey, BadUrl, NotAdmin, NotLiaProject, SessionExpired


async def check_project(url: str, anon_key: str) -> None:
    """Return when ``url`` answers as Supabase and accepts ``anon_key``; raise the
    ServiceError that says what is wrong otherwise (BadUrl, NetworkUnreachable, BadApiKey,
    NotLiaProject; NotAProjectUrl, NotAnAnonKey or NotTheAnonRole unsent)."""
    auth = await AuthSession.open(url, anon_key, persist=False)
    try:
        await auth.api.unread_count()
    except NotAdmin:
        return  # the key was accepted; the anon role is refused admin data, as it must be
    except SessionExpired as error:
        raise BadApiKey(f"the server rejected the anon key ({error})") from None
    except (ValueError, TypeError) as error:  # a 200 whose body is no count: not PostgREST
        raise BadUrl(f"the server answers, but not as Supabase's REST API ({error})") from None
    finally:
        await auth.close()
    raise NotLiaProject("this server answers admin requests from anyone: not a LIA project")
