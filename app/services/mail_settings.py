"""Email settings service: the user's choices per kind of mail and why mail stopped.

emailSettings/<uid> (the owner reads and writes it; the rules accept only the choices
app/model/email.py offers) and emailStatus/<uid> (the mail functions write it when the
provider reports a bounce or a complaint). The address itself never passes through here:
the functions read it from Auth.
"""

from app.model import paths
from app.services import database, functions


def watch_settings(uid, on_value, on_error=None):
    """on_value({kind: choice}) now and on every change (another tab, an unsubscribe)."""
    return database.watch_value(paths.email_settings(uid), lambda v: on_value(v or {}), on_error)


def choose(uid, kind, choice, on_done=None, on_error=None):
    """Save one kind's choice."""
    database.set_value(paths.email_setting(uid, kind), choice, on_done, on_error)


def watch_status(uid, on_value, on_error=None):
    """on_value(status) with {suppressed: {address, reason, at}} or {} when mail goes out."""
    return database.watch_value(paths.email_status(uid), lambda v: on_value(v or {}), on_error)


def check_status(on_done=None, on_error=None):
    """Ask the functions to compare the account's address with the suppression list now
    (a changed address lifts it); emailStatus then changes live."""
    functions.call("email_status_check", {}, on_done or (lambda r: None), on_error)
