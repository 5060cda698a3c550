"""A synchronous Python handle on the real Firebase JS SDK (``tools/testing/js/driver.mjs``).

One :class:`JsDriver` is one Node process; each :class:`JsClient` is one SDK app instance
in it, with its own connection, so a test can run several concurrent clients. Every
command is acknowledged with its result or the SDK's error; listener events are logged
in the order the SDK fired them, for :meth:`JsDriver.wait_for`.
"""

from __future__ import annotations

import json
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from tools.project import ROOT

DRIVER = Path(__file__).with_name("js") / "driver.mjs"
TIMEOUT = 15.0


class JsError(Exception):
    """An SDK call failed; ``code`` is the SDK's error code (``PERMISSION_DENIED``, ...)."""

    def __init__(self, code: str | None, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def sv_timestamp() -> dict[str, Any]:
    """Placeholder for ``serverTimestamp()`` inside a value sent through the driver."""
    return {"$sv": "timestamp"}


def sv_increment(n: int | float) -> dict[str, Any]:
    """Placeholder for ``increment(n)``."""
    return {"$sv": {"increment": n}}


class JsDriver:
    """One Node process running the driver; events from all its clients share one log."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.proc = subprocess.Popen(
            ["node", str(DRIVER)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )
        self._cond = threading.Condition()
        self._replies: dict[int, dict[str, Any]] = {}
        self._next_id = 1
        self.events: list[dict[str, Any]] = []
        self.stderr: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_err, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            msg = json.loads(line)
            with self._cond:
                if "ev" in msg:
                    self.events.append(msg["ev"])
                else:
                    self._replies[msg["id"]] = msg
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    def _read_err(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.stderr.append(line)

    def call(self, cmd: str, timeout: float = TIMEOUT, **args: Any) -> Any:
        """Run one driver command; returns its result or raises :class:`JsError`."""
        with self._cond:
            rid = self._next_id
            self._next_id += 1
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"id": rid, "cmd": cmd, **args}) + "\n")
        self.proc.stdin.flush()
        deadline = time.monotonic() + timeout
        with self._cond:
            while rid not in self._replies:
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    raise TimeoutError(
                        f"driver gave no answer to {cmd} {args} in {timeout}s; "
                        f"stderr: {''.join(self.stderr)[-2000:]}"
                    )
                self._cond.wait(min(left, 0.5))
            reply = self._replies.pop(rid)
        if not reply["ok"]:
            raise JsError(reply.get("code"), reply.get("message", ""))
        return reply["result"]

    def client(self, ns: str, token: dict[str, Any] | str | None = None) -> JsClient:
        """A new SDK app instance on namespace ``ns`` (``token``: mock claims or ``'owner'``)."""
        cid = self.call("connect", host=self.host, port=self.port, ns=ns, token=token)
        return JsClient(self, cid)

    def wait_for(
        self, predicate: Callable[[list[dict[str, Any]]], Any], timeout: float = TIMEOUT
    ) -> Any:
        """Wait until ``predicate(events)`` is truthy and return its value."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                result = predicate(list(self.events))
                if result:
                    return result
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"condition not met; events: {self.events[-20:]}")
                self._cond.wait(min(left, 0.5))

    def kill(self) -> None:
        """End the Node process at once: its sockets drop without a close handshake."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def close(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.kill()


class JsClient:
    """One SDK app (one connection). Paths are strings; queries are constraint lists.

    A query is a list such as ``[["orderByChild", "score"], ["startAt", 3], ["limitToFirst", 2]]``.
    """

    def __init__(self, driver: JsDriver, cid: int) -> None:
        self.driver = driver
        self.id = cid

    def _call(self, cmd: str, **args: Any) -> Any:
        return self.driver.call(cmd, client=self.id, **args)

    def set(self, path: str, value: Any) -> None:
        self._call("set", path=path, value=value)

    def update(self, path: str, value: dict[str, Any]) -> None:
        self._call("update", path=path, value=value)

    def remove(self, path: str) -> None:
        self._call("remove", path=path)

    def push(self, path: str, value: Any) -> str:
        return self._call("push", path=path, value=value)

    def get(self, path: str, query: list | None = None) -> dict[str, Any]:
        """``{"key", "val", "exportVal", "priority", "keys"}`` of the snapshot."""
        return self._call("get", path=path, query=query)

    def val(self, path: str, query: list | None = None) -> Any:
        return self.get(path, query)["val"]

    def set_with_priority(self, path: str, value: Any, priority: Any) -> None:
        self._call("setWithPriority", path=path, value=value, priority=priority)

    def set_priority(self, path: str, priority: Any) -> None:
        self._call("setPriority", path=path, priority=priority)

    def transaction(
        self, path: str, recipe: str, arg: Any = None, apply_locally: bool = True
    ) -> dict[str, Any]:
        """``runTransaction`` with a named update function (see ``RECIPES`` in the driver)."""
        return self._call(
            "transaction", path=path, recipe=recipe, arg=arg, applyLocally=apply_locally
        )

    def on(self, kind: str, path: str, query: list | None = None) -> int:
        """Attach a listener (``value``, ``child_added``, ...); returns its id."""
        return self._call("on", kind=kind, path=path, query=query)

    def off(self, listener: int) -> None:
        self._call("off", listener=listener)

    def on_disconnect(self, op: str, path: str, value: Any = None, priority: Any = None) -> None:
        """``onDisconnect(ref).<op>()``: op is set, update, remove, cancel or setWithPriority."""
        self._call("onDisconnect", op=op, path=path, value=value, priority=priority)

    def go_offline(self) -> None:
        self._call("goOffline")

    def go_online(self) -> None:
        self._call("goOnline")

    def destroy_socket(self) -> None:
        """Drop this client's TCP connection abruptly (no close frame); the SDK reconnects."""
        self._call("destroySocket")

    def close(self) -> None:
        self._call("close")

    # -- the event log ---------------------------------------------------------------

    def events(self, listener: int | None = None, kind: str | None = None) -> list[dict[str, Any]]:
        return [
            e
            for e in list(self.driver.events)
            if e.get("client") == self.id
            and (listener is None or e["listener"] == listener)
            and (kind is None or e["type"] == kind)
        ]

    def wait_for(
        self,
        predicate: Callable[[list[dict[str, Any]]], Any],
        listener: int | None = None,
        timeout: float = TIMEOUT,
    ) -> Any:
        """Wait until ``predicate(this client's events [of listener])`` is truthy."""
        return self.driver.wait_for(lambda _: predicate(self.events(listener)), timeout=timeout)

    def wait_value(self, listener: int, value: Any, timeout: float = TIMEOUT) -> dict[str, Any]:
        """Wait for a value event of ``listener`` whose ``val`` equals ``value``."""

        def found(evs: list[dict[str, Any]]) -> dict[str, Any] | None:
            for e in reversed(evs):
                if e["type"] == "value":
                    return e if e["val"] == value else None
            return None

        return self.wait_for(found, listener, timeout)


class JsFactory:
    """The ``js`` fixture: ``js()`` gives a client on the test's namespace; ``js.driver()``
    a separate Node process (to kill it abruptly)."""

    def __init__(self, host: str, port: int, ns: str) -> None:
        self.host, self.port, self.ns = host, port, ns
        self._drivers: list[JsDriver] = []
        self._main: JsDriver | None = None

    def driver(self) -> JsDriver:
        d = JsDriver(self.host, self.port)
        self._drivers.append(d)
        return d

    @property
    def main(self) -> JsDriver:
        if self._main is None:
            self._main = self.driver()
        return self._main

    def __call__(
        self, token: dict[str, Any] | str | None = None, ns: str | None = None
    ) -> JsClient:
        return self.main.client(ns or self.ns, token)

    def close(self) -> None:
        for d in self._drivers:
            d.close()


def js_fixture(server: Any, ns: str) -> Iterator[JsFactory]:
    """The body of a ``js`` fixture: a :class:`JsFactory` on ``server``, closed afterwards."""
    factory = JsFactory(server.host, server.port, ns)
    try:
        yield factory
    finally:
        factory.close()
