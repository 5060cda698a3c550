"""Catalog page: pre-rendered course cards, kept live from /courses once signed in."""

from pyscript import document

from app.binding.live import LiveList
from app.ui.dom import KeyedList, by_id

FIELDS = {
    "title": lambda c: c.get("title", ""),
    "summary": lambda c: c.get("summary", ""),
    "level": lambda c: c.get("level", ""),
    "price": lambda c: c.get("price", ""),
    "lessons": lambda c: len(c.get("lessons") or {}),
}


def _make_card(key, course):
    card = document.createElement("li")
    card.className = "card"
    card.innerHTML = (
        '<a href="/course/' + key + '.html"><h3 data-field="title"></h3>'
        '<p data-field="summary"></p><p class="meta"><span data-field="level"></span> · '
        '<span data-field="lessons"></span> lessons · $<span data-field="price"></span></p></a>'
    )
    return card


class CatalogView:
    def __init__(self):
        self.list = KeyedList(by_id("catalog"), _make_card, FIELDS)
        self.model = LiveList("/courses", self.list, order_by_child="order")

    def signed_in(self, user):
        self.model.start()

    def signed_out(self):
        self.model.stop()
