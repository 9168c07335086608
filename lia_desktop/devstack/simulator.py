"""Marketplace activity for the demo: what LIA's customers and professionals would do.

It writes through the database as the marketplace's own backend does (bookings,
status changes, reviews, disputes, sign-ups, professional applications), so
every trigger, counter and realtime event the admin app sees is the real
thing. Simulated customers also go online and offline on the private
``online_users`` presence channel, one websocket each, as the web app's
server side would track them (the channel is admin-only, so it uses the
service role). Other admins of the team (issue 17) claim the items that need one
owner and release them later, through the same ``admin_claim``/``admin_release``
RPCs and with an admin's JWT claims, so the demo's center shows "Taken by Diego".
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from psycopg.types.json import Jsonb
from realtime import AsyncRealtimeChannel, AsyncRealtimeClient
from realtime.types import RealtimeChannelOptions

log = logging.getLogger(__name__)

FIRST_NAMES = (
    "Ana",
    "Carlos",
    "María",
    "Juan",
    "Valentina",
    "Andrés",
    "Camila",
    "Santiago",
    "Laura",
    "Felipe",
    "Daniela",
    "Mateo",
    "Isabella",
    "Sebastián",
    "Paula",
    "Julián",
)
LAST_NAMES = (
    "Gómez",
    "Rodríguez",
    "Martínez",
    "García",
    "López",
    "Hernández",
    "Torres",
    "Ramírez",
    "Ruiz",
    "Vargas",
    "Castro",
    "Moreno",
    "Rojas",
    "Ortiz",
    "Jiménez",
    "Restrepo",
)
CITIES = ("Bogotá", "Medellín", "Cali", "Barranquilla", "Cartagena", "Bucaramanga", "Pereira")
#: service -> (min, max) price in COP, rounded to 5.000
SERVICES: dict[str, tuple[int, int]] = {
    "Plumbing": (80_000, 350_000),
    "Electrician": (90_000, 400_000),
    "Cleaning": (60_000, 220_000),
    "Painting": (150_000, 900_000),
    "Gardening": (70_000, 250_000),
    "Appliance repair": (100_000, 450_000),
}
DISPUTE_REASONS = (
    "Professional did not show up",
    "Work left unfinished",
    "Charged more than agreed",
    "Damage to property",
)
#: how often each action of ``MarketplaceSimulator`` is picked: a busy marketplace where
#: disputes and low ratings (each one toasts on its own) come a few times an hour
ACTION_WEIGHTS = {
    "new_booking": 5.0,
    "advance_booking": 4.0,
    "review_booking": 0.8,
    "sign_up": 1.0,
    "apply_as_professional": 0.4,
    "open_dispute": 0.08,
    "escalate_dispute": 0.03,
}
#: reviews' ratings 1..5; 1 and 2 are the low ratings
RATING_WEIGHTS = (1, 1, 2, 5, 8)
CANCEL_SHARE = 0.12  # of status changes

NEXT_STATUS = {"pending": "confirmed", "confirmed": "in_progress", "in_progress": "completed"}

#: the demo's other admins (fixed ids: a restarted demo finds the same team)
TEAMMATES = {
    "00000000-0000-4000-a000-0000000000d1": "Diego Vargas",
    "00000000-0000-4000-a000-0000000000d2": "Camila Torres",
}
#: a teammate releases an item they hold with this chance on each turn (else claims one)
RELEASE_SHARE = 0.35
#: a teammate steps away or comes back with this chance on each turn
DUTY_SHARE = 0.15
#: the items that need one owner, as their notifications name them (newest first)
CLAIMABLE_ITEMS = """
select n.entity_table, n.entity_id::bigint from public.admin_notifications n
 where (n.type in ('dispute_opened', 'dispute_escalated', 'professional_applied')
        or (n.type = 'review_created' and n.priority = 'high'))
   and not exists (select 1 from public.admin_claims c where c.item_type = n.entity_table
                    and c.item_id = n.entity_id::bigint and c.holder is not null)
 order by n.id desc limit 5
