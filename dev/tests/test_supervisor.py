"""Processes in their own groups, one prefixed log, and stopping them all."""

from __future__ import annotations

import asyncio
import io
import os
import sys
from collections.abc import Callable
from pathlib import Path

from pingan_dev.logmux import LogMux
from pingan_dev.run import lacks_subcommand
from pingan_dev.supervisor import Supervisor


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie has exited; it only waits for its parent to collect it.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(")")[-1].split()[0] == "Z")


async def _eventually(condition: Callable[[], bool], seconds: float = 5.0) -> bool:
    for _ in range(int(seconds / 0.02)):
        if condition():
            return True
        await asyncio.sleep(0.02)
    return condition()


async def test_output_is_prefixed_and_stop_ends_the_whole_group(tmp_path: Path) -> None:
    stream = io.StringIO()
    mux = LogMux(["sleeper", "talker"], stream=stream)
    supervisor = Supervisor(mux, os.environ, tmp_path)
    pid_file = tmp_path / "child.pid"
    # The shell starts a grandchild that ignores nothing: it must die with its group.
    await supervisor.spawn("sleeper", f"sleep 300 & echo $! > {pid_file}; echo started; wait")
    await supervisor.spawn("talker", "echo 'hello 平安'; echo second >&2")
    assert await supervisor.finished("talker") == 0
    assert await _eventually(lambda: pid_file.exists() and pid_file.read_text().strip() != "")
    grandchild = int(pid_file.read_text())
    assert _alive(grandchild)

    await supervisor.stop(grace=5)

    assert supervisor.processes["sleeper"].returncode is not None
    assert await _eventually(lambda: not _alive(grandchild))
    lines = stream.getvalue().splitlines()
    assert any(line.endswith("talker  | hello 平安") for line in lines)
    assert any(line.endswith("talker  | second") for line in lines)
    assert not any("\033[" in line for line in lines)  # no colour when not a terminal


def test_a_missing_subcommand_is_recognised() -> None:
    argparse_error = [
        "usage: python -m incidents [-h] {api,migrate}",
        "python -m incidents: error: argument command: invalid choice: 'demo' "
        "(choose from 'api', 'migrate')",
    ]
    assert lacks_subcommand(2, argparse_error, "demo")
    assert lacks_subcommand(2, ["Error: No such command 'demo'."], "demo")
    assert not lacks_subcommand(1, ["demo failed: relation areas does not exist"], "demo")
    assert not lacks_subcommand(0, ["invalid choice: 'demo'"], "demo")


async def test_stop_waits_for_a_graceful_shutdown_behind_the_shell(tmp_path: Path) -> None:
    stream = io.StringIO()
    supervisor = Supervisor(LogMux(["worker"], stream=stream), os.environ, tmp_path)
    program = (
        "import signal, sys, time\n"
        "def bye(*_):\n"
        "    time.sleep(0.8)\n"
        "    print('finished the job', flush=True)\n"
        "    sys.exit(0)\n"
        "signal.signal(signal.SIGTERM, bye)\n"
        "print('ready', flush=True)\n"
        "time.sleep(60)\n"
    )
    script = tmp_path / "worker.py"
    script.write_text(program)
    # `; true` keeps the shell as the group leader: it dies at SIGTERM before the program.
    await supervisor.spawn("worker", f"{sys.executable} {script}; true")
    assert await _eventually(lambda: "ready" in stream.getvalue())

    await supervisor.stop(grace=5)

    output = stream.getvalue()
    assert "finished the job" in output
    assert "killing" not in output
    assert supervisor.running() == []
