"""DOM helpers shared by views: keyed lists that hydrate pre-rendered markup in place."""

from pyscript import document


def by_id(element_id):
    return document.getElementById(element_id)


def set_text(element, text):
    if element is not None:
        element.textContent = "" if text is None else str(text)


class KeyedList:
    """Children of a container element keyed by data-key.

    Pre-rendered items are kept and updated field by field ([data-field] elements), so the
    page never flashes; unknown keys are created from make(key, value), which returns an
    element; ordering follows the prev_key the database reports.
    """

    def __init__(self, container, make, fields):
        self.container = container
        self.make = make
        self.fields = fields

    def find(self, key):
        for child in self.container.children:
            if child.getAttribute("data-key") == key:
                return child
        return None

    def upsert(self, key, value, prev_key=None):
        item = self.find(key)
        if item is None:
            item = self.make(key, value)
            item.setAttribute("data-key", key)
            self._place(item, prev_key)
        elif prev_key is not None:
            self._place(item, prev_key)
        self.fill(item, value)
        item.setAttribute("data-live", "1")

    def fill(self, item, value):
        for name in self.fields:
            field = item.querySelector('[data-field="' + name + '"]')
            if field is not None:
                set_text(field, self.fields[name](value))

    def _place(self, item, prev_key):
        if prev_key is None:
            first = self.container.firstElementChild
            if first is not item:
                self.container.insertBefore(item, first)
            return
        prev = self.find(prev_key)
        if prev is None:
            self.container.appendChild(item)
        elif prev.nextElementSibling is not item:
            self.container.insertBefore(item, prev.nextElementSibling)

    def remove(self, key):
        item = self.find(key)
        if item is not None:
            item.remove()
