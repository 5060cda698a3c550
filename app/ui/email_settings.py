"""Email settings page (/settings.html): per kind of mail, instant / daily digest / off.

#email-settings's data-state: pending (choices disabled) · signed-out · live · error.
Each choice is saved when it is picked ("Saved" beside it); a refused save says why and
puts the radio back on what is stored. The page also asks the functions to re-check the
account's address against the suppression list (email_status_check), so an address
changed since a bounce lifts the banner at once, and shows why mail stopped, if it did.
"""

from app.model import email
from app.services import auth, mail_settings
from app.ui.dom import by_id, on, set_text
from app.ui.email_banner import banner_text, reason_text


class EmailSettingsView:
    def __init__(self):
        self.root = by_id("email-settings")
        self.uid = None
        self.stored = {}
        self.subs = []
        self.fields = {}
        for kind in email.KINDS:
            box = self.root.querySelector('[data-kind="' + kind + '"]')
            self.fields[kind] = box
            for radio in box.querySelectorAll("input"):
                on(radio, "change", self._picker(kind, radio))

        on(by_id("email-change"), "submit", self._change_address)

    def _change_address(self, event):
        """Auth mails the new address a link; the draft stays until it is sent."""
        event.preventDefault()
        field = by_id("email-new")
        new = str(field.value or "").strip()
        problem = by_id("email-change-error")
        sent = by_id("email-change-sent")
        set_text(sent, "")
        if "@" not in new or new.startswith("@") or new.endswith("@"):
            set_text(problem, "Enter the new address, like name@example.com.")
            return
        set_text(problem, "")
        button = by_id("email-change-submit")
        button.disabled = True

        def done():
            button.disabled = False
            field.value = ""
            set_text(
                sent,
                "We sent a link to " + new + ". Your address changes when you open it; "
                "then sign in with the new address.",
            )

        def failed(err):
            button.disabled = False
            set_text(problem, "The address was not changed: " + err.message)

        auth.change_email(new, done, failed)

    def _picker(self, kind, radio):
        return lambda *args: self._pick(kind, radio.value)

    def _state(self, state):
        self.root.setAttribute("data-state", state)

    def signed_in(self, user):
        self._stop()
        self.uid = user["uid"]
        self._state("pending")
        current = by_id("email-current")
        set_text(current, user.get("email") or "")
        current.classList.remove("skeleton-text")
        uid = self.uid
        self.subs.append(mail_settings.watch_settings(uid, self._settings, self._failed))
        self.subs.append(mail_settings.watch_status(uid, self._status, self._failed))
        mail_settings.check_status(None, lambda err: None)  # the banner shows the result

    def signed_out(self):
        self._stop()
        self.uid = None
        self._status({})
        self._enable(False)
        self._state("signed-out")

    def _stop(self):
        for sub in self.subs:
            sub.cancel()
        self.subs = []

    def _enable(self, enabled):
        for box in self.fields.values():
            for radio in box.querySelectorAll("input"):
                radio.disabled = not enabled

    def _settings(self, settings):
        self.stored = settings
        for kind, box in self.fields.items():
            chosen = email.choice(settings, kind)
            for radio in box.querySelectorAll("input"):
                radio.checked = radio.value == chosen
        self._enable(True)
        self._state("live")

    def _status(self, status):
        box = by_id("email-suppressed")
        suppressed = status.get("suppressed")
        box.hidden = not suppressed
        if suppressed:
            set_text(by_id("email-suppressed-title"), banner_text(suppressed))
            set_text(
                by_id("email-suppressed-why"),
                reason_text(suppressed)
                + " Once your account has a working address, email starts again.",
            )

    def _failed(self, err):
        self._state("error")
        set_text(
            by_id("email-settings-error"), "Your email settings could not load: " + err.message
        )

    def _pick(self, kind, choice):
        if self.uid is None:
            return
        saved = self.fields[kind].querySelector('[data-field="saved"]')
        set_text(saved, "Saving…")
        set_text(by_id("email-settings-error"), "")

        def done():
            set_text(saved, "Saved")

        def refused(err):
            set_text(saved, "")
            set_text(by_id("email-settings-error"), "That choice was not saved: " + err.message)
            self._settings(self.stored)  # back to what is stored

        mail_settings.choose(self.uid, kind, choice, done, refused)
