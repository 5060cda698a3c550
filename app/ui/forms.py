"""Form plumbing shared by the forum's forms: busy state, errors, drafts kept on failure."""

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
