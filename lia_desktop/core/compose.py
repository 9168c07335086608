"""A notification's title and body in the admin's language, composed from its type and metadata.

The database triggers (supabase/migrations) write an English title and body
*and* the facts they were made from (``metadata``). Composing on the client
from the facts makes the same row read right in Spanish and in English, and
follow a language change at once. The server's text stays the fallback: a
body whose metadata lacks what its sentence needs (an older row, a trigger
changed on the server, a backlog page fetched without metadata) is shown as
the server wrote it.

What customers wrote (names, reasons, comments, cities) is plain text: every
metadata string goes through ``core.text.plain`` (one line, bounded) before it
is placed in a sentence, exactly as the server's title and body are when the
wire is parsed. Titles depend only on the type and priority, so every row
gets one in the admin's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from lia_desktop.core import format as fmt
from lia_desktop.core import text
from lia_desktop.core.i18n import Translate
from lia_desktop.core.models import Notification, NotificationType, Priority

_T = NotificationType
#: Bounds of the customer's words inside a sentence (the triggers' own: reason 120, comment 100).
NAME_CHARS = 100
REASON_CHARS = 120
COMMENT_CHARS = 100


def title(translate: Translate, n: Notification) -> str:
    """``New booking``, ``Dispute escalated``, ``Low rating``…: from the type and priority
    (the triggers' rule: a review is "low" at 2 stars or fewer, high priority; a professional
    added with another status than pending is low priority)."""
    match n.type:
        case _T.BOOKING_CREATED:
            return translate("Notification", "New booking")
        case _T.BOOKING_CANCELLED:
            return translate("Notification", "Booking cancelled")
        case _T.DISPUTE_OPENED:
            return translate("Notification", "New dispute")
        case _T.DISPUTE_ESCALATED:
            return translate("Notification", "Dispute escalated")
        case _T.PROFESSIONAL_APPLIED if n.priority is Priority.LOW:
            return translate("Notification", "New professional")
        case _T.PROFESSIONAL_APPLIED:
            return translate("Notification", "New professional application")
        case _T.REVIEW_CREATED if n.priority >= Priority.HIGH:
            return translate("Notification", "Low rating")
        case _T.REVIEW_CREATED:
            return translate("Notification", "New review")
        case _:  # _T.USER_SIGNED_UP
            return translate("Notification", "New sign-up")


def body(translate: Translate, n: Notification) -> str:
    """The one-line body in the admin's language, or the server's when the metadata does not
    have what the sentence needs."""
    composed = _compose_body(translate, n.type, n.metadata)
    if composed is None:
        return n.body
    return text.plain(composed, text.MAX_BODY_CHARS, one_line=True)


def service_name(translate: Translate, service: str) -> str:
    """A service of the marketplace's catalog (supabase/seed.sql, the demo's simulator) in the
    admin's language; any other service as the server wrote it."""
    match service:
        case "Plumbing":
            return translate("Service", "Plumbing")
        case "Electrician":
            return translate("Service", "Electrician")
        case "Cleaning":
            return translate("Service", "Cleaning")
        case "House cleaning":
            return translate("Service", "House cleaning")
        case "Painting":
            return translate("Service", "Painting")
        case "Carpentry":
            return translate("Service", "Carpentry")
        case "Appliance repair":
            return translate("Service", "Appliance repair")
        case "Gardening":
            return translate("Service", "Gardening")
        case "Locksmith":
            return translate("Service", "Locksmith")
        case "AC maintenance":
            return translate("Service", "AC maintenance")
        case _:
            return service


def professional_status(translate: Translate, status: str) -> str:
    """A professional's status (the ``professionals.status`` check) in the admin's language."""
    match status:
        case "pending":
            return translate("Notification", "pending", "professional status")
        case "approved":
            return translate("Notification", "approved", "professional status")
        case "rejected":
            return translate("Notification", "rejected", "professional status")
        case "suspended":
            return translate("Notification", "suspended", "professional status")
        case _:
            return status


