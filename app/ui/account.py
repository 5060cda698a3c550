"""Header account box: sign in, sign up (with a display name), the signed-in user, sign-out."""

from app.services import auth, courses
from app.ui import session
from app.ui.dom import by_id, on, set_text


class AccountView:
    """Owns sign-in/out and tells the page's other views when the user changes."""

    def __init__(self, views):
        self.views = views
        self.box = by_id("account")
        self.form = by_id("signin-form")
        self.name = by_id("user-name")
        self.error = by_id("account-error")
        self.signout = by_id("signout")
        self.mode = "signin"
        self.pending_name = ""

    def mount(self):
        on(self.form, "submit", self._submit)
        on(self.signout, "click", lambda *args: auth.sign_out())
        on(by_id("signup-toggle"), "click", self._toggle_mode)
        by_id("signin-submit").disabled = False
        auth.on_user(self._user_changed)

    def _toggle_mode(self, *args):
        self.mode = "signup" if self.mode == "signin" else "signin"
        self.box.setAttribute("data-mode", self.mode)
        by_id("signup-name").required = self.mode == "signup"
        set_text(by_id("signin-submit"), "Create account" if self.mode == "signup" else "Sign in")
        set_text(
            by_id("signup-toggle"),
            "I have an account" if self.mode == "signup" else "Create account",
        )
        set_text(self.error, "")

    def _submit(self, *args):
        args[0].preventDefault()
        email = by_id("signin-email").value.strip()
        password = by_id("signin-password").value
        set_text(self.error, "")
        if self.mode == "signup":
            name = by_id("signup-name").value.strip()
            if not name or len(name) > 60:
                self._failed("Choose a display name of 1 to 60 characters.")
                return
            self.box.setAttribute("data-state", "signing-in")
            self.pending_name = name
            auth.sign_up(email, password, name, self._signed_up, self._failed)
        else:
            self.box.setAttribute("data-state", "signing-in")
            auth.sign_in(email, password, self._failed)

    def _signed_up(self, uid):
        if self.mode == "signup":
            self._toggle_mode()

    def _failed(self, message):
        self.box.setAttribute("data-state", "error")
        set_text(self.error, message)

    def _profile(self, user, fallback):
        def named(name):
            user["name"] = name
            user["ready"] = True
            set_text(self.name, name)
            self.box.setAttribute("data-profile", "ready")

        def failed(message):
            set_text(self.error, "Could not save your display name: " + message)

        courses.ensure_profile(user["uid"], fallback, named, failed)

    def _user_changed(self, user):
        session.state["user"] = user
        if user is None:
            self.box.setAttribute("data-state", "signed-out")
            self.box.removeAttribute("data-profile")
            self.signout.hidden = True
            set_text(self.name, "")
            for view in self.views:
                view.signed_out()
            return
        self.box.setAttribute("data-state", "signed-in")
        self.signout.hidden = False
        fallback = user["name"] or self.pending_name or user["email"].split("@")[0]
        set_text(self.name, fallback)
        user["name"] = fallback
        user["ready"] = False  # until the profile answers: posts must carry the profile's name
        for view in self.views:
            view.signed_in(user)
        self._profile(user, fallback)
