"""Live models. A model owns one subscription and forwards events to a view.

Views are plain objects; a keyed view implements upsert(key, value, prev_key) and
remove(key), a value view implements show(value). Models start on sign-in and stop on
sign-out, because the security rules only admit signed-in readers.
"""

from app.services import database


class LiveValue:
    """The value at one path, pushed to view.show(value)."""

    def __init__(self, path, view):
        self.path = path
        self.view = view
        self._sub = None

    def start(self):
        if self._sub is None:
            self._sub = database.watch_value(self.path, self.view.show, self._error)

    def stop(self):
        if self._sub is not None:
            self._sub.cancel()
            self._sub = None

    def _error(self, code):
        if hasattr(self.view, "error"):
            self.view.error(code)


class LiveList:
    """The children of one path (optionally ordered by a child), keyed by child key."""

    def __init__(self, path, view, order_by_child=None):
        self.path = path
        self.view = view
        self.order_by_child = order_by_child
        self._sub = None

    def start(self):
        if self._sub is None:
            self._sub = database.watch_children(
                self.path,
                self.view.upsert,
                self._changed,
                self.view.remove,
                order_by_child=self.order_by_child,
                on_error=self._error,
            )

    def stop(self):
        if self._sub is not None:
            self._sub.cancel()
            self._sub = None

    def _changed(self, key, value):
        self.view.upsert(key, value, None)

    def _error(self, code):
        if hasattr(self.view, "error"):
            self.view.error(code)
