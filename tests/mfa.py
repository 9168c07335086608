"""Second-factor helpers for the devstack tests: pyotp plays the admin's authenticator app.

An admin is offered enrollment only while the project demands aal2 (otherwise a
password alone signs in), so ``enroll_elsewhere`` turns the switch on for the
enrollment and off again.
"""

from __future__ import annotations

import time

import pyotp

from lia_desktop.services.auth import AuthSession, TotpEnrollment
from tests.fixtures import DevstackProcess, DevstackUser


def wrong(totp: pyotp.TOTP) -> str:
    """Six digits that are none of the codes the server accepts now."""
    valid = {totp.at(time.time() + step * 30) for step in (-1, 0, 1)}
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in valid)


async def offered_enrollment(
    auth: AuthSession, user: DevstackUser
) -> tuple[TotpEnrollment, pyotp.TOTP]:
    """The factor ``auth`` enrolls after ``user``'s password (aal2 demanded, no factor yet),
    not verified yet, and the authenticator app that took its secret."""
    step = await auth.begin_sign_in(user.email, user.password)
    assert step is not None
    assert step.enrollment is not None
    return step.enrollment, pyotp.TOTP(step.enrollment.secret)


async def enrolled(auth: AuthSession, user: DevstackUser) -> pyotp.TOTP:
    """``user`` signed in at aal2 with a factor enrolled through the app's own flow."""
    _, totp = await offered_enrollment(auth, user)
    await auth.verify_code(totp.now())
    return totp


async def enroll_elsewhere(devstack: DevstackProcess, admin: DevstackUser) -> pyotp.TOTP:
    """The admin enrolled a factor earlier (the switch on, on another computer)."""
    with devstack.aal2_demanded():
        auth = await AuthSession.open(devstack.api_url, devstack.anon_key, persist=False)
        totp = await enrolled(auth, admin)
        await auth.sign_out()
        await auth.close()
    return totp
