"""Form plumbing shared by the forum's forms: busy state, errors, drafts kept on failure."""

from app.ui import session
from app.ui.dom import set_text


class FormState:
    """One form's submit button and error line.

    begin() disables the button; fail(message) shows why and re-enables it while leaving
    every field as the user typed it; done() clears the error.
    """

    def __init__(self, button, error):
        self.button = button
        self.error = error

    def begin(self):
        set_text(self.error, "")
        self.button.disabled = True

    def fail(self, message):
        set_text(self.error, message)
        self.error.hidden = False
        self.button.disabled = False

    def done(self):
        set_text(self.error, "")
        self.button.disabled = False


def check_text(value, label, max_len, required=True):
    """An error sentence for a bad field value, or None when it is fine."""
    if required and not value.strip():
        return label + " cannot be empty."
    if len(value) > max_len:
        return (
            label
            + " is too long ("
            + str(len(value))
            + " of at most "
            + str(max_len)
            + " characters)."
        )
    return None


def post_text(event, field, label, max_len, state, send):
    """Check a new post's text and its author's profile, then send(user, body, done).

    The rules require authorName to equal the saved profile, so posting waits for it; on
    failure the draft stays in the field, and only done() clears it.
    """
    event.preventDefault()
    body = field.value
    problem = check_text(body, label, max_len)
    user = session.user()
    if problem is None and (user is None or not user.get("ready")):
        problem = "Still loading your profile; try again in a moment."
    if problem:
        state.fail(problem)
        return
    state.begin()

    def done():
        field.value = ""
        state.done()

    send(user, body, done)
