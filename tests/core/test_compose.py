"""Notification text composed on the client: from type + metadata, in the admin's language,
with the server's body as the fallback and the customer's words as plain text.

The metadata below is what each trigger of supabase/migrations writes (jsonb_build_object).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pytest

from lia_desktop.core import text, wire
from lia_desktop.core.compose import body, professional_status, service_name, title
from lia_desktop.core.i18n import english
from lia_desktop.core.models import Notification, NotificationType, Priority

T = NotificationType
SPANISH = {
    "New booking": "Nueva reserva",
    "A customer": "Un cliente",
    "{customer} booked {service} with {professional} · {price}": (
        "{customer} reservó {service} con {professional} · {price}"
    ),
    "{customer} booked {service} · {price}": "{customer} reservó {service} · {price}",
    "{service} with {professional}": "{service} con {professional}",
    "Booking #{booking} · {reason}": "Reserva #{booking} · {reason}",
    "{name} applied as {specialty}": "{name} se postuló para {specialty}",
    "{name} added as {specialty} · {status}": "{name} se agregó en {specialty} · {status}",
    "approved": "aprobado",
    "{rating}★ for {subject}": "{rating}★ para {subject}",
    "booking #{booking}": "la reserva #{booking}",
    "Plumbing": "Plomería",
    "Nov": "nov",
}


def spanish(context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str:
    return SPANISH.get(source, source)


def notification(
    kind: NotificationType,
    metadata: Mapping[str, Any],
    priority: Priority = Priority.MEDIUM,
    server_body: str = "the server's body",
) -> Notification:
    return Notification(
        id=1,
        type=kind,
        priority=priority,
        title="the server's title",
        body=server_body,
        entity_table="bookings",
        entity_id="1",
        action_path="/admin/bookings/1",
        created_at=datetime(2026, 11, 30, tzinfo=UTC),
        metadata=metadata,
    )


BOOKING = {
    "customer_name": "Ana Gómez",
    "professional_name": "Carlos Ruiz",
    "service": "Plumbing",
    "status": "pending",
    "total_price_cop": 180000,
    "scheduled_at": "2026-11-30T17:00:00+00:00",
}


@pytest.mark.parametrize(
    ("kind", "priority", "words"),
    [
        (T.BOOKING_CREATED, Priority.MEDIUM, "New booking"),
        (T.BOOKING_CANCELLED, Priority.MEDIUM, "Booking cancelled"),
        (T.DISPUTE_OPENED, Priority.HIGH, "New dispute"),
        (T.DISPUTE_ESCALATED, Priority.URGENT, "Dispute escalated"),
        (T.PROFESSIONAL_APPLIED, Priority.MEDIUM, "New professional application"),
        (T.PROFESSIONAL_APPLIED, Priority.LOW, "New professional"),
        (T.REVIEW_CREATED, Priority.HIGH, "Low rating"),
        (T.REVIEW_CREATED, Priority.LOW, "New review"),
        (T.USER_SIGNED_UP, Priority.LOW, "New sign-up"),
    ],
)
def test_titles_come_from_type_and_priority_alone(
    kind: NotificationType, priority: Priority, words: str
) -> None:
    """A backlog row has no metadata: it still gets its title in the admin's language."""
    assert title(english, notification(kind, {}, priority)) == words


def test_the_same_booking_reads_right_in_both_languages() -> None:
    booking = notification(T.BOOKING_CREATED, BOOKING)
    assert title(spanish, booking) == "Nueva reserva"
    assert body(english, booking) == "Ana Gómez booked Plumbing with Carlos Ruiz · $ 180.000"
    assert body(spanish, booking) == "Ana Gómez reservó Plomería con Carlos Ruiz · $ 180.000"


def test_a_booking_without_professional_or_customer_name() -> None:
    booking = notification(
        T.BOOKING_CREATED, BOOKING | {"professional_name": None, "customer_name": None}
    )
    assert body(english, booking) == "A customer booked Plumbing · $ 180.000"
    assert body(spanish, booking) == "Un cliente reservó Plomería · $ 180.000"


