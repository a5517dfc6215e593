"""Notify throughput: deliveries per second from `POST /v1/messages` to "sent", against Apprise.

The notify API (`python -m notify api`) and 1 or 2 workers (`arq notify.worker.WorkerSettings`)
run against a throwaway migrated database and a Redis of their own, with rate limits off and no
quiet hours. The WeCom robot is nginx answering the documented success body to every
`POST /cgi-bin/webhook/send` (Debian package `nginx-light`), so the fake is not the bottleneck.
Messages are POSTed 32 at a time; a run is timed from the first POST to the last delivery's
`sent_at`. Two shapes: 10,000 messages to one robot each (all to one robot key: with limits off
the key changes nothing), and 200 messages to 50 robots each. In the same run Apprise sends the
same to the same nginx (`bench/notify_apprise_runner.py`, in Apprise's own virtualenv).

    .venv/bin/python bench/notify_throughput.py [--messages 10000] [--fanout 200] [--workers 1 2]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from notify_cpu import backend_pids, cpu_seconds, cpu_since, profiled, redis_pid
from notify_stack import Bench, bench_stack, nginx_binary, reset, robot_calls, wait_sent

from pingan_shared.tokens import mint_token

RUNNER = Path(__file__).with_name("notify_apprise_runner.py")
APPRISE_PYTHON = "/tmp/apprise-venv/bin/python"  # noqa: S108 - where the docs say to make it
FANOUT_RECIPIENTS = 50


@dataclass
class Result:
    """One sender's run of one shape."""

    shape: int
    sender: str
    deliveries: int
    seconds: float
    note: str = ""


def message(run: str, index: int, keys: list[str]) -> dict[str, Any]:
    """The body of one `POST /v1/messages` to the robots `keys`."""
    return {
        "message_key": f"{run}:{index}",
        "template": "generic_text",
        "params": {"text": f"巡逻通知 {index}：今晚 20:00 南街社区巡逻"},
        "recipients": [{"name": f"值班群 {k[-3:]}", "wecom_robot_key": k} for k in keys],
        "channels": ["wecom_robot"],
        "source": "bench",
    }


async def post_all(url: str, bodies: list[dict[str, Any]], concurrency: int) -> float:
    """POST every body, `concurrency` at a time; returns when the first POST started (epoch)."""
    token = mint_token("bench", ["service"], ["530128"])
    pending = iter(bodies)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=url, headers={"Authorization": f"Bearer {token}"}, limits=limits, timeout=60
    ) as client:

        async def poster() -> None:
            for body in pending:
                for attempt in range(3):
                    try:
                        answer = await client.post("/v1/messages", json=body)
                        break
                    except httpx.TransportError:  # a dropped keep-alive connection; the key
                        if attempt == 2:  # makes the repeat safe (200: recorded already)
                            raise
                if answer.status_code not in (200, 202):
                    raise RuntimeError(f"POST answered {answer.status_code}: {answer.text[:300]}")

        started = time.time()
        await asyncio.gather(*(poster() for _ in range(concurrency)))
    return started


async def run_ours(
    api: str, dsn: str, run: str, messages: int, recipients: int, concurrency: int
) -> tuple[float, float]:
    """POST `messages` to `recipients` robots each; (seconds to all sent, seconds of POSTing)."""
    keys = [f"bench-robot-{i:03d}" for i in range(recipients)]
    bodies = [message(run, i, keys) for i in range(messages)]
    await reset(dsn)
    waiting = asyncio.create_task(wait_sent(dsn, messages * recipients))
    posted_at = time.time()
    started = await post_all(api, bodies, concurrency)
    posted = time.time() - posted_at
    done = await waiting
    return done - started, posted


