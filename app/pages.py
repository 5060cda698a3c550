"""Every page of the site, in one table that the build and the browser both read.

tools/site.py renders one HTML file per row (more for a row with args: one per course,
one per lesson) from static/templates/<name>.html, with <body data-page="<name>"> and one
data-<arg> attribute per arg; app/main.py mounts the row's view with those attributes'
values, in order. Adding a page is the checklist in README.md, "Adding a page";
tests/toolchain/test_pages.py fails if a row's template, view or build route is missing.
"""

# name (<body data-page>) -> the view ("module.Class"), the constructor's args (each read
# from data-<arg with - for _>) and the page's URL under the site root (args fill it in).
PAGES = {
    "catalog": {"view": "app.ui.catalog.CatalogView", "args": (), "url": "index.html"},
    "course": {
        "view": "app.ui.course.CourseView",
        "args": ("course_id",),
        "url": "course/{course_id}.html",
    },
    "lesson": {
        "view": "app.ui.lesson.LessonView",
        "args": ("course_id", "lesson_id"),
        "url": "course/{course_id}/lesson/{lesson_id}.html",
    },
    "orders": {"view": "app.ui.orders.OrdersView", "args": (), "url": "orders.html"},
    "console": {"view": "app.ui.console.ConsoleView", "args": (), "url": "console.html"},
    "settings": {
        "view": "app.ui.email_settings.EmailSettingsView",
        "args": (),
        "url": "settings.html",
    },
}


def attribute(arg):
    """The <body> attribute that carries arg: course_id -> data-course-id."""
    return "data-" + arg.replace("_", "-")


def view_class(page):
    """The view class of page (imported only now: a page loads only its own views)."""
    module, _, name = PAGES[page]["view"].rpartition(".")
    return getattr(__import__(module, None, None, [name]), name)