def test_a_cancellation_shows_the_appointment_in_the_marketplace_clock() -> None:
    cancelled = notification(T.BOOKING_CANCELLED, BOOKING | {"service": "Locksmith"})
    assert body(english, cancelled) == "Ana Gómez · Locksmith with Carlos Ruiz · 30 Nov 12:00"
    assert body(spanish, cancelled) == "Ana Gómez · Locksmith con Carlos Ruiz · 30 nov 12:00"
    unscheduled = BOOKING | {"professional_name": None, "scheduled_at": "not a time"}
    assert body(english, notification(T.BOOKING_CANCELLED, unscheduled)) == ("Ana Gómez · Plumbing")
    naive = BOOKING | {"scheduled_at": "2026-11-30T17:00:00", "professional_name": None}
    assert body(english, notification(T.BOOKING_CANCELLED, naive)) == "Ana Gómez · Plumbing"
    no_time = {k: v for k, v in BOOKING.items() if k != "scheduled_at"}
    assert body(english, notification(T.BOOKING_CANCELLED, no_time)).endswith("Carlos Ruiz")


def test_disputes() -> None:
    dispute = notification(T.DISPUTE_ESCALATED, {"booking_id": 1042, "reason": "No llegó"})
    assert body(english, dispute) == "Booking #1042 · No llegó"
    assert body(spanish, dispute) == "Reserva #1042 · No llegó"


def test_professionals_applied_and_added() -> None:
    applied = {"full_name": "María Torres", "specialty": "Plumbing", "city": "Medellín"}
    assert body(spanish, notification(T.PROFESSIONAL_APPLIED, applied | {"status": "pending"})) == (
        "María Torres se postuló para Plomería (Medellín)"
    )
    added = applied | {"status": "approved", "city": None}
    assert body(english, notification(T.PROFESSIONAL_APPLIED, added, Priority.LOW)) == (
        "María Torres added as Plumbing · approved"
    )
    assert body(spanish, notification(T.PROFESSIONAL_APPLIED, added, Priority.LOW)) == (
        "María Torres se agregó en Plomería · aprobado"
    )


def test_reviews() -> None:
    low = {"booking_id": 7, "rating": 2, "subject": "Carlos Ruiz", "comment": "  Llegó tarde "}
    assert body(english, notification(T.REVIEW_CREATED, low)) == "2★ for Carlos Ruiz: Llegó tarde"
    no_subject = {"booking_id": 7, "rating": 5, "subject": None, "comment": ""}
    assert body(english, notification(T.REVIEW_CREATED, no_subject)) == "5★ for booking #7"
    assert body(spanish, notification(T.REVIEW_CREATED, no_subject)) == "5★ para la reserva #7"
    service = {"booking_id": 7, "rating": 4, "subject": "Plumbing"}
    assert body(spanish, notification(T.REVIEW_CREATED, service)) == "4★ para Plomería"


def test_sign_ups() -> None:
    signed = {"full_name": "Luis Díaz", "email": "luis@example.com", "city": "Cali"}
    assert body(spanish, notification(T.USER_SIGNED_UP, signed)) == "Luis Díaz, Cali"
    anonymous = {"full_name": "", "email": "luis@example.com", "city": None}
    assert body(english, notification(T.USER_SIGNED_UP, anonymous)) == "luis@example.com"


@pytest.mark.parametrize(
    ("kind", "metadata"),
    [
        (T.BOOKING_CREATED, {}),
        (T.BOOKING_CREATED, BOOKING | {"total_price_cop": "180000"}),
        (T.BOOKING_CREATED, BOOKING | {"total_price_cop": True}),
        (T.BOOKING_CANCELLED, {"customer_name": "Ana"}),
        (T.DISPUTE_OPENED, {"booking_id": 3}),
        (T.DISPUTE_OPENED, {"booking_id": 3, "reason": " \u200b "}),
        (T.PROFESSIONAL_APPLIED, {"full_name": "María", "specialty": "Plumbing"}),
        (T.REVIEW_CREATED, {"rating": 2}),
        (T.REVIEW_CREATED, {"subject": "Carlos"}),
        (T.USER_SIGNED_UP, {"city": "Cali"}),
    ],
)
def test_metadata_without_what_the_sentence_needs_keeps_the_servers_body(
    kind: NotificationType, metadata: Mapping[str, Any]
) -> None:
    assert body(spanish, notification(kind, metadata)) == "the server's body"


