"""Notify priority: time from enqueue to the provider call for critical messages while 10,000
routine ones queue ahead of them.

10,000 routine `send_message` jobs are put on `pingan:notify` as the outbox relay would
(`queue_position(priority)` for the score), then every 0.2 s a critical one whose robot key names
it. nginx, the fake WeCom robot, logs each call with its time (`$msec`) and key, which gives when
the provider was called; the queue's depth at each critical enqueue shows what it jumped.

    .venv/bin/python bench/notify_priority.py [--routine 10000] [--critical 50] [--workers 1]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from typing import Any

from notify_stack import (  # bench/, beside this file
    bench_stack,
    nginx_binary,
    robot_calls,
    wait_sent,
)

from pingan_shared.contracts.messages import SEND_MESSAGE_JOB
from pingan_shared.queue import NOTIFY_QUEUE, create_queue_pool, queue_position

ROUTINE_KEY = "routine-robot"


def send_message(key: str, priority: str, robot: str) -> dict[str, Any]:
    """A `send_message` payload (contract v1) to one robot."""
    return {
        "version": 1,
        "message_key": key,
        "template": "generic_text",
        "params": {"text": f"{priority}: 南街社区 20:00 巡逻"},
        "recipients": [{"name": "值班群", "wecom_robot_key": robot}],
        "channels": ["wecom_robot"],
        "priority": priority,
        "source": "bench",
    }


async def enqueue_routine(redis_url: str, count: int) -> None:
    """Queue `count` routine jobs, 64 enqueues in flight."""
    pool = await create_queue_pool(redis_url, NOTIFY_QUEUE)
    try:
        for start in range(0, count, 64):
            await asyncio.gather(
                *(
                    pool.enqueue_job(
                        SEND_MESSAGE_JOB,
                        send_message(f"routine:{i}", "routine", ROUTINE_KEY),
                        _job_id=f"bench:routine:{i}",
                        _defer_until=queue_position("routine"),
                    )
                    for i in range(start, min(start + 64, count))
                )
            )
    finally:
        await pool.aclose()


async def enqueue_critical(
    redis_url: str, count: int, every: float
) -> list[tuple[str, float, int]]:
    """Queue `count` critical jobs `every` seconds apart; (robot key, enqueued at, queue depth)."""
    pool = await create_queue_pool(redis_url, NOTIFY_QUEUE)
    sent: list[tuple[str, float, int]] = []
    try:
        for i in range(count):
            key = f"critical-{i:03d}"
            depth = await pool.zcard(NOTIFY_QUEUE)
            at = time.time()
            await pool.enqueue_job(
                SEND_MESSAGE_JOB,
                send_message(f"critical:{i}", "critical", key),
                _job_id=f"bench:critical:{i}",
                _defer_until=queue_position("critical"),
            )
            sent.append((key, at, depth))
            await asyncio.sleep(every)
    finally:
        await pool.aclose()
    return sent


async def main(args: argparse.Namespace) -> int:
    """Queue the routine jobs, start the workers, send the critical ones, print the figures."""
    if nginx_binary() is None:
        print("nginx is needed: apt-get install -y nginx-light", file=sys.stderr)
        return 2
    async with bench_stack("notify-priority", args.set) as bench:
        redis_url = bench.stack.env["REDIS_URL"]
        await enqueue_routine(redis_url, args.routine)
        with bench.stack.workers(args.workers):
            first = await wait_sent(bench.dsn, 1, patience=60)  # the workers are taking jobs
            critical = await enqueue_critical(redis_url, args.critical, args.every)
            last = await wait_sent(bench.dsn, args.routine + args.critical, patience=120)
        report(critical, robot_calls(bench.workdir))
    jobs = args.routine + args.critical
    print(f"all {jobs} jobs sent in {last - first:.1f} s: {jobs / (last - first):.0f}/s")
    return 0


def report(critical: list[tuple[str, float, int]], calls: list[tuple[float, str]]) -> None:
    """Print p50/p99/max from enqueue to provider call, and the queue each one jumped."""
    called = {key: at for at, key in calls if key.startswith("critical-")}
    waits = sorted((called[key] - at) * 1000 for key, at, _ in critical)
    depths = [depth for _, _, depth in critical]
    p99 = statistics.quantiles(waits, n=100, method="inclusive")[98]
    print(
        f"{len(waits)} critical messages, routine jobs queued at their enqueue: {min(depths)}–{max(depths)}"
    )
    print(
        f"enqueue → provider call: p50 {statistics.median(waits):.0f} ms, p99 {p99:.0f} ms, max {waits[-1]:.0f} ms"
    )
    routine = [at for at, key in calls if key == ROUTINE_KEY]
    last_critical = max(called.values())
    print(
        f"routine sends after the last critical one: {sum(1 for at in routine if at > last_critical)}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--routine", type=int, default=10_000)
    parser.add_argument("--critical", type=int, default=50)
    parser.add_argument("--every", type=float, default=0.2, help="seconds between critical ones")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--set", action="append", default=[], help="KEY=VALUE for notify's env")
    sys.exit(asyncio.run(main(parser.parse_args())))
