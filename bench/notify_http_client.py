"""What one provider call costs the worker in CPU: the channels' client
(`pingan_shared.http.create_http_client`: httpx over httpcore's pool), the same client over a
minimal asyncio-streams transport (HTTP/1.1 keep-alive, Content-Length bodies: enough for nginx's
fixed answer, not a client for real providers), and the request written by hand on asyncio
streams.

    .venv/bin/python bench/notify_http_client.py [--requests 3000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
from notify_stack import fake_robot, nginx_binary  # bench/, beside this file

from notify.channels.wecom_robot import SEND_PATH, markdown_body
from pingan_shared.http import create_http_client

BODY = markdown_body("巡逻通知：今晚 20:00 南街社区巡逻")
Call = Callable[[int], Awaitable[None]]


class StreamsTransport(httpx.AsyncBaseTransport):
    """Keep-alive HTTP/1.1 over asyncio streams, one request per connection at a time."""

    def __init__(self) -> None:
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send `request` on an idle connection (or a new one) and read a Content-Length answer."""
        body = await request.aread()
        if self.idle:
            reader, writer = self.idle.pop()
        else:
            reader, writer = await asyncio.open_connection(request.url.host, request.url.port)
        lines = [b"%s %s HTTP/1.1" % (request.method.encode(), request.url.raw_path)]
        lines += [name + b": " + value for name, value in request.headers.raw]
        writer.write(b"\r\n".join(lines) + b"\r\n\r\n" + body)
        status, *fields = (await reader.readuntil(b"\r\n\r\n")).split(b"\r\n")
        headers = [(name, value) for name, _, value in (f.partition(b": ") for f in fields if f)]
        length = next(int(v) for k, v in headers if k.lower() == b"content-length")
        content = await reader.readexactly(length)
        self.idle.append((reader, writer))
        return httpx.Response(int(status.split(b" ")[1]), headers=headers, content=content)


def httpx_call(client: httpx.AsyncClient) -> Call:
    """A robot send as `WeComRobotChannel.send` makes it."""

    async def call(index: int) -> None:
        answer = await client.post(SEND_PATH, params={"key": f"robot-{index % 50}"}, json=BODY)
        assert answer.json()["errcode"] == 0

    return call


async def streams_call(url: str, concurrency: int) -> Call:
    """The same request written by hand on `concurrency` kept-alive connections."""
    host, port = url.removeprefix("http://").split(":")
    idle: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
    for _ in range(concurrency):
        idle.put_nowait(await asyncio.open_connection(host, int(port)))
    payload = json.dumps(BODY).encode()

    async def call(index: int) -> None:
        reader, writer = await idle.get()
        writer.write(
            b"POST %s?key=robot-%d HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n%s"
            % (SEND_PATH.encode(), index % 50, host.encode(), len(payload), payload)
        )
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
        assert json.loads(await reader.readexactly(length))["errcode"] == 0
        idle.put_nowait((reader, writer))

    return call


async def measure(call: Call, requests: int, concurrency: int) -> tuple[float, float]:
    """(CPU ms per request, requests per second) for `requests` calls, `concurrency` at once."""
    gate = asyncio.Semaphore(concurrency)

    async def one(index: int) -> None:
        async with gate:
            await call(index)

    await asyncio.gather(*(one(i) for i in range(200)))  # connections opened, caches warm
    cpu, started = time.process_time(), time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(requests)))
    seconds = time.perf_counter() - started
    return (time.process_time() - cpu) * 1000 / requests, requests / seconds


async def main(requests: int) -> int:
    """Each client at 1, 8 and 16 calls in flight against the nginx robot."""
    if nginx_binary() is None:
        print("nginx is needed: apt-get install -y nginx-light", file=sys.stderr)
        return 2
    print(" ".join([".venv/bin/python", *sys.argv]))
    print(f"{'client':<44}{'in flight':>10}{'CPU ms/call':>13}{'calls/s':>9}")
    with fake_robot(Path(tempfile.mkdtemp(prefix="pingan-http-"))) as url:
        for concurrency in (1, 8, 16):
            async with create_http_client(url, timeout=10) as plain:
                default = await measure(httpx_call(plain), requests, concurrency)
            async with create_http_client(url, timeout=10, transport=StreamsTransport()) as lean:
                over_streams = await measure(httpx_call(lean), requests, concurrency)
            bare = await measure(await streams_call(url, concurrency), requests, concurrency)
            for name, (cpu, rate) in (
                ("create_http_client (the channels')", default),
                ("the same over an asyncio-streams transport", over_streams),
                ("bare asyncio streams", bare),
            ):
                print(f"{name:<44}{concurrency:>10}{cpu:>13.3f}{rate:>9.0f}")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=3000)
    sys.exit(asyncio.run(main(parser.parse_args().requests)))
