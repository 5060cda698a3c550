"""The footer's connection indicator, and the page's hidden readiness signal.

Users see one small indicator: "Online", "Reconnecting…" or "Offline" (the states of
app/services/connection.py), said politely to screen readers when it changes. The
interpreter's state stays in `#py-status`'s data-state (loading, ready, error), which the
tests and benches wait on; it is not shown or announced unless the start failed, when it
says why in words.
"""

from pyscript import window

from app.services import connection
from app.ui.dom import by_id, set_attr, set_text

WORDS = {
    "connecting": ("Connecting…", "Connecting to Nimbus."),
    "online": ("Online", "Connected: questions and answers arrive live."),
    "reconnecting": (
        "Reconnecting…",
        "The connection dropped; your changes are sent once it is back.",
    ),
    "offline": ("Offline", "No connection: your changes are sent once you are back online."),
}


def mark(name):
    """A performance mark bench/lesson_bench.py reads (e.g. nimbus:forum-live)."""
    window.performance.mark("nimbus:" + name)


def set_python_ready():
    element = by_id("py-status")
    element.setAttribute("data-state", "ready")
    set_text(element, "ready")
    mark("py-ready")


def set_python_error(err):
    element = by_id("py-status")
    element.setAttribute("data-state", "error")
    set_text(element, "error: " + str(err))


class StatusView:
    """The connection indicator; it does not depend on who is signed in."""

    def __init__(self):
        self.root = by_id("connection")
        self.text = by_id("connection-text")
        connection.watch(self.show)

    def show(self, state):
        words, why = WORDS.get(state, WORDS["connecting"])
        set_attr(self.root, "data-state", state)
        set_attr(self.root, "title", why)
        set_text(self.text, words)

    def signed_in(self, user):
        pass

    def signed_out(self):
        pass
