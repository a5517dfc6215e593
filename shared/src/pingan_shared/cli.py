"""The command line every service has: `python -m <service> api | migrate | demo | …`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn

from pingan_shared import migrations
from pingan_shared.settings import ServiceSettings


@dataclass(frozen=True)
class Command:
    """A service-specific subcommand: its help, its arguments, and what it runs (exit code)."""

    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[ServiceSettings, argparse.Namespace], Coroutine[Any, Any, int]]


def run_service_cli(
    *,
    service: str,
    settings_factory: Callable[[], ServiceSettings],
    app_factory: str,
    migrations_dir: Path,
    demo: Callable[[ServiceSettings], Coroutine[Any, Any, None]] | None = None,
    commands: Mapping[str, Command] | None = None,
    argv: Sequence[str] | None = None,
) -> int:
    """Parse the command line and run one of the service's commands."""
    parser = argparse.ArgumentParser(prog=f"python -m {service}")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("api", help="serve the HTTP API")
    sub.add_parser("migrate", help="migrate the database to the newest revision")
    if demo is not None:
        sub.add_parser("demo", help="load the demo town (idempotent)")
    extra = dict(commands or {})
    for name, command in extra.items():
        command.add_arguments(sub.add_parser(name, help=command.help))
    args = parser.parse_args(argv)
    settings = settings_factory()
    if args.command == "api":
        uvicorn.run(
            app_factory,
            factory=True,
            host=settings.host,
            port=settings.port,
            log_config=None,
            proxy_headers=True,
            forwarded_allow_ips=settings.forwarded_allow_ips,
            server_header=False,
        )
    elif args.command == "migrate":
        migrations.upgrade(migrations_dir, settings.database_url)
        sys.stdout.write(f"{service}: database migrated\n")
    elif args.command == "demo" and demo is not None:
        asyncio.run(demo(settings))
    elif args.command in extra:
        return asyncio.run(extra[args.command].run(settings, args))
    return 0
