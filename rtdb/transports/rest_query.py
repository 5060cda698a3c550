"""REST query parameters (``orderBy``, ``startAt``, ...) → :class:`QuerySpec`.

Every value is JSON (``orderBy="height"``, ``equalTo="x"``); a range value may carry the
JS SDK's key tie-break, ``startAt=5,"k"``. Errors use Firebase's wording, because the
REST clients in the wild show the server's message as is.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..core import paths
from ..core.errors import DatabaseError
from ..core.ordering import MAX_NAME, MIN_NAME, is_number
from ..core.query import KEY_INDEX, PRIORITY_INDEX, VALUE_INDEX, Bound, InvalidQuery, QuerySpec

RANGE_PARAMS = ("startAt", "startAfter", "endAt", "endBefore", "equalTo")
LIMIT_PARAMS = ("limitToFirst", "limitToLast")
_SPECIAL_INDEXES = {"$key": KEY_INDEX, "$value": VALUE_INDEX, "$priority": PRIORITY_INDEX}

NO_ORDER_BY = "orderBy must be defined when other query parameters are defined"
BAD_ORDER_BY = "orderBy must be a valid JSON encoded path"
NOT_PRIMITIVE = "Constraint index field must be a JSON primitive"


def _json(text: str) -> Any:
    return json.loads(text, parse_constant=reject_constant)


def reject_constant(name: str) -> Any:
    """``parse_constant`` for request JSON: NaN and Infinity are not JSON (Python reads them)."""
    raise ValueError(name)


def _is_primitive(v: Any) -> bool:
    return v is None or isinstance(v, (bool, str)) or is_number(v)


def _order_by(text: str) -> str:
    try:
        value = _json(text)
    except (ValueError, RecursionError):
        raise InvalidQuery(BAD_ORDER_BY) from None
    if not isinstance(value, str) or not value:
        raise InvalidQuery(BAD_ORDER_BY)
    if value in _SPECIAL_INDEXES:
        return _SPECIAL_INDEXES[value]
    if value.startswith("$") or value in (".key", ".value", ".priority"):
        raise InvalidQuery(BAD_ORDER_BY)
    try:
        keys = paths.parse(value)
    except DatabaseError:
        raise InvalidQuery(BAD_ORDER_BY) from None
    if not keys:
        raise InvalidQuery(BAD_ORDER_BY)
    return "/".join(keys)


def _range_value(text: str) -> tuple[Any, str | None]:
    """``5`` → (5, None); ``5,"k"`` → (5, "k")."""
    try:
        return _check_primitive(_json(text)), None
    except ValueError:
        pass
    except RecursionError:
        raise InvalidQuery(NOT_PRIMITIVE) from None
    try:
        pair = _json("[" + text + "]")
    except (ValueError, RecursionError):
        raise InvalidQuery(NOT_PRIMITIVE) from None
    if len(pair) != 2 or not isinstance(pair[1], str):
        raise InvalidQuery(NOT_PRIMITIVE)
    return _check_primitive(pair[0]), pair[1]


def _check_primitive(value: Any) -> Any:
    if not _is_primitive(value):
        raise InvalidQuery(NOT_PRIMITIVE)
    return value


def _limit(name: str, text: str) -> int:
    try:
        value = _json(text)
    except (ValueError, RecursionError):
        value = None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InvalidQuery(f"{name} must be a positive integer")
    return value


def _check_index_type(index: str, name: str, value: Any) -> None:
    if index == KEY_INDEX and not isinstance(value, str):
        raise InvalidQuery(f"{name}: when ordering by key, the value must be a string")
    if index == PRIORITY_INDEX and isinstance(value, bool):
        raise InvalidQuery(
            f"{name}: when ordering by priority, the value must be a valid priority "
            "(null, a number, or a string)"
        )


def _bound(index: str, name: str, text: str, inclusive: bool, sentinel: str) -> Bound:
    value, key = _range_value(text)
    _check_index_type(index, name, value)
    if key is not None:
        if index == KEY_INDEX:
            raise InvalidQuery(f"{name}: when ordering by key, no key tie-break may be given")
        return Bound(value, key, inclusive)
    if not inclusive and index != KEY_INDEX:
        return Bound(value, sentinel, False)
    return Bound(value, None, inclusive)


def parse_query(params: Mapping[str, str], *, shallow: bool = False) -> QuerySpec | None:
    """The query a REST request asks for, or None for a plain read.

    ``shallow`` allows a limit without ``orderBy`` (firebase-tools probes an export with
    ``shallow=true&limitToFirst=1``, which Google's emulator accepts).
    """
    present = [p for p in (*RANGE_PARAMS, *LIMIT_PARAMS) if p in params]
    order_text = params.get("orderBy")
    if order_text is None:
        if not present:
            return None
        if shallow and all(p in LIMIT_PARAMS for p in present):
            order_text = '"$priority"'
        else:
            raise InvalidQuery(NO_ORDER_BY)
    index = _order_by(order_text)
    if "equalTo" in params and any(
        p in params for p in ("startAt", "startAfter", "endAt", "endBefore")
    ):
        raise InvalidQuery("equalTo cannot be specified in addition to startAt or endAt")
    if "startAt" in params and "startAfter" in params:
        raise InvalidQuery("startAt and startAfter cannot both be specified")
    if "endAt" in params and "endBefore" in params:
        raise InvalidQuery("endAt and endBefore cannot both be specified")
    if "limitToFirst" in params and "limitToLast" in params:
        raise InvalidQuery("limitToFirst and limitToLast cannot both be specified")
    start = end = None
    if "equalTo" in params:
        start = end = _bound(index, "equalTo", params["equalTo"], True, MIN_NAME)
    if "startAt" in params:
        start = _bound(index, "startAt", params["startAt"], True, MIN_NAME)
    if "startAfter" in params:
        start = _bound(index, "startAfter", params["startAfter"], False, MAX_NAME)
    if "endAt" in params:
        end = _bound(index, "endAt", params["endAt"], True, MAX_NAME)
    if "endBefore" in params:
        end = _bound(index, "endBefore", params["endBefore"], False, MIN_NAME)
    limit = view_from = None
    if "limitToFirst" in params:
        limit, view_from = _limit("limitToFirst", params["limitToFirst"]), "l"
    if "limitToLast" in params:
        limit, view_from = _limit("limitToLast", params["limitToLast"]), "r"
    return QuerySpec(index, start, end, limit, view_from)
