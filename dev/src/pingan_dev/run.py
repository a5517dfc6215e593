"""`python -m pingan_dev run`: the whole system on this machine, in one terminal.

Servers and databases, migrations, the demo town, then every Procfile process until Ctrl-C.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import signal
import sys
import time
from collections.abc import Awaitable, Mapping
from typing import Any, TypeVar

from pingan_dev.banner import banner
from pingan_dev.logmux import LogMux
from pingan_dev.net import is_listening
from pingan_dev.paths import repo_root
from pingan_dev.procfile import Process, read_procfile
from pingan_dev.stack import SERVICES, describe, ensure_stack, port_variable, process_env
from pingan_dev.supervisor import Supervisor, wait_healthy

HEALTH_TIMEOUT_SECONDS = 60.0
# The fallback start of `run`: when this module was imported.
PROCESS_STARTED = time.time()
_T = TypeVar("_T")
# How a command-line parser says it has no such subcommand (argparse, click, typer).
_NO_SUBCOMMAND = ("invalid choice", "no such command", "unknown command", "unrecognized")


class StopRequestedError(Exception):
    """Ctrl-C or SIGTERM arrived while waiting."""


def started_at() -> float:
    """When the command began, in seconds since the epoch: PINGAN_STARTED_AT, else this process."""
    value = os.environ.get("PINGAN_STARTED_AT", "")
    try:
        return float(value)
    except ValueError:
        return PROCESS_STARTED


def demo_wanted(no_demo_flag: bool, env: Mapping[str, str]) -> bool:
    """False when --no-demo was given or PINGAN_DEMO is 0/false/no."""
    return not no_demo_flag and env.get("PINGAN_DEMO", "1").lower() not in ("0", "false", "no")


def lacks_subcommand(code: int, output: list[str], subcommand: str) -> bool:
    """True when a failed CLI call's output says it has no such subcommand."""
    text = "\n".join(output).lower()
    return code != 0 and subcommand in text and any(marker in text for marker in _NO_SUBCOMMAND)


