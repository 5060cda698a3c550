"""The banner every page shows while mail to the user's address is suppressed.

It reads emailStatus/<uid> (live: it appears when a bounce is reported and goes when the
address changes) and says, in words, what happened and where to fix it.
"""

from app.model import email
from app.services import mail_settings
from app.ui.dom import by_id, set_text

REASONS = {
    "bounced": "the receiving server said the mailbox does not exist",
    "complained": "a message was marked as spam",
}


def banner_text(suppressed):
    """ "We couldn't deliver email to a…@…: update your address"."""
    address = suppressed.get("address") or email.mask("")
    return "We couldn't deliver email to " + str(address) + ": update your address"


def reason_text(suppressed):
    why = REASONS.get(suppressed.get("reason"), "the provider could not deliver it")
    return "Nimbus stopped emailing it because " + why + ". Your inbox in Nimbus still works."


class EmailBanner:
    def __init__(self):
        self.root = by_id("email-banner")
        self.sub = None

    def signed_in(self, user):
        self._stop()
        self.sub = mail_settings.watch_status(user["uid"], self._show, lambda err: self._hide())

    def signed_out(self):
        self._stop()
        self._hide()

    def _stop(self):
        if self.sub is not None:
            self.sub.cancel()
            self.sub = None

    def _show(self, status):
        suppressed = status.get("suppressed")
        if not suppressed:
            self._hide()
            return
        set_text(by_id("email-banner-text"), banner_text(suppressed))
        self.root.hidden = False

    def _hide(self):
        self.root.hidden = True
