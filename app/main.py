"""Routing by page: each pre-rendered page names itself in <body data-page=...>.

Only the views a page needs are imported, and Auth's sign-in restore plus the database
connection start before any view is built, so they overlap with the imports.
"""

from pyscript import document

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
    if page == "catalog":
        from app.ui.catalog import CatalogView

        views.append(CatalogView())
    elif page == "course":
        from app.ui.course import CourseView

        views.append(CourseView(body.getAttribute("data-course-id")))
    elif page == "lesson":
        from app.ui.lesson import LessonView

        views.append(
            LessonView(body.getAttribute("data-course-id"), body.getAttribute("data-lesson-id"))
        )
    elif page == "orders":
        from app.ui.orders import OrdersView

        views.append(OrdersView())
    AccountView(views).mount()
