"""`python -m tools.media_store`: the local media store in the foreground."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from aiohttp import web

from tools.media_store import keys, server


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tools.media_store")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--data", type=Path, required=True, help="objects live in DATA/objects")
    parser.add_argument(
        "--service-account",
        type=Path,
        action="append",
        required=True,
        help="a JSON key whose signatures the store accepts (repeatable)",
    )
    parser.add_argument(
        "--upload-token-file",
        type=Path,
        required=True,
        help="the bearer token the JSON API (uploads) requires",
    )
    parser.add_argument("--bucket", action="append", default=[], help="bucket to create")
    parser.add_argument(
        "--cors-origin",
        action="append",
        default=[],
        help="origin allowed to read cross-origin (default: any)",
    )
    args = parser.parse_args(argv)  # fmt: skip

    infos = [json.loads(path.read_text()) for path in args.service_account]
    token = args.upload_token_file.read_text().strip()
    storage = server.open_storage(args.data, args.bucket)
    sock, emulator = server.start_emulator(storage)
    app = server.make_app(
        storage, sock, keys.public_keys(infos), token, tuple(args.cors_origin) or ("*",)
    )
    try:
        web.run_app(app, host=args.host, port=args.port, print=None, handle_signals=True)
    finally:
        emulator.shutdown()
        Path(sock).unlink(missing_ok=True)
        Path(sock).parent.rmdir()


if __name__ == "__main__":
    main()
