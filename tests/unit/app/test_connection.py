"""The connection indicator's states (app/services/connection.py's Tracker), fact by fact."""

from __future__ import annotations

from app.services.connection import Tracker


def tracker(online: bool = True) -> tuple[Tracker, list[str]]:
    seen: list[str] = []
    return Tracker(seen.append, online), seen


def test_connecting_until_first_connected_then_online() -> None:
    t, seen = tracker()
    assert seen == ["connecting"] and t.wants_timer()
    t.set_connected(False)  # the SDK's first value is false while it connects
    t.set_connected(True)
    assert seen == ["connecting", "online"] and not t.wants_timer()


def test_a_drop_is_reconnecting_and_stays_so_until_the_timer() -> None:
    t, seen = tracker()
    t.set_connected(True)
    t.set_connected(False)
    assert seen[-1] == "reconnecting" and t.wants_timer()
    t.timer_expired()
    assert seen[-1] == "offline" and not t.wants_timer()
    t.set_connected(True)
    assert seen == ["connecting", "online", "reconnecting", "offline", "online"]


def test_never_connected_is_offline_after_the_timer() -> None:
    t, seen = tracker()
    t.timer_expired()
    assert seen == ["connecting", "offline"]


def test_the_browser_offline_is_offline_at_once_and_online_resumes() -> None:
    t, seen = tracker()
    t.set_connected(True)
    t.set_browser_online(False)
    assert seen[-1] == "offline" and not t.wants_timer()
    t.set_connected(False)  # the SDK drops the socket when the browser goes offline
    t.set_browser_online(True)
    assert seen[-1] == "reconnecting" and t.wants_timer()
    t.set_connected(True)
    assert seen[-1] == "online"


def test_a_late_timer_after_reconnecting_changes_nothing() -> None:
    t, seen = tracker()
    t.set_connected(True)
    t.set_connected(False)
    t.set_connected(True)
    t.timer_expired()
    assert seen[-1] == "online"


def test_a_page_opened_offline_says_offline() -> None:
    _, seen = tracker(online=False)
    assert seen == ["offline"]
