"""Running processes in their own process groups, with their output in one log."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

import httpx

from pingan_dev.logmux import LogMux

STOP_GRACE_SECONDS = 10.0
_LINE_LIMIT = 4 * 1024 * 1024  # a long traceback or JSON line must not break the reader


class Supervisor:
    """Starts shell commands in new sessions, pumps their output, and stops them all together."""

    def __init__(self, mux: LogMux, env: Mapping[str, str], cwd: Path) -> None:
        self.mux = mux
        self.env = dict(env)
        self.cwd = cwd
        self.processes: dict[str, asyncio.subprocess.Process] = {}
        self._pumps: dict[str, asyncio.Task[None]] = {}
        self.tails: dict[str, list[str]] = {}

    async def spawn(self, name: str, command: str) -> asyncio.subprocess.Process:
        """Start command with /bin/sh in its own process group; its lines go to the log as name."""
        process = await asyncio.create_subprocess_exec(
            "/bin/sh",
            "-c",
            command,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            env=self.env,
            cwd=self.cwd,
            start_new_session=True,
            limit=_LINE_LIMIT,
        )
        self.processes[name] = process
        self.tails[name] = []
        self._pumps[name] = asyncio.create_task(self._pump(name, process))
        return process

    async def _pump(self, name: str, process: asyncio.subprocess.Process) -> None:
        assert process.stdout is not None
        tail = self.tails[name]
        while True:
            try:
                raw = await process.stdout.readline()
            except ValueError:  # a line longer than the limit: take what is buffered
                raw = await process.stdout.read(_LINE_LIMIT)
            if not raw:
                return
            text = raw.decode("utf-8", errors="replace")
            self.mux.line(name, text)
            tail.append(text.rstrip("\r\n"))
            del tail[:-40]

    async def finished(self, name: str) -> int:
        """Wait for a process to exit and for its output to be written; return its exit code."""
        code = await self.processes[name].wait()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._pumps[name], timeout=2)
        return code

    async def first_exit(self) -> tuple[str, int]:
        """Wait until any process exits; return its name and exit code."""
        waits = {asyncio.create_task(self.finished(name)): name for name in self.processes}
        try:
            done, _pending = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in waits:
                task.cancel()
        task = next(iter(done))
        return waits[task], task.result()

    def signal_all(self, signum: int) -> None:
        """Send signum to the process group of every process started here."""
        for process in self.processes.values():
            # The group outlives its leader when the shell's children are still running.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signum)

    def running(self) -> list[str]:
        """The names whose process group still has a live member."""
        groups = live_groups(process.pid for process in self.processes.values())
        return [name for name, process in self.processes.items() if process.pid in groups]

    async def stop(self, grace: float = STOP_GRACE_SECONDS) -> None:
        """SIGTERM every process group, wait up to grace seconds, then SIGKILL what remains."""
        if not self.processes:
            return
        self.signal_all(signal.SIGTERM)
        # Wait for whole groups, not just their leaders: `sh -c` dies at once on SIGTERM while
        # the program it started is still shutting down gracefully (arq finishing a job).
        for _ in range(int(grace / 0.05)):
            if not self.running():
                break
            await asyncio.sleep(0.05)
        remaining = self.running()
        if remaining:
            self.mux.say(f"still running after {grace:.0f} s, killing: {', '.join(remaining)}")
            self.signal_all(signal.SIGKILL)
        waits = [asyncio.create_task(p.wait()) for p in self.processes.values()]
        await asyncio.wait(waits, timeout=5)
        for pump in self._pumps.values():
            with contextlib.suppress(Exception):
                await asyncio.wait_for(pump, timeout=2)


def live_groups(candidates: Iterable[int]) -> set[int]:
    """Those of the candidate process groups that have a member that is not a zombie."""
    wanted = set(candidates)
    proc = Path("/proc")
    if not proc.is_dir():  # not Linux: ask the kernel per group (a zombie then counts as alive)
        return {group for group in wanted if _group_exists(group)}
    groups: set[int] = set()
    for stat in proc.glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # exited while being read
        if fields[0] != "Z" and int(fields[2]) in wanted:
            groups.add(int(fields[2]))
    return groups


def _group_exists(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


async def wait_healthy(url: str, patience_seconds: float) -> bool:
    """Poll url until it answers 200; False after patience_seconds."""
    deadline = time.monotonic() + patience_seconds
    async with httpx.AsyncClient(timeout=2.0, trust_env=False) as client:
        while time.monotonic() < deadline:
            try:
                response = await client.get(url)
                if response.status_code == 200:
                    return True
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.25)
    return False
