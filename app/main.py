"""Routing by page: each pre-rendered page names itself in <body data-page=...>.

app/pages.py's PAGES says which view each page mounts and which <body> attributes it
takes. Only the views a page needs are imported, and Auth's sign-in restore plus the
database connection start before any view is built, so they overlap with the imports.
"""

from pyscript import document

from app.pages import PAGES, attribute, view_class
from app.services import auth, database
from app.ui import status


def start():
    """Mount the views for this page; live data starts as soon as it is readable."""
    status.mark("main-start")
    try:
        auth.start()
        database.connect()
        _mount()
    except Exception as err:
        status.set_python_error(err)
        raise
    status.set_python_ready()


def _mount():
    from app.ui.account import AccountView

    body = document.body
    page = body.getAttribute("data-page")
    views = [status.StatusView()]
    if page in PAGES:
        args = [body.getAttribute(attribute(arg)) for arg in PAGES[page]["args"]]
        views.append(view_class(page)(*args))
    if document.getElementById("bell") is not None:  # every page's header: the inbox
        from app.ui.inbox import InboxBell

        views.append(InboxBell())
    if document.getElementById("search") is not None:  # a course's pages: the header's box
        from app.ui.search import SearchBox

        views.append(SearchBox(body.getAttribute("data-course-id")))
    if document.getElementById("email-banner") is not None:  # every page: mail suppressed?
        from app.ui.email_banner import EmailBanner

        views.append(EmailBanner())
    AccountView(views).mount()
