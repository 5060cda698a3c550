"""``python -m rtdb``: run the local Realtime Database server, or import/export a data dir.

    python -m rtdb [--host H] [--port P] [--data DIR] [--default-ns NS]
                   [--functions_emulator_host H --functions_emulator_port P]
                   [--single_project_mode Warning|Error|None]
    python -m rtdb export --data DIR [--ns NS] [--path P] [--export] [--pretty] [-o FILE]
    python -m rtdb import --data DIR [--ns NS] [--path P] [--merge] [FILE]

Without ``--data`` the server keeps everything in memory. With it, every write is
journaled and fsync'd before it is acknowledged, and a restart resumes where it stopped.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import signal
import sys

from aiohttp import web

from .core.namespaces import DEFAULT_NAMESPACE
from .server import ServerState, create_app
from .transports.triggers import MAX_QUEUE, NOT_FOUND_GRACE, SINGLE_PROJECT_MODES

log = logging.getLogger("rtdb")


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    if argv and argv[0] in ("export", "import"):
        sys.exit(_transfer(argv[0], argv[1:]))
    parser = argparse.ArgumentParser(prog="rtdb", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9000)
    parser.add_argument("--data", default=None, help="folder for the journal and snapshots")
    parser.add_argument("--default-ns", default=DEFAULT_NAMESPACE)
    parser.add_argument(
        "--journal-max-mb",
        type=float,
        default=64.0,
        help="snapshot and start a new journal once the journal is this large",
    )
    _trigger_flags(parser)
    args = parser.parse_args(argv)
    from .storage import DataDirLocked

    try:
        asyncio.run(_serve(args))
    except DataDirLocked as exc:
        log.error("rtdb: %s", exc)
        sys.exit(2)


def _single_project_mode(value: str) -> str:
    if value.lower() not in SINGLE_PROJECT_MODES:
        raise argparse.ArgumentTypeError(f"expected Warning, Error or None, not {value!r}")
    return value


def _trigger_flags(parser: argparse.ArgumentParser) -> None:
    """The flags Google's database emulator JAR takes for function triggers (same names)."""
    parser.add_argument("--functions_emulator_host", default=None, help="default 127.0.0.1")
    parser.add_argument(
        "--functions_emulator_port",
        type=int,
        default=None,
        help="the Functions emulator that receives trigger events (none: not sent)",
    )
    parser.add_argument(
        "--single_project_mode",
        type=_single_project_mode,
        default=None,
        help="Warning or Error: when triggers name more than one project",
    )
    parser.add_argument(
        "--trigger-queue-max",
        type=int,
        default=MAX_QUEUE,
        help="undelivered events kept per trigger; more are dropped (and logged)",
    )
    parser.add_argument(
        "--trigger-not-found-grace",
        type=float,
        default=NOT_FOUND_GRACE,
        help="seconds a trigger the Functions emulator answers 404 for is retried (it "
        "answers 404 while it is still loading functions) before it is unregistered",
    )


def _transfer(command: str, argv: list[str]) -> int:
    from .storage import DataDirLocked, transfer

    parser = argparse.ArgumentParser(prog=f"rtdb {command}")
    parser.add_argument("--data", required=True, help="the server's data folder")
    parser.add_argument("--ns", default=DEFAULT_NAMESPACE, help="namespace (database name)")
    parser.add_argument("--path", default="/", help="database path (default: the root)")
    if command == "export":
        parser.add_argument("--export", action="store_true", help="keep priorities")
        parser.add_argument("--pretty", action="store_true", help="indent the output")
        parser.add_argument("-o", "--output", default=None, help="file (default: stdout)")
    else:
        parser.add_argument("--merge", action="store_true", help="update instead of replace")
        parser.add_argument("file", nargs="?", default=None, help="JSON file (default: stdin)")
    args = parser.parse_args(argv)
    try:
        if command == "export":
            text = transfer.export_json(args.data, args.ns, args.path, args.export, args.pretty)
            if args.output:
                with open(args.output, "w", encoding="utf-8") as f:
                    f.write(text + "\n")
            else:
                sys.stdout.write(text + "\n")
        else:
            value = transfer.read_input(args.file)
            size = transfer.import_json(args.data, args.ns, value, args.path, args.merge)
            log.info("rtdb: imported %d bytes into %s at %s", size, args.ns, args.path)
    except DataDirLocked as exc:
        log.error("rtdb %s: %s; use the REST API of the running server instead", command, exc)
        return 2
    except (ValueError, OSError) as exc:
        log.error("rtdb %s: %s", command, exc)
        return 1
    return 0


async def _serve(args: argparse.Namespace) -> None:
    state = ServerState(args.default_ns)
    # Worker threads (the journal's, the big-request worker) hand results back to the
    # event loop; with the default 5 ms GIL switch interval each handoff can wait that
    # long, and a loop sharing the GIL with a busy worker gets a turn only that often.
    sys.setswitchinterval(0.0005)
    storage = None
    if args.data:
        from .storage import Storage

        storage = Storage(args.data, state.namespaces, int(args.journal_max_mb * 1024 * 1024))
        state.durability = storage.journal
        state.rules_store = storage.save_rules
        storage.start()
        # The loaded tree is immutable and long-lived: keep the cyclic GC from rescanning
        # it (a pause proportional to the database size) on every full collection.
        gc.freeze()
    connectable = "127.0.0.1" if args.host in ("0.0.0.0", "::", "") else args.host
    state.triggers.configure(
        f"{connectable}:{args.port}",
        args.functions_emulator_host,
        args.functions_emulator_port,
        args.single_project_mode,
        args.trigger_queue_max,
        not_found_grace=args.trigger_not_found_grace,
    )
    if storage is not None:
        from pathlib import Path

        from .transports.triggers_store import GatedDurability, TriggerStore

        trigger_store = TriggerStore(Path(args.data) / "triggers")
        await state.triggers.start(storage.journal, trigger_store)
        state.durability = GatedDurability(storage.journal, trigger_store)
    else:
        await state.triggers.start(state.durability)
    app = create_app(state)
    # SIGTERM: requests still running after this long are cancelled; their writes were
    # never acknowledged, and everything acknowledged is already on disk.
    runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1)
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
    await state.triggers.close()
    if storage is not None:
        await storage.close()
        log.info("rtdb: data flushed and snapshotted to %s", args.data)


if __name__ == "__main__":
    main()
