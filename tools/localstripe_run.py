"""localstripe (PyPI), the local stack's Stripe: its API, its Stripe.js stand-in, signed webhooks.

Run as ``python -m tools.localstripe_run --port N --data DIR``. Its own ``localstripe``
command binds every interface (``::``) and keeps its state in ``/tmp/localstripe.pickle``,
one file for every localstripe on the machine (each test stack would overwrite the
others'). This entry point serves the same aiohttp app on the loopback address only, with
its state in the stack's data folder (kept between ``serve`` runs, like the database, so an
old order can still be refunded); ``--from-scratch`` starts empty, as the tests do.
"""

from __future__ import annotations

import argparse
import logging
import pickle
from pathlib import Path

from aiohttp import web
from localstripe import resources
from localstripe.server import app


def use_state_file(path: Path) -> None:
    """Point localstripe's store at ``path`` (it hard-codes /tmp/localstripe.pickle)."""

    def load(store: resources.Store) -> None:
        if path.exists():
            with path.open("rb") as fh:
                old = pickle.load(fh)
            store.clear()
            store.update(old)

    def dump(store: resources.Store) -> None:
        tmp = path.with_suffix(".tmp")
        with tmp.open("wb") as fh:
            pickle.dump(dict(store), fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)

    resources.Store.try_load_from_disk = load
    resources.Store.dump_to_disk = dump


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tools.localstripe_run")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8420)
    parser.add_argument("--data", type=Path, required=True, help="folder for its state file")
    parser.add_argument("--from-scratch", action="store_true", help="ignore the saved state")
    args = parser.parse_args(argv)
    args.data.mkdir(parents=True, exist_ok=True)
    use_state_file(args.data / "localstripe.pickle")
    if not args.from_scratch:
        resources.store.try_load_from_disk()
    logger = logging.getLogger("aiohttp.access")  # localstripe logs webhook deliveries here
    logger.setLevel(logging.INFO)
    logger.addHandler(logging.StreamHandler())
    web.run_app(app, host=args.host, port=args.port, access_log=logger, print=None)


if __name__ == "__main__":
    main()
