"""``lia-desktop doctor`` / ``watch`` as subprocesses of the installed entry point.

The environment is this process's minus any ``LIA_*`` variable (a developer's
``$LIA_ADMIN_PASSWORD`` must not leak into a test), plus what the test passes.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LIA_DESKTOP = str(Path(sys.executable).with_name("lia-desktop"))


def command_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIA_")}
    # the test keyring's file is not the app's configuration: keep it
    if "LIA_TEST_KEYRING_FILE" in os.environ:
        env["LIA_TEST_KEYRING_FILE"] = os.environ["LIA_TEST_KEYRING_FILE"]
    return {**env, **extra}


@dataclass
class Finished:
    code: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        return self.stdout.splitlines()


async def lia_desktop(
    *args: str, env: dict[str, str] | None = None, stdin: str | None = None, within: float = 90
) -> Finished:
    """Run ``lia-desktop ARGS`` to completion; ``stdin`` is piped in (else /dev/null)."""
    process = await asyncio.create_subprocess_exec(
        LIA_DESKTOP,
        *args,
        stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env if env is not None else command_env(),
    )
    out, err = await asyncio.wait_for(
        process.communicate(None if stdin is None else stdin.encode()), within
    )
    assert process.returncode is not None
    return Finished(process.returncode, out.decode(), err.decode())


def connection_args(url: str, anon_key: str, email: str) -> list[str]:
    return ["--url", url, "--anon-key", anon_key, "--email", email]


@dataclass
class Watch:
    """A running ``lia-desktop watch``: its JSON lines as they come, stopped with SIGTERM."""

    process: asyncio.subprocess.Process
    events: list[dict[str, Any]] = field(default_factory=list)
    stderr: str = ""

    @classmethod
    async def start(
        cls, *args: str, env: dict[str, str] | None = None, stdin: str | None = None
    ) -> Watch:
        process = await asyncio.create_subprocess_exec(
            LIA_DESKTOP,
            "watch",
            *args,
            stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=env if env is not None else command_env(),
        )
        if stdin is not None:
            assert process.stdin is not None
            process.stdin.write(stdin.encode())
            await process.stdin.drain()
            process.stdin.close()
        return cls(process)

    async def until(
        self, predicate: Callable[[dict[str, Any]], bool], within: float = 60
    ) -> dict[str, Any]:
        """Read lines until one satisfies ``predicate``; that event (AssertionError at EOF)."""
        assert self.process.stdout is not None
        async with asyncio.timeout(within):
            while raw := await self.process.stdout.readline():
                event = json.loads(raw)
                self.events.append(event)
                if predicate(event):
                    return event
        await self.process.wait()
        assert self.process.stderr is not None
        self.stderr += (await self.process.stderr.read()).decode()
        raise AssertionError(f"watch ended first; events {self.events[-5:]}, {self.stderr}")

    async def until_live(self, within: float = 60) -> dict[str, Any]:
        """Live and caught up: the first catch-up's ``feed`` line (what commits before it, on a
        first run, is the backlog it lists rather than news it prints)."""
        await self.until(lambda e: e["kind"] == "connection" and e["phase"] == "live", within)
        return await self.until(lambda e: e["kind"] == "feed", within)

    async def stop(self, within: float = 30) -> int:
        """SIGTERM (what ``systemctl stop`` or ``kill`` sends), then the rest of the output."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        assert self.process.stdout is not None
        assert self.process.stderr is not None
        out, err = await asyncio.wait_for(
            asyncio.gather(self.process.stdout.read(), self.process.stderr.read()), within
        )
        self.events.extend(json.loads(line) for line in out.decode().splitlines())
        self.stderr += err.decode()
        return await asyncio.wait_for(self.process.wait(), within)