def run_apprise(
    python: str, url: str, messages: int, recipients: int, mode: str
) -> tuple[float, float]:
    """Apprise's seconds and CPU seconds for the same messages (`mode` sync or async)."""
    done = subprocess.run(
        [
            python,
            str(RUNNER),
            "--url",
            url,
            "--messages",
            str(messages),
            "--mode",
            mode,
            "--recipients",
            str(recipients),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if result["failed"]:
        raise RuntimeError(f"Apprise failed {result['failed']} calls")
    return float(result["seconds"]), float(result["cpu_seconds"])


async def main(args: argparse.Namespace) -> int:
    """Start everything, run both shapes for each worker count, then Apprise; print the table."""
    if nginx_binary() is None:
        print("nginx is needed: apt-get install -y nginx-light", file=sys.stderr)
        return 2
    if args.apprise and not Path(args.apprise_python).exists():  # noqa: ASYNC240 - once
        print(
            "Apprise is needed in its own virtualenv: python3 -m venv /tmp/apprise-venv && "
            "/tmp/apprise-venv/bin/pip install apprise (or --no-apprise)",
            file=sys.stderr,
        )
        return 2
    shapes = [(args.messages, 1), (args.fanout, FANOUT_RECIPIENTS)]
    results: list[Result] = []
    async with bench_stack("notify-throughput", args.set, args.keep) as bench:
        print(f"POST /v1/messages {args.concurrency} at a time; logs in {bench.workdir}")
        with bench.stack.api() as (api, api_pid):
            for count in args.workers:
                results += await run_workers(args, bench, api, api_pid, count, shapes)
        if args.apprise:
            results += apprise_runs(args.apprise_python, bench.robot, bench.workdir, shapes)
    print(f"\n{'shape':<20}{'sender':<34}{'deliveries':>11}{'seconds':>9}{'per s':>8}")
    for index, (messages, recipients) in enumerate(shapes):
        shape = f"{messages} × {recipients} robot{'s' if recipients > 1 else ''}"
        for r in (r for r in results if r.shape == index):
            rate = r.deliveries / r.seconds
            print(
                f"{shape:<20}{r.sender:<34}{r.deliveries:>11}{r.seconds:>9.1f}{rate:>8.0f}  {r.note}"
            )
            shape = ""
    return 0


async def run_workers(
    args: argparse.Namespace,
    bench: Bench,
    api: str,
    api_pid: int,
    count: int,
    shapes: list[tuple[int, int]],
) -> list[Result]:
    """Both shapes with `count` workers running."""
    results = []
    sender = f"notify, {count} worker{'s' if count > 1 else ''}"
    stack, dsn = bench.stack, bench.dsn
    with stack.workers(count) as workers:
        await run_ours(api, dsn, f"warmup{count}", 100, 1, args.concurrency)
        pids = [w.pid for w in workers]
        processes = {
            "API": [api_pid],
            "workers": pids,
            "PostgreSQL": await backend_pids(dsn),
            "Redis": [redis_pid(stack.env["REDIS_URL"])],
        }
        for index, (messages, recipients) in enumerate(shapes):
            before = {name: cpu_seconds(group) for name, group in processes.items()}
            with profiled(args.py_spy, [*pids, api_pid], stack.logs / f"profile-{count}w-{index}"):
                seconds, posting = await run_ours(
                    api, dsn, f"r{count}{index}", messages, recipients, args.concurrency
                )
            deliveries = messages * recipients
            costs = {name: cpu_since(used) * 1000 / deliveries for name, used in before.items()}
            spent = ", ".join(f"{name} {ms:.2f}" for name, ms in costs.items())
            note = (
                f"CPU ms/delivery {sum(costs.values()):.2f} ({spent}); POSTs took {posting:.1f} s"
            )
            results.append(Result(index, sender, deliveries, seconds, note))
            print(f"  {sender}: {seconds:.1f} s ({note})", file=sys.stderr)
    return results


def apprise_runs(
    python: str, robot: str, workdir: Path, shapes: list[tuple[int, int]]
) -> list[Result]:
    """Apprise, one call at a time and with async_notify, in both shapes; checks that nginx got
    every call."""
    results = []
    for index, (messages, recipients) in enumerate(shapes):
        for mode, label in (
            ("sync", "notify(), one at a time"),
            ("async", "async_notify, 32 at once"),
        ):
            logged = len(robot_calls(workdir))
            seconds, cpu = run_apprise(python, robot, messages, recipients, mode)
            time.sleep(0.2)  # nginx flushes its log every 50 ms
            calls = len(robot_calls(workdir)) - logged
            if calls != messages * recipients:
                raise RuntimeError(
                    f"nginx logged {calls} Apprise calls, not {messages * recipients}"
                )
            note = f"CPU ms/delivery {cpu * 1000 / calls:.2f}"
            results.append(Result(index, f"Apprise {label}", calls, seconds, note))
            print(f"  Apprise {mode}: {seconds:.1f} s", file=sys.stderr)
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=10_000, help="one-robot messages")
    parser.add_argument("--fanout", type=int, default=200, help="messages to 50 robots each")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--concurrency", type=int, default=32, help="POSTs in flight")
    parser.add_argument("--set", action="append", default=[], help="KEY=VALUE for notify's env")
    parser.add_argument("--apprise-python", default=APPRISE_PYTHON)
    parser.add_argument("--no-apprise", dest="apprise", action="store_false")
    parser.add_argument("--py-spy", help="py-spy binary: record the workers during each run")
    parser.add_argument("--keep", action="store_true", help="keep the logs and profiles")
    sys.exit(asyncio.run(main(parser.parse_args())))