class Runner:
    """One `run`: owns the log, the stop request and the running supervisors."""

    def __init__(self, processes: list[Process], demo: bool) -> None:
        self.processes = processes
        self.demo = demo
        steps = [f"{service}-{step}" for service in SERVICES for step in ("migrate", "demo")]
        self.mux = LogMux([p.name for p in processes] + steps)
        self.stop = asyncio.Event()
        self.supervisors: list[Supervisor] = []
        self.env: dict[str, str] = {}

    def on_signal(self, signum: int) -> None:
        """First signal: stop gracefully. A second one: kill at once."""
        if self.stop.is_set():
            self.mux.say("second signal: killing everything now")
            for supervisor in self.supervisors:
                supervisor.signal_all(signal.SIGKILL)
            return
        self.mux.say(f"{signal.Signals(signum).name}: stopping …")
        self.stop.set()

    async def until_stop(self, awaitable: Awaitable[_T]) -> _T:
        """Await awaitable unless a stop is requested first (then raise StopRequestedError)."""
        task = asyncio.ensure_future(awaitable)
        stopper = asyncio.create_task(self.stop.wait())
        done, _pending = await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
        stopper.cancel()
        if task in done:
            return task.result()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        raise StopRequestedError

    async def step(self, service: str, subcommand: str) -> tuple[int, list[str]]:
        """Run `python -m <service> <subcommand>` to its end, its output in the log."""
        name = f"{service}-{subcommand}"
        supervisor = Supervisor(self.mux, self.env, repo_root())
        self.supervisors.append(supervisor)
        await supervisor.spawn(name, f"{shlex.quote(sys.executable)} -m {service} {subcommand}")
        try:
            code = await self.until_stop(supervisor.finished(name))
        finally:
            await supervisor.stop()
        return code, supervisor.tails[name]

    async def prepare(self) -> bool:
        """Migrate every service and load the demo town; False when a step failed."""
        # Each service has its own database, so the migrations can run side by side.
        steps = [self.step(service, "migrate") for service in SERVICES]
        results = await asyncio.gather(*steps, return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result  # every step has stopped by now, whatever went wrong
        codes = [result[0] for result in results if not isinstance(result, BaseException)]
        failed = [(service, code) for service, code in zip(SERVICES, codes, strict=True) if code]
        for service, code in failed:
            self.mux.say(f"{service} migrate failed with exit code {code}")
        if failed:
            return False
        if not self.demo:
            self.mux.say("demo data skipped (--no-demo or PINGAN_DEMO=0)")
            return True
        for service in SERVICES:
            code, tail = await self.step(service, "demo")
            if lacks_subcommand(code, tail, "demo"):
                self.mux.say(f"warning: {service} has no `demo` subcommand yet; no demo data")
            elif code != 0:
                self.mux.say(f"{service} demo failed with exit code {code}")
                return False
        return True

    def busy_ports(self) -> list[str]:
        """The API ports something already listens on, as `NAME=port` texts."""
        busy = []
        for process in self.processes:
            if process.is_api:
                variable = port_variable(process.service)
                port = int(self.env[variable])
                if is_listening("127.0.0.1", port):
                    busy.append(f"{variable}={port}")
        return busy

    async def start_all(self, supervisor: Supervisor) -> str | None:
        """Start the Procfile's processes and wait for the APIs; an error text if that failed."""
        for process in self.processes:
            await supervisor.spawn(process.name, process.command)
        checks = [
            wait_healthy(
                f"http://127.0.0.1:{self.env[port_variable(p.service)]}/healthz",
                HEALTH_TIMEOUT_SECONDS,
            )
            for p in self.processes
            if p.is_api
        ]
        healthy = asyncio.ensure_future(asyncio.gather(*checks))
        died = asyncio.ensure_future(supervisor.first_exit())
        either: set[asyncio.Future[Any]] = {healthy, died}
        try:
            await self.until_stop(asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED))
        finally:
            for task in (healthy, died):
                task.cancel()
            await asyncio.gather(healthy, died, return_exceptions=True)
        if died.done() and not died.cancelled():
            name, code = died.result()
            return f"{name} exited with code {code} during start-up"
        if not all(healthy.result()):
            return f"the APIs did not answer /healthz within {HEALTH_TIMEOUT_SECONDS:.0f} s"
        return None

    async def main(self) -> int:
        """The whole run; the process's exit code."""
        begun = started_at()
        self.mux.say("finding PostgreSQL and Redis …")
        stack = await self.until_stop(ensure_stack())
        for line in describe(stack):
            self.mux.say(line)
        self.env = process_env(stack)
        busy = self.busy_ports()
        if busy:
            self.mux.say(f"ports in use: {', '.join(busy)} — is another `make run` up? Stop it")
            self.mux.say("or choose free ports with those variables.")
            return 1
        if not await self.prepare():
            return 1
        supervisor = Supervisor(self.mux, self.env, repo_root())
        self.supervisors.append(supervisor)
        try:
            error = await self.start_all(supervisor)
            if error:
                self.mux.say(f"{error}; stopping everything")
                return 1
            self.mux.write(banner(self.env, time.time() - begun) + "\n")
            name, code = await self.until_stop(supervisor.first_exit())
            self.mux.say(f"{name} exited with code {code}; stopping everything")
            return 1
        finally:
            await supervisor.stop()


async def run(no_demo: bool = False) -> int:
    """Bring the system up and keep it running until Ctrl-C or SIGTERM."""
    runner = Runner(read_procfile(repo_root() / "Procfile"), demo_wanted(no_demo, os.environ))
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, runner.on_signal, signum)
    try:
        code = await runner.main()
    except StopRequestedError:
        code = 0
    runner.mux.say("stopped" if code == 0 else f"exit code {code}")
    return code
