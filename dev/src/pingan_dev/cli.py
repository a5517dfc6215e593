"""Command line: `python -m pingan_dev run|test|env|stop`."""

from __future__ import annotations

import argparse
import asyncio
import shlex
import sys
from collections.abc import Sequence

from pingan_dev import embedded_pg
from pingan_dev.embedded_pg import EmbeddedPostgresError
from pingan_dev.paths import state_dir
from pingan_dev.postgres import embedded_data_dir
from pingan_dev.redis_local import stop_redis
from pingan_dev.stack import ensure_stack, process_env

USAGE = """usage: python -m pingan_dev COMMAND

commands:
  run [--no-demo]     start servers, migrate, load the demo town, run every process (make run)
  test [PYTEST_ARGS]  start servers, then run pytest with the test environment (make test)
  env                 print the services' environment as shell `export` lines
  stop                stop this checkout's embedded PostgreSQL and Redis, if running
  access-matrix       print docs/access.md: who may call each route
"""


def _env_command() -> int:
    stack = asyncio.run(ensure_stack())
    env = process_env(stack)
    prefixes = ("INCIDENTS_", "ASSESSMENT_", "NOTIFY_", "PINGAN_", "REDIS_URL")
    names = [name for name in sorted(env) if name.startswith(prefixes)]
    for name in names:
        print(f"export {name}={shlex.quote(env[name])}")
    return 0


def _stop_command() -> int:
    stopped_pg = embedded_pg.stop(embedded_data_dir())
    stopped_redis = stop_redis(state_dir() / "redis")
    print(f"embedded PostgreSQL: {'stopped' if stopped_pg else 'not running'}")
    print(f"embedded Redis: {'stopped' if stopped_redis else 'not running'}")
    print(f"data kept in {state_dir()} (`make clean-data` removes it)")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Dispatch a command; the process's exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        print(USAGE, end="")
        return 0 if args else 2
    command, rest = args[0], args[1:]
    try:
        if command == "test":
            from pingan_dev.testrun import test

            # Everything after `test` belongs to pytest, options included.
            return asyncio.run(test(rest))
        if command == "access-matrix":
            from pingan_dev.access import document

            sys.stdout.write(document())
            return 0
        if command == "run":
            from pingan_dev.run import run

            parser = argparse.ArgumentParser(prog="python -m pingan_dev run")
            parser.add_argument("--no-demo", action="store_true", help="do not load the demo town")
            options = parser.parse_args(rest)
            return asyncio.run(run(no_demo=options.no_demo))
        if command == "env":
            return _env_command()
        if command == "stop":
            return _stop_command()
    except KeyboardInterrupt:
        return 130
    except (EmbeddedPostgresError, TimeoutError, FileNotFoundError, ConnectionError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"unknown command {command!r}\n{USAGE}", file=sys.stderr, end="")
    return 2
