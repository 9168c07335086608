"""SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL speaks it, without channel binding.

The devstack's cluster authenticates every connection with its role's password
(issue 13: trust let any local user in as superuser). libpq does SCRAM for
psycopg, but two parts of the devstack need it themselves:

* the Realtime replication session speaks the wire protocol directly (psycopg
  cannot drive COPY BOTH), so it runs the client side of the exchange
  (:class:`ScramClient`);
* passwords are set as SCRAM verifiers (:func:`verifier`), never as plain
  text, so neither the server log nor a single-user-mode session ever sees
  the password itself.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

MECHANISM = "SCRAM-SHA-256"
#: PostgreSQL's default ``scram_iterations``.
ITERATIONS = 4096
_GS2_HEADER = "n,,"  # no channel binding, no authzid


class ScramError(ValueError):
    """The server's SCRAM messages are malformed or its signature does not verify."""


def _hmac(key: bytes, message: bytes) -> bytes:
    return hmac.new(key, message, hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _salted(password: str, salt: bytes, iterations: int) -> bytes:
    # PostgreSQL SASLprep-normalises passwords; ours are ASCII (token_urlsafe), which it keeps.
    return hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)


def verifier(password: str, *, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    """The ``SCRAM-SHA-256$<iter>:<salt>$<StoredKey>:<ServerKey>`` form ``pg_authid`` stores.

    ``ALTER ROLE ... PASSWORD '<verifier>'`` stores it as is, like libpq's
    ``PQencryptPasswordConn`` does on the client side.
    """
    salt = salt if salt is not None else secrets.token_bytes(16)
    salted = _salted(password, salt, iterations)
    stored_key = hashlib.sha256(_hmac(salted, b"Client Key")).digest()
    server_key = _hmac(salted, b"Server Key")
    return f"{MECHANISM}${iterations}:{_b64(salt)}${_b64(stored_key)}:{_b64(server_key)}"


def _attributes(message: str) -> dict[str, str]:
    parts = {}
    for item in message.split(","):
        key, sep, value = item.partition("=")
        if not sep or len(key) != 1:
            raise ScramError(f"malformed SCRAM message: {message!r}")
        parts[key] = value
    return parts


class ScramClient:
    """One client-side exchange: :meth:`first`, :meth:`final`, then :meth:`verify`.

    PostgreSQL ignores the user name in the SCRAM messages (the startup packet
    names the role), so it is sent empty by default, as libpq does.
    """

    def __init__(self, password: str, *, nonce: str | None = None, username: str = "") -> None:
        self._password = password
        self._nonce = nonce or secrets.token_urlsafe(18)
        self._first_bare = f"n={username},r={self._nonce}"
        self._server_signature: bytes | None = None

    def first(self) -> bytes:
        """client-first-message."""
        return (_GS2_HEADER + self._first_bare).encode()

    def final(self, server_first: bytes) -> bytes:
        """client-final-message, with the proof, for the server-first-message."""
        text = server_first.decode()
        attrs = _attributes(text)
        try:
            nonce, salt, iterations = attrs["r"], base64.b64decode(attrs["s"]), int(attrs["i"])
        except (KeyError, ValueError) as err:
            raise ScramError(f"malformed server-first-message: {text!r}") from err
        if not nonce.startswith(self._nonce) or iterations < 1:
            raise ScramError("the server's nonce does not extend ours")
        salted = _salted(self._password, salt, iterations)
        client_key = _hmac(salted, b"Client Key")
        stored_key = hashlib.sha256(client_key).digest()
        without_proof = f"c={_b64(_GS2_HEADER.encode())},r={nonce}"
        auth_message = f"{self._first_bare},{text},{without_proof}".encode()
        signature = _hmac(stored_key, auth_message)
        proof = bytes(a ^ b for a, b in zip(client_key, signature, strict=True))
        self._server_signature = _hmac(_hmac(salted, b"Server Key"), auth_message)
        return f"{without_proof},p={_b64(proof)}".encode()

    def verify(self, server_final: bytes) -> None:
        """Check the server-final-message: the server must know the password too."""
        attrs = _attributes(server_final.decode())
        if "e" in attrs:
            raise ScramError(f"the server refused the exchange: {attrs['e']}")
        if self._server_signature is None or not hmac.compare_digest(
            base64.b64decode(attrs.get("v", "")), self._server_signature
        ):
            raise ScramError("the server's signature does not verify")