def _compose_body(
    translate: Translate, kind: NotificationType, meta: Mapping[str, Any]
) -> str | None:
    match kind:
        case _T.BOOKING_CREATED:
            return _booking_created(translate, meta)
        case _T.BOOKING_CANCELLED:
            return _booking_cancelled(translate, meta)
        case _T.DISPUTE_OPENED | _T.DISPUTE_ESCALATED:
            return _dispute(translate, meta)
        case _T.PROFESSIONAL_APPLIED:
            return _professional(translate, meta)
        case _T.REVIEW_CREATED:
            return _review(translate, meta)
        case _:  # _T.USER_SIGNED_UP: a name and a city, no words of the app's own
            return _sign_up(meta)


def _words(meta: Mapping[str, Any], key: str, limit: int = NAME_CHARS) -> str | None:
    """A metadata string made plain (one line, at most ``limit`` characters); None if absent
    or blank."""
    value = meta.get(key)
    if not isinstance(value, str):
        return None
    return text.plain(value, limit, one_line=True) or None


def _count(meta: Mapping[str, Any], key: str) -> int | None:
    value = meta.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _customer(translate: Translate, meta: Mapping[str, Any]) -> str:
    return _words(meta, "customer_name") or translate("Notification", "A customer")


def _booking_created(translate: Translate, meta: Mapping[str, Any]) -> str | None:
    service, price = _words(meta, "service"), _count(meta, "total_price_cop")
    if service is None or price is None:
        return None
    values = {
        "customer": _customer(translate, meta),
        "service": service_name(translate, service),
        "professional": _words(meta, "professional_name"),
        "price": fmt.cop(price),
    }
    if values["professional"] is None:
        return translate("Notification", "{customer} booked {service} · {price}").format(**values)
    return translate(
        "Notification", "{customer} booked {service} with {professional} · {price}"
    ).format(**values)


def _booking_cancelled(translate: Translate, meta: Mapping[str, Any]) -> str | None:
    service = _words(meta, "service")
    if service is None:
        return None
    what = service_name(translate, service)
    professional = _words(meta, "professional_name")
    if professional is not None:
        what = translate("Notification", "{service} with {professional}").format(
            service=what, professional=professional
        )
    parts = [_customer(translate, meta), what]
    scheduled = _time(meta.get("scheduled_at"))
    if scheduled is not None:
        parts.append(fmt.date_time(translate, scheduled.astimezone(fmt.MARKETPLACE_TZ)))
    return " · ".join(parts)


def _dispute(translate: Translate, meta: Mapping[str, Any]) -> str | None:
    booking, reason = _count(meta, "booking_id"), _words(meta, "reason", REASON_CHARS)
    if booking is None or reason is None:
        return None
    return translate("Notification", "Booking #{booking} · {reason}").format(
        booking=booking, reason=reason
    )


def _professional(translate: Translate, meta: Mapping[str, Any]) -> str | None:
    name, specialty = _words(meta, "full_name"), _words(meta, "specialty")
    status = _words(meta, "status")
    if name is None or specialty is None or status is None:
        return None
    where = service_name(translate, specialty)
    city = _words(meta, "city")
    if city is not None:
        where = f"{where} ({city})"
    if status == "pending":
        return translate("Notification", "{name} applied as {specialty}").format(
            name=name, specialty=where
        )
    return translate("Notification", "{name} added as {specialty} · {status}").format(
        name=name, specialty=where, status=professional_status(translate, status)
    )


def _review(translate: Translate, meta: Mapping[str, Any]) -> str | None:
    rating = _count(meta, "rating")
    if rating is None:
        return None
    subject = _words(meta, "subject")
    booking = _count(meta, "booking_id")
    if subject is not None:
        about = service_name(translate, subject)
    elif booking is not None:
        about = translate("Notification", "booking #{booking}").format(booking=booking)
    else:
        return None
    sentence = translate("Notification", "{rating}★ for {subject}").format(
        rating=rating, subject=about
    )
    comment = _words(meta, "comment", COMMENT_CHARS)
    return sentence if comment is None else f"{sentence}: {comment}"


def _sign_up(meta: Mapping[str, Any]) -> str | None:
    who = _words(meta, "full_name") or _words(meta, "email")
    if who is None:
        return None
    city = _words(meta, "city")
    return who if city is None else f"{who}, {city}"


def _time(value: object) -> datetime | None:
    """An ISO-8601 time with its offset (as jsonb writes timestamptz), else None."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None
