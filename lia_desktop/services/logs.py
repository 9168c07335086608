"""Logs that are safe to attach to a bug report, crash files, and services that restart.

Every log record is redacted when it is created (a record factory), before any
logger, handler or formatter sees it, so no library's debug line can put an
access token, refresh token, password or API key into the rotating file in
``user_log_dir("lia-desktop")``. Crash reports go through the same redaction.
"""

from __future__ import annotations

import asyncio
import logging
import logging.handlers
import os
import platform
import re
import sys
import threading
import time
import traceback
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import platformdirs

from lia_desktop.core.backoff import BackoffPolicy, noise

APP_DIR_NAME = "lia-desktop"
LOG_FILE = "lia-desktop.log"
MAX_BYTES = 1_000_000
BACKUPS = 5
KEEP_CRASH_REPORTS = 20
REDACTED = "[REDACTED]"

log = logging.getLogger(__name__)

_LINE_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": " ", "\u2028": "\\n", "\u2029": "\\n"}
# A JWT: base64url header and payload (both JSON objects, so both start "eyJ") and a signature.
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{2,}\.eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*")
_SECRET_KEYS = (
    r"refresh_token|access_token|provider_token|provider_refresh_token|id_token|token"
    r"|password|passwd|pwd|secret|client_secret|api[_-]?key|authorization"
    r"|x-api-key|x-refresh-token|service_role_key|anon_key"
)
# key, optional closing quote (maybe JSON-escaped), ":" or "=", then a quoted value or a bare
# one together with its scheme word ("Bearer ...").
_KEY_VALUE = re.compile(
    rf"""(?ix)
    (?P<key>\b(?:{_SECRET_KEYS})\b\\?["']?\s*[:=]\s*)
    (?!\\?["']?\[REDACTED\])  # already done: keeps redact() idempotent
    (?:
        \\"(?:[^\\]|\\[^"])*?\\"
      | "(?:[^"\\]|\\.)*"
      | '(?:[^'\\]|\\.)*'
      | (?:(?:bearer|basic|token)\s+)?[^\s&,;"'}}\]\)\\]+
    )
    """
)
# user:password@ in a URL (postgresql://, https://).
_URL_PASSWORD = re.compile(r"(?P<head>\b[a-z][a-z0-9+.-]*://[^/\s:@]+:)[^@\s/]+(?=@)", re.I)
# A bare Authorization header value: "Bearer <anything>" even without the key.
_BEARER = re.compile(r"\b(?P<scheme>Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}")


def _keep_quotes(match: re.Match[str]) -> str:
    value = match.group(0)[len(match.group("key")) :]
    quote = next((q for q in ('\\"', '"', "'") if value.startswith(q)), "")
    return f"{match.group('key')}{quote}{REDACTED}{quote}"


def redact(text: str) -> str:
    """``text`` with tokens, passwords, API keys and Authorization values replaced."""
    text = _KEY_VALUE.sub(_keep_quotes, text)
    text = _URL_PASSWORD.sub(lambda m: m.group("head") + REDACTED, text)
    text = _JWT.sub(REDACTED, text)
    return _BEARER.sub(lambda m: f"{m.group('scheme')} {REDACTED}", text)


def _one_line(message: str) -> str:
    """One record, one line: text a customer wrote (a notification body in an error) cannot
    forge log lines with line breaks, nor hide text with bidi overrides (core.text's rule)."""
    if message.isprintable():
        return message
    return "".join(
        _LINE_ESCAPES.get(char, char)
        for char in message
        if char in _LINE_ESCAPES or unicodedata.category(char) not in ("Cf", "Cc")
    )


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """Merge the arguments into the message, redacted, and pre-render a redacted traceback.

    Idempotent: the factory and the handlers' filter may both see a record.
    """
    try:
        message = record.getMessage()
    except Exception:  # a malformed call must not raise into the caller
        message = f"{record.msg!r} (log arguments did not fit: {record.args!r})"
    record.msg = redact(_one_line(message))
    record.args = None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    return record


class RedactionFilter(logging.Filter):
    """For handlers: also catches records made without the factory (``makeLogRecord``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


def install_redaction() -> None:
    """Wrap the log record factory once, so every record of every logger is redacted at birth."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "lia_redacting", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return redact_record(previous(*args, **kwargs))

    factory.lia_redacting = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_DIR_NAME, appauthor=False))


