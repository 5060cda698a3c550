"""``python -m tools.mail_sink --smtp-port N --http-port M --data DIR [--webhook-url URL]``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
from pathlib import Path

from tools.mail_sink.sink import serve
from tools.project import MAILGUN_LOCAL_SIGNING_KEY


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tools.mail_sink")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--smtp-port", type=int, default=2525)
    parser.add_argument("--http-port", type=int, default=8025)
    parser.add_argument("--data", type=Path, required=True, help="folder for the messages")
    parser.add_argument("--webhook-url", help="where bounces and complaints are POSTed")
    parser.add_argument("--signing-key", default=MAILGUN_LOCAL_SIGNING_KEY)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")

    async def run() -> None:
        task = asyncio.ensure_future(
            serve(
                args.host, args.smtp_port, args.http_port, args.data, args.webhook_url,
                args.signing_key,
            )
        )  # fmt: skip
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
        with contextlib.suppress(asyncio.CancelledError):
            await task

    asyncio.run(run())


if __name__ == "__main__":
    main()
