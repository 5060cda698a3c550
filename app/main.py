"""Routing by page: each pre-rendered page names itself in <body data-page=...>."""

from pyscript import document

from app.ui import account, catalog, course, status


def start():
    """Mount the views for this page; live data starts once a user is signed in."""
    try:
        _mount()
    except Exception as err:
        status.set_python_error(err)
        raise
    status.set_python_ready()


def _mount():
    body = document.body
    page = body.getAttribute("data-page")
    views = [status.StatusView()]
    if page == "catalog":
        views.append(catalog.CatalogView())
    elif page == "course":
        views.append(course.CourseView(body.getAttribute("data-course-id")))
    account.AccountView(views).mount()
