"""Apprise's side of `bench/notify_throughput.py`, run inside Apprise's own virtualenv (never the
project's): the same messages to the same local fake WeCom robot, timed.

Apprise's WeCom bot plugin (`wecombot://KEY`) has the provider's host in its class attribute
`notify_url`; it is pointed at the local fake here, and the plugin's default throttle (one request
per 5.5 s, `request_rate_per_sec`) is turned off, as the comparison asks.

    /tmp/apprise-venv/bin/python bench/notify_apprise_runner.py --url http://127.0.0.1:PORT \
        --messages 10000 --recipients 1 --mode sync

Prints one JSON line: {"mode", "messages", "recipients", "deliveries", "failed", "seconds",
"cpu_seconds"}.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import time

import apprise
from apprise.plugins.wecombot import NotifyWeComBot


def robots(url: str, recipients: int) -> apprise.Apprise:
    """One Apprise object holding `recipients` robots, all answered by the fake at `url`."""
    NotifyWeComBot.notify_url = url.rstrip("/") + "/cgi-bin/webhook/send?key={key}"
    NotifyWeComBot.request_rate_per_sec = 0  # throttling off
    notifier = apprise.Apprise()
    for index in range(recipients):
        if not notifier.add(f"wecombot://apprise-robot-{index:03d}"):
            raise SystemExit(f"Apprise refused robot {index}")
    return notifier


def send_sync(notifier: apprise.Apprise, messages: int) -> int:
    """`notify()` one message after the other; returns how many calls failed."""
    failed = 0
    for index in range(messages):
        if not notifier.notify(body=f"巡逻通知 {index}：今晚 20:00 南街社区巡逻", title=""):
            failed += 1
    return failed


async def send_async(notifier: apprise.Apprise, messages: int, concurrency: int) -> int:
    """`async_notify()` with `concurrency` calls in flight; returns how many failed."""
    gate = asyncio.Semaphore(concurrency)

    async def one(index: int) -> bool:
        async with gate:
            body = f"巡逻通知 {index}：今晚 20:00 南街社区巡逻"
            return bool(await notifier.async_notify(body=body, title=""))

    results = await asyncio.gather(*(one(i) for i in range(messages)))
    return sum(1 for ok in results if not ok)


def main() -> int:
    """Send, time, print the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True, help="the fake robot's base URL")
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--recipients", type=int, default=1)
    parser.add_argument("--mode", choices=("sync", "async"), default="sync")
    parser.add_argument("--concurrency", type=int, default=32, help="async_notify calls at once")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)  # Apprise logs every send at INFO
    notifier = robots(args.url, args.recipients)
    started, cpu = time.perf_counter(), time.process_time()
    if args.mode == "sync":
        failed = send_sync(notifier, args.messages)
    else:
        failed = asyncio.run(send_async(notifier, args.messages, args.concurrency))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    result = {
        "mode": args.mode,
        "messages": args.messages,
        "recipients": args.recipients,
        "deliveries": args.messages * args.recipients,
        "failed": failed,
        "seconds": seconds,
        "cpu_seconds": cpu,  # every thread of the process
    }
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
