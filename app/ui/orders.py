"""Orders page: the learner's orders with their receipts, live; for admins every order,
live, with a Refund button on each paid one.

#orders's data-state: pending (skeleton rows) · signed-out · live · error; data-admin is
set for admins (the rules let only them read all of `orders`, and only them call
`refund_order`; the button is a convenience, the function decides).
Rows are keyed "<uid>/<orderId>" and sorted newest first; each update touches one row.
"""

from pyscript import window

from app.binding.live import LiveList
from app.model import paths
from app.services import database, payments
from app.services.clock import epoch_ms
from app.ui.dom import KeyedList, by_id, element, on, set_attr, set_text

STATUS_WORDS = {
    "pending": "Pending",
    "processing": "Processing",
    "paid": "Paid",
    "failed": "Failed",
    "refunded": "Refunded",
}
REFUNDING = "Refunding…"
SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£"}


def money(amount, currency):
    """2900, "usd" -> "$29.00" (amounts are in minor units, as Stripe counts them)."""
    if not isinstance(amount, int):
        return ""
    code = (currency or "usd").lower()
    text = str(amount // 100) + "." + ("0" + str(amount % 100))[-2:]
    symbol = SYMBOLS.get(code)
    return symbol + text if symbol else text + " " + code.upper()


def when(iso):
    """An ISO-8601 UTC time in the reader's own locale and zone ("" if missing)."""
    if not iso:
        return ""
    try:
        return str(window.Date.new(iso).toLocaleString())
    except Exception:  # noqa: BLE001 - an odd value still shows as it is
        return str(iso)


def _newest_first(order):
    created = order.get("createdAt")
    try:
        return -epoch_ms(created) if created else 0
    except (ValueError, IndexError):
        return 0


def _receipt(order):
    return order.get("receipt") or {}


FIELDS = {
    "course": lambda o: o.get("courseTitle") or o.get("courseId", ""),
    "amount": lambda o: money(o.get("amount"), o.get("currency")),
    "status": lambda o: STATUS_WORDS.get(o.get("status"), o.get("status") or ""),
    "date": lambda o: when(o.get("createdAt")),
    "reason": lambda o: (o.get("failureReason") or "") if o.get("status") == "failed" else "",
    "receipt-id": lambda o: _receipt(o).get("orderId", ""),
    "receipt-course": lambda o: _receipt(o).get("courseTitle", ""),
    "receipt-amount": lambda o: money(_receipt(o).get("amount"), _receipt(o).get("currency")),
    "receipt-date": lambda o: when(_receipt(o).get("paidAt")),
    "refunded-date": lambda o: when(o.get("refundedAt")),
    "buyer": lambda o: o.get("_buyer", ""),
}


def _make_row(key, order):
    return element(
        "tr", "order",
        '<td><span data-field="course"></span>'
        '<span class="meta admin-only"> · bought by <span data-field="buyer"></span></span>'
        '<p class="form-error" data-field="reason"></p>'
        '<details class="receipt"><summary>Receipt</summary><dl>'
        '<dt>Order</dt><dd><code data-field="receipt-id"></code></dd>'
        '<dt>Course</dt><dd data-field="receipt-course"></dd>'
        '<dt>Amount</dt><dd data-field="receipt-amount"></dd>'
        '<dt>Paid</dt><dd data-field="receipt-date"></dd>'
        '<dt class="when-refunded">Refunded</dt>'
        '<dd class="when-refunded" data-field="refunded-date"></dd>'
        "</dl></details></td>"
        '<td data-field="amount"></td>'
        '<td><span class="order-status" data-field="status"></span></td>'
        '<td data-field="date"></td>'
        '<td class="admin-only"><button type="button" class="refund">Refund</button>'
        '<p class="form-error refund-error" role="alert"></p></td>',
    )  # fmt: skip


class _Table:
    """The keyed rows, plus each row's status and refund state as attributes."""

    def __init__(self, page):
        self.page = page
        self.list = KeyedList(by_id("order-rows"), self._make, FIELDS, sort_key=_newest_first)
        self.refunding = {}

    def _make(self, key, order):
        row = _make_row(key, order)
        on(row.querySelector(".refund"), "click", lambda *a: self.page.refund(key))
        return row

    def upsert(self, key, order, prev_key=None):
        self.list.upsert(key, order, None)
        row = self.list.find(key)
        status = order.get("status")
        row.setAttribute("data-status", status or "pending")
        set_attr(row, "data-receipt", bool(order.get("receipt")) or None)
        if status != "paid":
            self.refunding.pop(key, None)
        button = row.querySelector(".refund")
        button.disabled = key in self.refunding
        set_text(button, REFUNDING if key in self.refunding else "Refund")
        self.page.counts_changed()

    def remove(self, key):
        self.list.remove(key)
        self.refunding.pop(key, None)
        self.page.counts_changed()

    def clear(self):
        for key in list(self.list.values):
            self.list.remove(key)


class _Mine:
    """orders/<uid>: one child per order."""

    def __init__(self, page, uid):
        self.page = page
        self.uid = uid

    def upsert(self, order_id, order, prev_key=None):
        self.page.table.upsert(self.uid + "/" + order_id, order or {})

    def remove(self, order_id):
        self.page.table.remove(self.uid + "/" + order_id)

    def loaded(self):
        self.page.loaded()

    def error(self, message):
        self.page.error(message)


class _Everyone:
    """orders (admins): one child per buyer, holding that buyer's orders."""

    def __init__(self, page):
        self.page = page
        self.known = {}
        self.names = {}  # uid -> display name (profiles are readable by signed-in users)

    def upsert(self, uid, orders, prev_key=None):
        orders = orders or {}
        for order_id in self.known.get(uid, {}):
            if order_id not in orders:
                self.page.table.remove(uid + "/" + order_id)
        for order_id in orders:
            order = dict(orders[order_id] or {})
            order["_buyer"] = self.names.get(uid) or ""
            self.page.table.upsert(uid + "/" + order_id, order)
        self.known[uid] = orders
        if uid not in self.names:
            self.names[uid] = None  # asked once
            database.read_once(paths.profile_name(uid), lambda name: self._named(uid, name))

    def _named(self, uid, name):
        self.names[uid] = name or ""
        if uid in self.known:
            self.upsert(uid, self.known[uid])

    def remove(self, uid):
        for order_id in self.known.pop(uid, {}):
            self.page.table.remove(uid + "/" + order_id)

    def loaded(self):
        self.page.loaded()

    def error(self, message):
        self.page.error(message)


class OrdersView:
    def __init__(self):
        self.root = by_id("orders")
        self.table = _Table(self)
        self.model = None

    def _state(self, state):
        self.root.setAttribute("data-state", state)

    def signed_in(self, user):
        self._stop()
        admin = bool(user.get("admin"))
        set_attr(self.root, "data-admin", admin or None)
        set_text(by_id("orders-title"), "All orders" if admin else "Your orders")
        self._state("pending")
        view = _Everyone(self) if admin else _Mine(self, user["uid"])
        self.model = LiveList(paths.orders("" if admin else user["uid"]), view)
        self.model.start()

    def signed_out(self):
        self._stop()
        set_attr(self.root, "data-admin", None)
        self._state("signed-out")

    def _stop(self):
        if self.model is not None:
            self.model.stop()
            self.model = None
        self.table.clear()

    def loaded(self):
        for node in list(self.root.querySelectorAll("[data-skeleton]")):
            node.remove()
        self._state("live")
        self.counts_changed()

    def counts_changed(self):
        set_attr(self.root, "data-empty", not self.table.list.values or None)

    def error(self, message):
        self._state("error")
        set_text(by_id("orders-error"), "Your orders could not load: " + str(message))

    def refund(self, key):
        """Admins: refund_order; the row says Refunded once the webhook has revoked access."""
        if key in self.table.refunding:
            return
        uid, order_id = key.split("/", 1)
        row = self.table.list.find(key)
        error = row.querySelector(".refund-error")
        set_text(error, "")
        self.table.refunding[key] = True
        button = row.querySelector(".refund")
        button.disabled = True
        set_text(button, REFUNDING)

        def failed(message):
            self.table.refunding.pop(key, None)
            button.disabled = False
            set_text(button, "Refund")
            set_text(error, "The refund failed: " + str(message))

        payments.refund(uid, order_id, lambda: None, failed)
