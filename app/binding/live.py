"""Live models. A model owns one subscription and forwards events to a view.

Views are plain objects; a keyed view implements upsert(key, value, prev_key) and
remove(key), a value view implements show(value); both may implement error(err), err an
app.services.errors.ServiceError (a refused read has kind PERMISSION).
Models start on sign-in and stop on sign-out, because the rules only admit signed-in
readers. Nothing here re-renders: each event reaches the view as one keyed change.
"""

from app.services import database


class _Model:
    def __init__(self, view):
        self.view = view
        self._sub = None

    @property
    def running(self):
        return self._sub is not None

    def stop(self):
        if self._sub is not None:
            self._sub.cancel()
            self._sub = None

    def restart(self):
        self.stop()
        self.start()

    def _error(self, err):
        self._sub = None  # the SDK cancels a listener it reports an error on
        if hasattr(self.view, "error"):
            self.view.error(err)


class LiveValue(_Model):
    """The value at one path, pushed to view.show(value)."""

    def __init__(self, path, view):
        super().__init__(view)
        self.path = path

    def start(self):
        if self._sub is None:
            self._sub = database.watch_value(self.path, self.view.show, self._error)


class LiveList(_Model):
    """The children of a query ({"path", "order_by_child"?, "equal_to"?, "limit_to_last"?,
    "start_at"? (by key, from that key on)}).

    limit_to_last is the window: the last n children in the query's order, so a page opens
    with a bounded read however long the list grows.
    """

    def __init__(self, query, view):
        super().__init__(view)
        if isinstance(query, str):
            query = {"path": query}
        self.query = query

    def start(self):
        if self._sub is None:
            q = self.query
            self._sub = database.watch_children(
                q["path"],
                self.view.upsert,
                self._changed,
                self.view.remove,
                order_by_child=q.get("order_by_child"),
                on_error=self._error,
                equal_to=q.get("equal_to"),
                loaded=getattr(self.view, "loaded", None),
                limit_to_last=q.get("limit_to_last"),
                start_at=q.get("start_at"),
            )

    def _changed(self, key, value):
        self.view.upsert(key, value, None)