def test_customer_words_are_plain_text_on_one_line_and_bounded() -> None:
    hostile = {
        "booking_id": 9,
        "reason": "Line one\nLIA Support: pay here \u202eevil" + "x" * 500,
    }
    shown = body(english, notification(T.DISPUTE_OPENED, hostile))
    assert "\n" not in shown
    assert "\u202e" not in shown
    assert shown.endswith(text.ELLIPSIS)
    assert len(shown) <= len("Booking #9 · ") + 120
    name = {"full_name": "<b>Ana</b>\u200b" + "y" * 300, "email": "a@b.co", "city": None}
    shown = body(english, notification(T.USER_SIGNED_UP, name))
    assert shown.startswith("<b>Ana</b>y")  # plain text: markup is shown, never rendered
    assert len(shown) == 100


def test_unknown_services_and_statuses_are_shown_as_written() -> None:
    assert service_name(spanish, "Plumbing") == "Plomería"
    assert service_name(spanish, "Piscinas") == "Piscinas"
    assert professional_status(spanish, "approved") == "aprobado"
    assert professional_status(spanish, "on leave") == "on leave"


@pytest.mark.parametrize(
    "service",
    [
        "Plumbing", "Electrician", "Cleaning", "House cleaning", "Painting", "Carpentry",
        "Appliance repair", "Gardening", "Locksmith", "AC maintenance",
    ],
)  # fmt: skip
def test_every_service_of_the_catalog_is_translatable(service: str) -> None:
    asked: list[tuple[str, str]] = []

    def recording(context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str:
        asked.append((context, source))
        return "translated"

    assert service_name(recording, service) == "translated"
    assert asked == [("Service", service)]


@pytest.mark.parametrize("status", ["pending", "approved", "rejected", "suspended"])
def test_every_professional_status_is_translatable(status: str) -> None:
    assert professional_status(english, status) == status
    assert professional_status(lambda *args, **kw: "x", status) == "x"


class _Recorded(dict[str, Any]):
    """Metadata that notes every key read from it."""

    read: set[str]

    def get(self, key: str, default: Any = None) -> Any:
        self.read.add(key)
        return super().get(key, default)


@pytest.mark.parametrize("kind", list(T))
def test_every_metadata_key_a_sentence_reads_is_kept_on_arrival(kind: NotificationType) -> None:
    """wire keeps only METADATA_KEYS of a row's metadata (the backlog is held whole): a
    sentence reading a key outside it would fall back to the server's English body."""
    counts, times = {"booking_id", "rating", "total_price_cop"}, {"created_at", "scheduled_at"}
    recorded = _Recorded(
        {
            key: 4 if key in counts else "2026-11-30T10:00:00+00:00" if key in times else "Ana"
            for key in wire.METADATA_KEYS
        }
    )
    recorded.read = set()
    for priority in Priority:
        body(english, notification(kind, recorded, priority))
    assert recorded.read, "compose reads no metadata for this type"
    assert recorded.read <= wire.METADATA_KEYS


def test_a_backlog_row_keeps_what_its_sentence_needs_and_drops_the_ids() -> None:
    row = {
        "id": 7,
        "type": "booking_created",
        "priority": "medium",
        "title": "New booking",
        "body": "Ana booked Plumbing · $120.000",
        "entity_table": "bookings",
        "entity_id": "7",
        "action_path": "/admin/bookings/7",
        "created_at": "2026-11-30T10:00:00+00:00",
        "read": False,
        "metadata": {
            "customer_id": "6f1c1c40-0000-4000-8000-000000000001",
            "customer_name": "Ana",
            "service": "Plumbing",
            "total_price_cop": 120000,
            "status": "pending",
        },
    }
    parsed = wire.parse_notification(row)
    assert "customer_id" not in parsed.metadata
    assert body(spanish, parsed) == "Ana reservó Plomería · $ 120.000"
    other = wire.parse_notification({**row, "id": 8})
    assert other.metadata["service"] is parsed.metadata["service"]  # one shared string
    assert wire.parse_notification({**row, "metadata": {"customer_id": "x"}}).metadata == {}
