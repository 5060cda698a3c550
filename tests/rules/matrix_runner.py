"""Runs a rules matrix: a markdown table of (operation, user) cells against the real server.

``matrix.md`` holds the forum's, payments' and search's rows; each later area keeps its own
``matrix_<area>.md`` beside a ``test_matrix_<area>.py`` that maps every row to the request it
makes, so the table a reader checks is the one the test runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from firebase_admin import db, exceptions
from forum_world import USERS, Actor, fixture_data

Op = Callable[[Actor], Any]
Setup = Callable[[db.Reference, Actor], None]


class Refused(Exception):
    """A raw REST request the server refused (401/403)."""


def rest(actor: Actor, method: str, path: str, body: Any) -> None:
    """Send a raw REST request as ``actor``; a refusal raises :class:`Refused`."""
    reply = actor.rest(method, path, body)
    if reply.status in (401, 403):
        raise Refused(reply.text)
    assert reply.status == 200, (reply.status, reply.body)


def parse_matrix(path: Path) -> list[tuple[str, str, bool]]:
    """(operation, user column, allowed) for every cell of the table in ``path``."""
    rows = [
        [c.strip() for c in line.strip().strip("|").split("|")]
        for line in path.read_text().splitlines()
        if line.startswith("|") and not re.match(r"^\|[-| ]+\|$", line)
    ]
    header, body = rows[0], rows[1:]
    assert header[1:] == [u.column for u in USERS], header
    cells = []
    for row in body:
        for column, mark in zip(header[1:], row[1:], strict=True):
            assert mark in ("✓", "✗"), (row[0], column, mark)
            cells.append((row[0], column, mark == "✓"))
    return cells


def run_cell(
    world: dict[str, Any],
    ops: dict[str, Op],
    setup: dict[str, Setup],
    operation: str,
    column: str,
    allowed: bool,
) -> None:
    """Reset the fixture, run the row's setup, act as ``column`` and compare with the table."""
    owner = world["owner"]
    owner.set(fixture_data())
    actor = world["actors"][column]
    if operation in setup:
        setup[operation](owner, actor)
    before = owner.get()
    try:
        ops[operation](actor)
    except (exceptions.UnauthenticatedError, Refused):
        outcome = False
    else:
        outcome = True
    expected = "allow" if allowed else "deny"
    assert outcome == allowed, f"{operation!r} as {column}: expected {expected}"
    if not outcome:
        assert owner.get() == before, "a denied request changed data"


def matrix_tests(
    table: Path, ops: dict[str, Op], setup: dict[str, Setup]
) -> tuple[Callable[[], None], Callable[..., None]]:
    """The two tests every matrix module runs: each row of ``table`` has its operation, and
    each cell holds (with the ``world`` fixture of tests/rules/conftest.py)."""
    cells = parse_matrix(table)

    def test_every_operation_in_the_table_is_implemented() -> None:
        assert {op for op, _, _ in cells} == set(ops)
        assert set(setup) <= set(ops)

    @pytest.mark.parametrize(
        ("operation", "column", "allowed"), cells, ids=[f"{o} / {c}" for o, c, _ in cells]
    )
    def test_cell(world, operation: str, column: str, allowed: bool) -> None:
        run_cell(world, ops, setup, operation, column, allowed)

    return test_every_operation_in_the_table_is_implemented, test_cell
