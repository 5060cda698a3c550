"""DOM helpers shared by views: keyed lists that hydrate pre-rendered markup in place."""

from pyscript import document
from pyscript.ffi import create_proxy

_proxies = []


def by_id(element_id):
    return document.getElementById(element_id)


def find(root, selector):
    return root.querySelector(selector)


def set_text(element, text):
    if element is not None:
        text = "" if text is None else str(text)
        if element.textContent != text:
            element.textContent = text


def set_attr(element, name, value):
    """Set (or, for None/False, remove) an attribute, touching the DOM only on change."""
    if value is None or value is False:
        if element.hasAttribute(name):
            element.removeAttribute(name)
        return
    value = "" if value is True else str(value)
    if element.getAttribute(name) != value:
        element.setAttribute(name, value)


def on(element, event, handler):
    """addEventListener with a proxy that lives as long as the page."""
    proxy = create_proxy(handler)
    _proxies.append(proxy)
    element.addEventListener(event, proxy)
    return proxy


def element(tag, cls=None, html=None):
    node = document.createElement(tag)
    if cls:
        node.className = cls
    if html is not None:
        node.innerHTML = html  # only ever fixed markup, never user text
    return node


def clock(seconds):
    """42 -> '0:42', 75.4 -> '1:15'."""
    seconds = int(seconds)
    rest = seconds % 60
    return str(seconds // 60) + ":" + ("0" if rest < 10 else "") + str(rest)


def _key(node):
    """The data-key of node, or None (JS null arrives as None or as a null proxy)."""
    try:
        return node.getAttribute("data-key")
    except Exception:  # noqa: BLE001 - null / undefined has no getAttribute
        return None


class KeyedList:
    """Children of a container element keyed by data-key.

    Pre-rendered items are kept and updated field by field ([data-field] elements), so the
    page never flashes; unknown keys are created from make(key, value), which returns an
    element. Ordering follows the prev_key the database reports, or sort_key(value) when
    given (smallest first), and only the changed item ever moves.
    """

    def __init__(self, container, make, fields, sort_key=None):
        self.container = container
        self.make = make
        self.fields = fields
        self.sort_key = sort_key
        self.values = {}
        self.on_change = None

    def find(self, key):
        for child in self.container.children:
            if child.getAttribute("data-key") == key:
                return child
        return None

    def upsert(self, key, value, prev_key=None):
        item = self.find(key)
        created = item is None
        if created:
            item = self.make(key, value)
            item.setAttribute("data-key", key)
        self.values[key] = value
        if self.sort_key is not None:
            self._place_sorted(item, key)
        elif created or prev_key is not None:
            self._place(item, prev_key)
        self.fill(item, value)
        item.setAttribute("data-live", "1")
        if self.on_change is not None:
            self.on_change()

    def fill(self, item, value):
        for name in self.fields:
            field = item.querySelector('[data-field="' + name + '"]')
            if field is not None:
                set_text(field, self.fields[name](value))

    def _place(self, item, prev_key):
        key = item.getAttribute("data-key")
        if prev_key is None:
            first = self.container.firstElementChild
            if _key(first) != key:
                self.container.insertBefore(item, first)
            return
        prev = self.find(prev_key)
        if prev is None:
            self.container.appendChild(item)
        elif _key(prev.nextElementSibling) != key:
            self.container.insertBefore(item, prev.nextElementSibling)

    def _place_sorted(self, item, key):
        mine = self.sort_key(self.values[key])
        before = None
        for child in self.container.children:
            other = child.getAttribute("data-key")
            if other == key or other not in self.values:
                continue
            if self.sort_key(self.values[other]) > mine:
                before = child
                break
        if before is None:
            if _key(self.container.lastElementChild) != key:
                self.container.appendChild(item)
        elif _key(item.nextElementSibling) != _key(before):
            self.container.insertBefore(item, before)

    def remove(self, key):
        self.values.pop(key, None)
        item = self.find(key)
        if item is not None:
            item.remove()
        if self.on_change is not None:
            self.on_change()
