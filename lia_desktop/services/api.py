"""Typed calls to the admin RPCs of the server contract (supabase/README.md).

Thin on purpose: one method per RPC, JSON in and out, every library exception
translated by ``errors.translate``. Parsing rows into domain types is core's
job (``core.wire``), so this module stays a transport.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from lia_desktop.services.errors import ServerError, translate
from supabase import AsyncClient

JsonObject = Mapping[str, Any]

#: the server caps ``max_rows`` at 1000; 500 keeps one page well under 1 MiB
PAGE_SIZE = 500


class AdminApi:
    """The admin RPCs, called with the signed-in admin's token."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    async def _call(self, function: str, params: Mapping[str, Any] | None = None) -> Any:
        try:
            response = await self._client.rpc(function, dict(params or {})).execute()
        except Exception as exc:
            raise translate(exc) from exc
        return response.data

    async def dashboard_stats(self) -> JsonObject:
        data = await self._call("admin_dashboard_stats")
        if not isinstance(data, Mapping):
            raise ServerError(
                f"admin_dashboard_stats returned {type(data).__name__}, not an object"
            )
        return data

    async def notifications_after(
        self, after_id: int, max_rows: int = PAGE_SIZE
    ) -> list[JsonObject]:
        """Rows with ``id > after_id`` in ascending id, at most ``max_rows``."""
        data = await self._call(
            "admin_notifications_after", {"after_id": after_id, "max_rows": max_rows}
        )
        return _rows("admin_notifications_after", data)

    async def notifications_before(
        self, before_id: int | None, max_rows: int = PAGE_SIZE, *, unread_only: bool = False
    ) -> list[JsonObject]:
        """Rows with ``id < before_id`` (all when None) in descending id, at most ``max_rows``."""
        data = await self._call(
            "admin_notifications_before",
            {"before_id": before_id, "max_rows": max_rows, "unread_only": unread_only},
        )
        return _rows("admin_notifications_before", data)

    async def newest_id(self) -> int:
        """The server's newest notification id (0 when there is none): one indexed row."""
        rows = await self.notifications_before(None, 1)
        return int(rows[0]["id"]) if rows else 0

    async def mark_read(self, ids: Sequence[int]) -> int:
        return int(await self._call("admin_mark_read", {"ids": list(ids)}))

    async def mark_unread(self, ids: Sequence[int]) -> int:
        return int(await self._call("admin_mark_unread", {"ids": list(ids)}))

    async def mark_all_read(self, up_to_id: int) -> int:
        return int(await self._call("admin_mark_all_read", {"up_to_id": up_to_id}))

    async def unread_count(self) -> int:
        return int(await self._call("admin_unread_count"))

    async def claim(self, item_type: str, item_id: int) -> JsonObject:
        """Claim an item (the first caller wins); the answer names its holder either way."""
        return _object("admin_claim", await self._call("admin_claim", _item(item_type, item_id)))

    async def release(self, item_type: str, item_id: int) -> JsonObject:
        """Release an item this admin holds; the answer is its claim now."""
        return _object(
            "admin_release", await self._call("admin_release", _item(item_type, item_id))
        )

    async def reassign(self, item_type: str, item_id: int, to_admin: str) -> JsonObject:
        """Hand an item to the admin ``to_admin`` (a user id); the answer is its claim now."""
        params = _item(item_type, item_id) | {"to_admin": to_admin}
        return _object("admin_reassign", await self._call("admin_reassign", params))

    async def claims_held(self) -> list[JsonObject]:
        """Every item held now, by whom and since when."""
        return _rows("admin_claims_held", await self._call("admin_claims_held"))

    async def security_policy(self) -> JsonObject:
        """``admins_need_aal2`` (the project's switch) and this token's ``aal``; any admin
        may ask, before the second factor too."""
        return _object("admin_security_policy", await self._call("admin_security_policy"))

    async def item_history(self, item_type: str, item_id: int) -> list[JsonObject]:
        """The item's audit trail, oldest first."""
        return _rows(
            "admin_item_history",
            await self._call("admin_item_history", _item(item_type, item_id)),
        )

    async def set_duty(self, status: str) -> JsonObject:
        """This admin is now ``status`` (available, away, off_duty); the answer is the row."""
        return _object("admin_set_duty", await self._call("admin_set_duty", {"status": status}))

    async def duty_roster(self) -> list[JsonObject]:
        """Every admin's duty as they last set it."""
        return _rows("admin_duty_roster", await self._call("admin_duty_roster"))

    async def contract_status(self) -> JsonObject:
        """The installed contract's ``version`` and the pieces it ``missing`` (doctor's check)."""
        data = await self._call("admin_contract_status")
        if not isinstance(data, Mapping):
            raise ServerError(
                f"admin_contract_status returned {type(data).__name__}, not an object"
            )
        return data


def _rows(function: str, data: Any) -> list[JsonObject]:
    if data is None:
        return []
    if not isinstance(data, list):
        raise ServerError(f"{function} returned {type(data).__name__}, not a list")
    return cast(list[JsonObject], data)


def _item(item_type: str, item_id: int) -> dict[str, Any]:
    return {"item_type": item_type, "item_id": item_id}


def _object(function: str, data: Any) -> JsonObject:
    if not isinstance(data, Mapping):
        raise ServerError(f"{function} returned {type(data).__name__}, not an object")
    return data