"""


@dataclass
class Pace:
    """Seconds between actions, and how often a burst of bookings arrives."""

    mean_interval_s: float = 3.0
    burst_every_s: float = 150.0
    burst_size: tuple[int, int] = (8, 20)
    presence_every_s: float = 7.0
    max_online: int = 8
    #: how often one of the other admins claims or releases an item
    teammate_every_s: float = 40.0


@dataclass
class MarketplaceSimulator:
    conninfo: str
    realtime_url: str = ""
    service_role_key: str = ""
    pace: Pace = field(default_factory=Pace)
    rng: random.Random = field(default_factory=random.Random)
    actions_done: int = 0
    _online: dict[str, tuple[AsyncRealtimeClient, AsyncRealtimeChannel]] = field(
        default_factory=dict
    )
    #: the other admins' apps, present on the admins' channel
    _teammates_online: dict[str, tuple[AsyncRealtimeClient, AsyncRealtimeChannel]] = field(
        default_factory=dict
    )

    async def run(self, stop: asyncio.Event) -> None:
        """Act until ``stop`` is set; a failed action is logged and the next one goes on."""
        async with await psycopg.AsyncConnection.connect(self.conninfo, autocommit=True) as db:
            loop = asyncio.get_running_loop()
            next_burst = loop.time() + self.pace.burst_every_s
            next_presence = loop.time()
            next_teammate = loop.time() + self.pace.teammate_every_s / 2
            try:
                while not stop.is_set():
                    now = loop.time()
                    try:
                        if now >= next_burst:
                            await self.burst(db)
                            next_burst = now + self.pace.burst_every_s
                        else:
                            await self.act(db)
                        if self.realtime_url and now >= next_presence:
                            await self.churn_presence(db)
                            next_presence = now + self.pace.presence_every_s
                        if now >= next_teammate:
                            await self.teammate_turn(db)
                            next_teammate = now + self.pace.teammate_every_s
                    except (psycopg.Error, OSError) as err:
                        log.warning("simulated action failed: %s", err)
                    delay = self.rng.expovariate(1 / self.pace.mean_interval_s)
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), timeout=min(delay, 15.0))
            finally:
                await self.all_offline()

    async def act(self, db: psycopg.AsyncConnection[Any]) -> None:
        names = list(ACTION_WEIGHTS)
        name = self.rng.choices(names, weights=[ACTION_WEIGHTS[n] for n in names])[0]
        await getattr(self, name)(db)
        self.actions_done += 1

    async def burst(self, db: psycopg.AsyncConnection[Any]) -> None:
        for _ in range(self.rng.randint(*self.pace.burst_size)):
            await self.new_booking(db)
        self.actions_done += 1

    async def _one(self, db: psycopg.AsyncConnection[Any], sql: str, *args: Any) -> Any:
        row = await (await db.execute(sql, args)).fetchone()
        return None if row is None else row[0]

    def _name(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    async def new_booking(self, db: psycopg.AsyncConnection[Any]) -> None:
        customer = await self._one(
            db, "select id from public.users where role = 'customer' order by random() limit 1"
        )
        pro = await (
            await db.execute(
                "select id, specialty from public.professionals where status = 'approved'"
                " order by random() limit 1"
            )
        ).fetchone()
        if customer is None or pro is None:
            return
        low, high = SERVICES.get(pro[1], (80_000, 300_000))
        price = self.rng.randrange(low, high + 1, 5_000)
        when = datetime.now(UTC) + timedelta(hours=self.rng.randint(2, 240))
        await db.execute(
            "insert into public.bookings (customer_id, professional_id, service, status,"
            " total_price_cop, scheduled_at) values (%s, %s, %s, 'pending', %s, %s)",
            (customer, pro[0], pro[1], price, when),
        )

    async def advance_booking(self, db: psycopg.AsyncConnection[Any]) -> None:
        row = await (
            await db.execute(
                "select id, status from public.bookings"
                " where status in ('pending', 'confirmed', 'in_progress')"
                " order by created_at desc limit 1 offset %s",
                (self.rng.randint(0, 20),),
            )
        ).fetchone()
        if row is None:
            return
        status = "cancelled" if self.rng.random() < CANCEL_SHARE else NEXT_STATUS[row[1]]
        await db.execute(
            "update public.bookings set status = %s, updated_at = now() where id = %s",
            (status, row[0]),
        )

    async def review_booking(self, db: psycopg.AsyncConnection[Any]) -> None:
        booking = await self._one(
            db,
            "select b.id from public.bookings b where b.status = 'completed'"
            " and not exists (select 1 from public.reviews r where r.booking_id = b.id)"
            " order by b.updated_at desc limit 1",
        )
        if booking is None:
            return
        rating = self.rng.choices((1, 2, 3, 4, 5), weights=RATING_WEIGHTS)[0]
        comment = {
            1: "Very disappointed, the job was not done.",
            2: "Arrived late and left a mess.",
            3: "Fine, nothing special.",
            4: "Good work, would book again.",
            5: "Excellent, fast and careful!",
        }[rating]
        await db.execute(
            "insert into public.reviews (booking_id, rating, comment) values (%s, %s, %s)",
            (booking, rating, comment),
        )

    async def sign_up(self, db: psycopg.AsyncConnection[Any]) -> None:
        user_id = uuid.UUID(int=self.rng.getrandbits(128), version=4)
        name = self._name()
        email = f"{name.split()[0].lower()}.{str(user_id)[:8]}@example.co"
        # The profile in public.users comes from the auth.users trigger, as on Supabase.
        await db.execute(
            "insert into auth.users (instance_id, id, aud, role, email, email_confirmed_at,"
            " raw_app_meta_data, raw_user_meta_data, created_at, updated_at)"
            " values ('00000000-0000-0000-0000-000000000000', %s, 'authenticated',"
            " 'authenticated', %s, now(),"
            ' \'{"provider":"email","providers":["email"]}\', %s, now(), now())',
            (user_id, email, Jsonb({"full_name": name, "city": self.rng.choice(CITIES)})),
        )

    async def apply_as_professional(self, db: psycopg.AsyncConnection[Any]) -> None:
        user = await (
            await db.execute(
                "select u.id, u.full_name, u.city from public.users u where u.role = 'customer'"
                " and not exists (select 1 from public.professionals p where p.user_id = u.id)"
                " order by random() limit 1"
            )
        ).fetchone()
        if user is None:
            return
        await db.execute(
            "insert into public.professionals (user_id, full_name, specialty, city, status)"
            " values (%s, %s, %s, %s, 'pending')",
            (user[0], user[1], self.rng.choice(list(SERVICES)), user[2]),
        )

    async def open_dispute(self, db: psycopg.AsyncConnection[Any]) -> None:
        row = await (
            await db.execute(
                "select id, customer_id from public.bookings"
                " where status in ('completed', 'in_progress') order by random() limit 1"
            )
        ).fetchone()
        if row is None:
            return
        await db.execute(
            "insert into public.disputes (booking_id, opened_by, reason, status, priority)"
            " values (%s, %s, %s, 'open', %s)",
            (row[0], row[1], self.rng.choice(DISPUTE_REASONS), self.rng.choice(("medium", "high"))),
        )

    async def escalate_dispute(self, db: psycopg.AsyncConnection[Any]) -> None:
        await db.execute(
            "update public.disputes set priority = 'urgent' where id = ("
            " select id from public.disputes where status = 'open' and priority <> 'urgent'"
            " order by random() limit 1)"
        )

    async def teammate_turn(self, db: psycopg.AsyncConnection[Any]) -> None:
        """One of the other admins steps away or comes back, releases an item they hold, or
        claims a free one."""
        await self._ensure_teammates(db)
        if self.rng.random() < DUTY_SHARE:
            admin = self.rng.choice(list(TEAMMATES))
            status = await self._one(
                db, "select status from public.admin_duty where admin_id = %s", admin
            )
            back = "available" if status == "away" else "away"
            await self._as_admin(db, admin, "admin_set_duty", back)
            return
        held = await (
            await db.execute(
                "select item_type, item_id, holder::text from public.admin_claims"
                " where holder = any(%s::uuid[])",
                (list(TEAMMATES),),
            )
        ).fetchall()
        if held and self.rng.random() < RELEASE_SHARE:
            item_type, item_id, holder = self.rng.choice(held)
            await self._as_admin(db, holder, "admin_release", item_type, item_id)
            return
        free = await (await db.execute(CLAIMABLE_ITEMS)).fetchall()
        if free:
            item_type, item_id = self.rng.choice(free)
            await self._as_admin(
                db, self.rng.choice(list(TEAMMATES)), "admin_claim", item_type, item_id
            )

    async def _as_admin(
        self, db: psycopg.AsyncConnection[Any], admin: str, rpc: str, *args: Any
    ) -> None:
        """Call an admin RPC as PostgREST calls it for that admin's request (role and JWT)."""
        claims = {"sub": admin, "role": "authenticated", "aal": "aal2",
                  "app_metadata": {"role": "admin"}}  # fmt: skip
        async with db.transaction():
            await db.execute(
                "select set_config('role', 'authenticated', true),"
                " set_config('request.jwt.claims', %s, true)",
                (json.dumps(claims),),
            )
            placeholders = ", ".join("%s" for _ in args)
            await db.execute(f"select public.{rpc}({placeholders})".encode(), args)

    async def _ensure_teammates(self, db: psycopg.AsyncConnection[Any]) -> None:
        """The other admins' accounts, as GoTrue writes them (their profiles by trigger);
        a new one comes on duty, and each has their app connected: present on the admins'
        presence channel, as the tray app is, so the demo's "On duty" names them."""
        for admin, name in TEAMMATES.items():
            first = name.split()[0].lower()
            created = await self._one(
                db,
                "insert into auth.users (instance_id, id, aud, role, email, encrypted_password,"
                " email_confirmed_at, raw_app_meta_data, raw_user_meta_data, created_at,"
                " updated_at) values ('00000000-0000-0000-0000-000000000000', %s,"
                " 'authenticated', 'authenticated', %s, '', now(), %s, %s, now(), now())"
                " on conflict (id) do nothing returning id",
                admin,
                f"{first}@lia.test",
                Jsonb({"provider": "email", "providers": ["email"], "role": "admin"}),
                Jsonb({"full_name": name, "city": "Bogotá"}),
            )
            if created is not None:
                await self._as_admin(db, admin, "admin_set_duty", "available")
            if self.realtime_url and admin not in self._teammates_online:
                self._teammates_online[admin] = await self._present(
                    admin, "admins_on_duty", {"admin": admin}
                )

    async def churn_presence(self, db: psycopg.AsyncConnection[Any]) -> None:
        """One simulated customer comes online or goes offline."""
        if self._online and (len(self._online) >= self.pace.max_online or self.rng.random() < 0.4):
            key = self.rng.choice(list(self._online))
            await self._go_offline(key)
            return
        user = await self._one(
            db,
            "select id::text from public.users where role = 'customer' order by random() limit 1",
        )
        if user is None or user in self._online:
            return
        self._online[user] = await self._present(
            user, "online_users", {"user_id": user, "online_at": datetime.now(UTC).isoformat()}
        )

    async def _present(
        self, key: str, topic: str, meta: dict[str, Any]
    ) -> tuple[AsyncRealtimeClient, AsyncRealtimeChannel]:
        """``key`` present on the private presence channel ``topic``, on a socket of its own
        as each person's device has; closing the client ends it."""
        client = AsyncRealtimeClient(
            self.realtime_url, token=self.service_role_key, auto_reconnect=False
        )
        await client.connect()
        options: RealtimeChannelOptions = {
            "config": {
                "private": True,
                "presence": {"key": key, "enabled": True},
                "broadcast": None,
            }
        }
        channel = client.channel(topic, options)
        await channel.subscribe()
        await channel.track(meta)
        return client, channel

    async def _go_offline(self, key: str) -> None:
        client, _ = self._online.pop(key)
        with contextlib.suppress(Exception):
            await client.close()

    async def all_offline(self) -> None:
        for key in list(self._online):
            await self._go_offline(key)
        for client, _ in self._teammates_online.values():
            with contextlib.suppress(Exception):
                await client.close()
        self._teammates_online.clear()
