#!/usr/bin/env python3
"""A TCP proxy on 127.0.0.1 that behaves like a wide-area link: a one-way delay each way
(RTT/2) and one shared bottleneck per direction (every connection queues on it, first in,
first out). Each connection holds at most WINDOW bytes in flight per direction (Linux's
default largest TCP send buffer, 4 MiB), so a stalled reader slows its sender as TCP would.
Used by compare_upload.py --wan where `tc netem` is not available (no sch_netem here).

Run alone: python3 benches/wan_proxy.py LISTEN_PORT TARGET_PORT [--rtt-ms 40] [--mbit 200]
"""
import argparse, asyncio, time

CHUNK = 64 * 1024
WINDOW = 4 * 1024 * 1024


class Link:
    """One direction of the bottleneck: when it is free again, and its delay."""

    def __init__(self, bytes_per_second, one_way):
        self.rate = bytes_per_second
        self.delay = one_way
        self.free_at = 0.0

    def send(self, n):
        """The time the last byte of `n` bytes sent now arrives at the other end."""
        now = time.monotonic()
        self.free_at = max(now, self.free_at) + n / self.rate
        return self.free_at + self.delay


async def pipe(reader, writer, link):
    queue = asyncio.Queue(maxsize=max(1, WINDOW // CHUNK))

    async def deliver():
        while True:
            item = await queue.get()
            if item is None:
                break
            at, data = item
            wait = at - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(data)
            await writer.drain()
        try:
            writer.write_eof()
        except (OSError, RuntimeError):
            pass

    task = asyncio.ensure_future(deliver())
    try:
        while True:
            data = await reader.read(CHUNK)
            if not data:
                break
            await queue.put((link.send(len(data)), data))
    except (ConnectionError, OSError):
        pass
    await queue.put(None)
    try:
        await task
    except (ConnectionError, OSError):
        pass


async def serve(listen_port, target_port, rtt_ms, mbit):
    up = Link(mbit * 1e6 / 8, rtt_ms / 2000)
    down = Link(mbit * 1e6 / 8, rtt_ms / 2000)

    async def handle(client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", target_port)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(pipe(client_reader, server_writer, up),
                             pipe(server_reader, client_writer, down))
        for w in (client_writer, server_writer):
            w.close()

    server = await asyncio.start_server(handle, "127.0.0.1", listen_port)
    async with server:
        await server.serve_forever()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("listen_port", type=int)
    ap.add_argument("target_port", type=int)
    ap.add_argument("--rtt-ms", type=float, default=40)
    ap.add_argument("--mbit", type=float, default=200)
    args = ap.parse_args()
    asyncio.run(serve(args.listen_port, args.target_port, args.rtt_ms, args.mbit))


if __name__ == "__main__":
    main()