def configure_logging(
    directory: Path | None = None, level: int = logging.INFO, console: bool = False
) -> Path:
    """Root logger -> rotating file (1 MB x 5) in ``directory``; returns the file's path.

    Safe to call again (e.g. after the settings change the level): it replaces its handlers.
    """
    install_redaction()
    directory = directory if directory is not None else log_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / LOG_FILE
    handlers: list[logging.Handler] = [
        logging.handlers.RotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
        )
    ]
    if console:
        handlers.append(logging.StreamHandler())
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s")
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == APP_DIR_NAME]:  # called again: replace
        root.removeHandler(old)
        old.close()
    for handler in handlers:
        handler.set_name(APP_DIR_NAME)
        handler.setFormatter(formatter)
        handler.addFilter(RedactionFilter())
        root.addHandler(handler)
    root.setLevel(level)
    logging.captureWarnings(True)
    return path


# --- crash reports -----------------------------------------------------------------------

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


@dataclass
class CrashReporter:
    """Writes ``crash-<time>-<pid>-<n>.txt`` (redacted) into the log folder, keeping the last 20."""

    directory: Path
    version: str
    clock: Callable[[], float] = time.time
    written: int = field(default=0, init=False)

    def write(self, exc: BaseException, context: str) -> Path:
        stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(self.clock()))
        self.written += 1
        path = self.directory / f"crash-{stamp}-{os.getpid()}-{self.written}.txt"
        report = "".join(
            [
                f"LIA Desktop {self.version} crash report\n",
                f"when: {stamp} UTC\ncontext: {context}\n",
                f"python: {sys.version.split()[0]} on {platform.platform()}\n",
                f"thread: {threading.current_thread().name}\n\n",
                *traceback.format_exception(type(exc), exc, exc.__traceback__),
            ]
        )
        self.directory.mkdir(parents=True, exist_ok=True)
        path.write_text(redact(report), encoding="utf-8")
        self._prune()
        log.critical("unhandled %s in %s; report: %s", type(exc).__name__, context, path)
        return path

    def _prune(self) -> None:
        reports = sorted(self.directory.glob("crash-*.txt"), key=lambda p: p.stat().st_mtime)
        for old in reports[:-KEEP_CRASH_REPORTS]:
            old.unlink(missing_ok=True)

    # The three places an exception can escape to; each keeps the default behaviour otherwise.

    def excepthook(
        self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        self.write(exc.with_traceback(tb), "main thread")

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or issubclass(args.exc_type, SystemExit):
            return
        name = args.thread.name if args.thread is not None else "unknown"
        self.write(args.exc_value, f"thread {name}")

    def asyncio_handler(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        if isinstance(exc, BaseException):
            self.write(exc, f"asyncio: {context.get('message', 'unhandled exception')}")
        else:
            loop.default_exception_handler(context)

    def install(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        """Route unhandled exceptions of the process (and of ``loop``, if given) here."""
        sys.excepthook = self.excepthook
        threading.excepthook = self.thread_excepthook
        if loop is not None:
            loop.set_exception_handler(self.asyncio_handler)


# --- services that restart instead of dying -----------------------------------------------


SERVICE_RESTART = BackoffPolicy(initial=1.0, cap=60.0, reset_after_healthy=60.0)


async def restart_on_crash(
    name: str,
    service: Callable[[], Awaitable[None]],
    reporter: CrashReporter,
    policy: BackoffPolicy = SERVICE_RESTART,
    seed: int = 0,
    monotonic: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> None:
    """Run ``service()`` until it returns; each crash is reported, then it restarts after a backoff.

    A run that lasted ``policy.reset_after_healthy`` seconds resets the backoff, so a
    service that fails once a day restarts at once while a crash loop slows down.
    Cancellation (the app quitting) passes through untouched.
    """
    attempt = 0
    while True:
        started = monotonic()
        try:
            await service()
            return
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            reporter.write(exc, f"service {name}")
        attempt = 1 if monotonic() - started >= policy.reset_after_healthy else attempt + 1
        delay = policy.delay(attempt, noise(seed, attempt))
        log.warning("service %s restarts in %.1f s (attempt %d)", name, delay, attempt)
        await sleep(delay)
