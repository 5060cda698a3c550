"""The trigger delivery policy without a socket: backoff schedule, verdicts, queue bound.

``rtdb.transports.triggers`` asks :class:`Attempts` what each answer of the Functions
emulator means and waits :meth:`Attempts.next_delay` between tries; the end-to-end runs
against a real HTTP sink are in ``tests/server/test_triggers_delivery.py``.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rtdb.core import trigger_delivery as D
from rtdb.core.trigger_delivery import Attempts, Backlog, Verdict


def test_backoff_doubles_from_the_first_delay_up_to_the_cap() -> None:
    delays = [D.backoff(n) for n in range(10)]
    assert delays == [0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 5.0, 5.0, 5.0, 5.0]
    assert [D.backoff(n, 0.005, 0.02) for n in range(4)] == [0.005, 0.01, 0.02, 0.02]


@given(st.integers(0, 2000))
def test_backoff_never_exceeds_the_cap_and_never_shrinks(attempt: int) -> None:
    assert 0 < D.backoff(attempt) <= D.BACKOFF_MAX
    assert D.backoff(attempt) <= D.backoff(attempt + 1)


def test_an_outage_of_hours_keeps_waiting_the_cap() -> None:
    """Attempt 1024 on, ``first * 2**attempt`` is no float: it raised OverflowError, which
    ended the trigger's delivery task after ~1.4 h of a Functions emulator down."""
    assert D.backoff(1024) == D.backoff(10**6) == D.BACKOFF_MAX
    attempts = Attempts(attempt=1023)
    assert [attempts.next_delay(0.1, 5.0) for _ in range(3)] == [5.0, 5.0, 5.0]


def test_next_delay_walks_the_schedule_one_attempt_at_a_time() -> None:
    attempts = Attempts()
    assert [attempts.next_delay(1.0, 4.0) for _ in range(4)] == [1.0, 2.0, 4.0, 4.0]
    assert attempts.attempt == 4


@pytest.mark.parametrize("status", [200, 201, 204, 299])
def test_any_2xx_is_delivered(status: int) -> None:
    assert Attempts().answer(status, 0.0) is Verdict.DELIVERED


@pytest.mark.parametrize("status", [400, 401, 403, 405, 413, 302, 100])
def test_an_answer_the_function_will_never_take_is_refused_at_once(status: int) -> None:
    attempts = Attempts()
    assert attempts.answer(status, 0.0) is Verdict.REFUSED
    assert attempts.failures == 0


def test_no_answer_is_retried_forever() -> None:
    attempts = Attempts()
    assert {attempts.answer(None, float(t)) for t in range(10_000)} == {Verdict.RETRY}
    assert attempts.failures == 0


@pytest.mark.parametrize("status", [500, 502, 503, 599, 408, 429])
def test_server_errors_are_retried_then_the_event_fails(status: int) -> None:
    attempts = Attempts()
    verdicts = [attempts.answer(status, 0.0) for _ in range(D.HTTP_ATTEMPTS)]
    assert verdicts == [Verdict.RETRY] * (D.HTTP_ATTEMPTS - 1) + [Verdict.FAILED]
    assert attempts.failures == D.HTTP_ATTEMPTS


def test_unanswered_tries_do_not_count_towards_the_failure_limit() -> None:
    attempts = Attempts(max_failures=3)
    answers = [500, None, None, 503, None, 500]
    assert [attempts.answer(s, 0.0) for s in answers] == [Verdict.RETRY] * 5 + [Verdict.FAILED]


def test_not_found_is_retried_for_the_grace_measured_from_the_first_404() -> None:
    attempts = Attempts(not_found_grace=60.0)
    assert attempts.answer(404, 100.0) is Verdict.RETRY
    assert attempts.answer(None, 130.0) is Verdict.RETRY  # an outage between does not reset it
    assert attempts.answer(404, 159.9) is Verdict.RETRY
    assert attempts.answer(404, 160.0) is Verdict.GONE
    assert attempts.failures == 0  # 404s are not failures: a reloading emulator is not broken


def test_a_404_after_the_grace_only_counts_from_when_404s_started() -> None:
    attempts = Attempts(not_found_grace=10.0)
    for t in range(0, 50, 5):
        assert attempts.answer(503, float(t)) is Verdict.RETRY
    assert attempts.answer(404, 50.0) is Verdict.RETRY
    assert attempts.answer(404, 60.0) is Verdict.GONE


def test_zero_grace_gives_up_on_the_first_404() -> None:
    assert Attempts(not_found_grace=0.0).answer(404, 5.0) is Verdict.GONE


def test_the_backlog_keeps_commit_order_and_refuses_past_its_bound() -> None:
    backlog: Backlog[str] = Backlog()
    assert [backlog.offer(f"e{n}", 3) for n in range(5)] == [True, True, True, False, False]
    assert list(backlog) == ["e0", "e1", "e2"]
    assert backlog.pop_first() == "e0"
    assert backlog.offer("e5", 3)  # room again once one is delivered
    assert [backlog.first(), len(backlog)] == ["e1", 3]
    assert list(backlog) == ["e1", "e2", "e5"]


def test_restored_events_are_never_refused_even_over_the_bound() -> None:
    """Events saved by an earlier run were admitted then; a smaller bound now drops none."""
    backlog: Backlog[int] = Backlog()
    for n in range(5):
        backlog.restore(n)
    assert len(backlog) == 5
    assert not backlog.offer(99, 5)
    backlog.clear()
    assert len(backlog) == 0 and not backlog
