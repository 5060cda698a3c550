"""Status bar: interpreter state, signed-in user and the live /smoke/message value.

The e2e test and bench/startup.py read #py-status, #smoke-user and #smoke-message.
"""

from pyscript import window

from app.binding.live import LiveValue
from app.model import paths
from app.ui.dom import by_id, set_text


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
    def __init__(self):
        self.user = by_id("smoke-user")
        self.message = by_id("smoke-message")
        self.model = LiveValue(paths.smoke_message(), self)

    def signed_in(self, user):
        set_text(self.user, user["name"])
        self.user.setAttribute("data-state", "signed-in")
        self.model.start()

    def signed_out(self):
        self.model.stop()
        set_text(self.user, "nobody")
        self.user.setAttribute("data-state", "signed-out")
        set_text(self.message, "–")
        self.message.removeAttribute("data-state")

    def show(self, value):
        set_text(self.message, "(none)" if value is None else value)
        self.message.setAttribute("data-state", "live")

    def error(self, err):
        set_text(self.message, "error: " + err.message)
        self.message.setAttribute("data-state", "error")
