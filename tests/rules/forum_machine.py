"""What the rules' hypothesis state machines share: the world they act on, one refusal-aware
write and read, and the run against a fresh namespace of the local server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from firebase_admin import exceptions
from forum_world import Actor, fixture_data, forum_namespace
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, initialize

WORLD: dict[str, Any] = {}  # owner and actors of the namespace the running machine uses


def attempt(write: Callable[[], Any]) -> bool:
    """Run one write; False when the rules refused it."""
    try:
        write()
    except exceptions.UnauthenticatedError:
        return False
    return True


def read(actor: Actor, path: str) -> Any:
    """The value at path as actor sees it (None when absent or not readable)."""
    try:
        return actor.ref(path).get()
    except exceptions.UnauthenticatedError:
        return None


class WorldMachine(RuleBasedStateMachine):
    """Every run starts from the fixture data; rules act as the fixture's users."""

    @initialize()
    def reset(self) -> None:
        WORLD["owner"].set(fixture_data())

    def actor(self, column: str) -> Actor:
        return WORLD["actors"][column]


def run_machine(machine: type[RuleBasedStateMachine], url: str) -> None:
    """Run ``machine`` (30 examples of up to 40 steps) against a fresh namespace at url."""
    with forum_namespace(url) as world:
        WORLD.update(world)
        try:
            machine.TestCase.settings = settings(
                max_examples=30,
                stateful_step_count=40,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
                database=None,
            )
            machine.TestCase("runTest").runTest()
        finally:
            WORLD.clear()
