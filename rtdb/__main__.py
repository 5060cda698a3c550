"""``python -m rtdb``: run the local Realtime Database server in the foreground."""

from __future__ import annotations

import argparse
import asyncio
import signal

from aiohttp import web

from .core.namespaces import DEFAULT_NAMESPACE
from .server import ServerState, create_app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="rtdb", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9000)
    parser.add_argument("--data", default=None, help="folder for the journal and snapshots")
    parser.add_argument("--default-ns", default=DEFAULT_NAMESPACE)
    args = parser.parse_args(argv)
    asyncio.run(_serve(args))


async def _serve(args: argparse.Namespace) -> None:
    state = ServerState(args.default_ns)
    app = create_app(state)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, args.host, args.port, reuse_address=True)
    await site.start()
    print(f"rtdb listening on http://{args.host}:{args.port}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await runner.cleanup()


if __name__ == "__main__":
    main()
