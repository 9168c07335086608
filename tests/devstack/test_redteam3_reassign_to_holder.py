"""Red team 3 (issue 17, server side): handing an item to the admin who already holds it
changes nothing, as claiming one's own item and picking one's own duty change nothing.

``admin_reassign`` to the current holder rewrote the claim (``since = now()``: the holder's
reminder and the team's escalation clocks started over) and appended another "Laura gave it
to Luis" to the item's trail. Two admins giving the same item to Luis at once, or one
admin's G, Enter, G, Enter before the first answer reached their roster, did exactly that.
"""

from __future__ import annotations

import pytest

from tests.devstack.test_claims_contract import audit_rows, new_dispute
from tests.devstack.test_schema import (
    ADMIN_CLAIMS,
    act_as,
    act_as_postgres,
    new_auth_user,
    rolled_back,
    rpc,
)

pytestmark = pytest.mark.devstack


def test_giving_an_item_to_its_holder_again_changes_nothing(migrated_conninfo: str) -> None:
    with rolled_back(migrated_conninfo) as conn:
        laura = {**ADMIN_CLAIMS, "sub": new_auth_user(conn, "Laura Gil", "Bogotá", "admin")}
        luis = new_auth_user(conn, "Luis Mora", "Cali", "admin")
        dispute = new_dispute(conn)
        act_as(conn, laura)
        given = rpc(conn, "admin_reassign('disputes', %s, %s)", dispute, luis)
        act_as_postgres(conn)
        conn.execute(
            "update public.admin_claims set since = since - interval '25 minutes'"
            " where item_type = 'disputes' and item_id = %s",
            (dispute,),
        )
        act_as(conn, laura)
        again = rpc(conn, "admin_reassign('disputes', %s, %s)", dispute, luis)
        act_as_postgres(conn)
        trail = audit_rows(conn, dispute)
    assert given["holder"] == again["holder"] == luis
    assert trail == [("reassign", "Luis Mora")]  # one hand-over, said once
    assert again["since"] < given["since"]  # Luis's 25 minutes still count toward his reminder
