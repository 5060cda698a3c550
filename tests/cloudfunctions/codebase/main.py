"""A test-only functions codebase: one function per trigger kind the runtime must carry.

Each database-triggered function records the event it saw under ``_seen/<function>/<event
id>`` (an idempotent write keyed by the event id, so a redelivered event changes nothing),
and counts first deliveries in a transaction guarded by that record. The tests compare
what the function saw with what Firebase documents.
"""

from typing import Any

import firebase_admin
from firebase_admin import db
from firebase_functions import db_fn, https_fn, scheduler_fn

firebase_admin.initialize_app()


def _record(name: str, event: db_fn.Event[Any], data: Any) -> None:
    """Write what the function saw once per event id; count first deliveries."""
    seen = db.reference(f"_seen/{name}/{event.id}")
    first = {"value": False}

    def claim(current: Any) -> Any:
        if current is not None:
            first["value"] = False
            return current
        first["value"] = True
        return {
            "ref": event.reference,
            "params": dict(event.params),
            "authtype": getattr(event.auth_type, "value", event.auth_type),
            "authid": event.auth_id,
            "data": data,
            "type": event.type,
        }

    seen.transaction(claim)
    if first["value"]:
        db.reference(f"_count/{name}").transaction(lambda n: (n or 0) + 1)


def _change(event: db_fn.Event[db_fn.Change[Any]]) -> dict[str, Any]:
    return {"before": event.data.before, "after": event.data.after}


@db_fn.on_value_written(reference="t/{room}/{msg}")
def on_msg_written(event: db_fn.Event[db_fn.Change[Any]]) -> None:
    _record("written", event, _change(event))


@db_fn.on_value_created(reference="t/{room}/{msg}")
def on_msg_created(event: db_fn.Event[Any]) -> None:
    _record("created", event, event.data)


@db_fn.on_value_updated(reference="t/{room}/{msg}")
def on_msg_updated(event: db_fn.Event[db_fn.Change[Any]]) -> None:
    _record("updated", event, _change(event))


@db_fn.on_value_deleted(reference="t/{room}/{msg}")
def on_msg_deleted(event: db_fn.Event[Any]) -> None:
    _record("deleted", event, event.data)


@db_fn.on_value_created(reference="echo/{id}")
def echo(event: db_fn.Event[Any]) -> None:
    """The bench's round trip: a write in, the function's own write out."""
    db.reference(f"echoed/{event.params['id']}").set(event.data)


@https_fn.on_call()
def whoami(req: https_fn.CallableRequest) -> dict[str, Any]:
    if req.auth is None:
        raise https_fn.HttpsError(https_fn.FunctionsErrorCode.UNAUTHENTICATED, "Sign in first.")
    return {"uid": req.auth.uid, "admin": req.auth.token.get("admin") is True, "data": req.data}


@scheduler_fn.on_schedule(schedule="every day 07:00")
def tick(event: scheduler_fn.ScheduledEvent) -> None:
    db.reference("_ticks").push({"job": event.job_name, "at": event.schedule_time.isoformat()})
