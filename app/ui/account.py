"""Header account box: sign in, sign up (with a display name), the signed-in user, sign-out.

Display names follow app/services/names.py (what the rules accept) and are unique in any
letter case: sign-up asks first whether the name is free, and a signed-in user whose
profile cannot take its name (taken meanwhile, or an Auth name the rules refuse) is asked
for another one (data-mode="name") before posting.
"""

from app.services import auth, courses, names
from app.ui import session
from app.ui.dom import by_id, on, set_text
from app.ui.staff import read_staff_courses


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

    def _set_mode(self, mode):
        self.mode = mode
        self.box.setAttribute("data-mode", mode)
        by_id("signup-name").required = mode != "signin"
        by_id("signin-email").required = mode != "name"
        by_id("signin-password").required = mode != "name"
        labels = {"signin": "Sign in", "signup": "Create account", "name": "Save name"}
        set_text(by_id("signin-submit"), labels[mode])
        set_text(by_id("signup-toggle"),
                 "I have an account" if mode == "signup" else "Create account")  # fmt: skip

    def _toggle_mode(self, *args):
        self._set_mode("signup" if self.mode == "signin" else "signin")
        set_text(self.error, "")

    def _submit(self, *args):
        args[0].preventDefault()
        set_text(self.error, "")
        if self.mode == "name":
            self._save_name()
            return
        email = by_id("signin-email").value.strip()
        password = by_id("signin-password").value
        if self.mode == "signup":
            name = names.clean(by_id("signup-name").value)
            problem = names.problem(name)
            if problem:
                self._failed(problem)
                return
            self.box.setAttribute("data-state", "signing-in")
            self.pending_name = name

            def free():
                auth.sign_up(email, password, name, self._signed_up, self._failed)

            courses.name_free(None, name, free, self._failed)
        else:
            self.box.setAttribute("data-state", "signing-in")
            auth.sign_in(email, password, self._failed)

    def _signed_up(self, uid):
        if self.mode == "signup":
            self._set_mode("signin")

    def _failed(self, problem):
        """A refusal (a ServiceError) or the form's own problem (a sentence): say it."""
        self.box.setAttribute("data-state", "error")
        set_text(self.error, str(problem))

    def _named(self, user, name):
        user["name"] = name
        user["ready"] = True
        set_text(self.name, name)
        self.box.setAttribute("data-profile", "ready")
        if self.mode == "name":
            self._set_mode("signin")

    def _ask_name(self, err):
        """The profile could not take its name: say why, and ask for another (draft kept)."""
        set_text(self.error, "Choose your display name: " + err.message)
        self.box.setAttribute("data-profile", "needs-name")
        self._set_mode("name")

    def _save_name(self):
        user = session.user()
        if user is None:
            return
        name = names.clean(by_id("signup-name").value)
        problem = names.problem(name)
        if problem:
            set_text(self.error, problem)
            return
        courses.save_profile(user["uid"], name, None, lambda: self._named(user, name),
                             lambda err: set_text(self.error, err.message))  # fmt: skip

    def _profile(self, user, fallback):
        by_id("signup-name").value = fallback  # the field a name request starts from
        courses.ensure_profile(user["uid"], fallback, lambda name: self._named(user, name),
                               self._ask_name)  # fmt: skip

    def _user_changed(self, user):
        session.state["user"] = user
        if user is None:
            self.box.setAttribute("data-state", "signed-out")
            self.box.removeAttribute("data-profile")
            self.signout.hidden = True
            set_text(self.name, "")
            by_id("console-link").hidden = True
            if self.mode == "name":
                self._set_mode("signin")
            for view in self.views:
                view.signed_out()
            return
        self.box.setAttribute("data-state", "signed-in")
        self.signout.hidden = False
        fallback = names.clean(user["name"] or self.pending_name or user["email"].split("@")[0])
        set_text(self.name, fallback)
        user["name"] = fallback
        user["ready"] = False  # until the profile answers: posts must carry the profile's name
        for view in self.views:
            view.signed_in(user)
        self._profile(user, fallback)
        self._console_link(user)

    def _console_link(self, user):
        """The Console link, for staff only: the course's instructor or an admin."""

        def got(mine):
            if session.user() is user:  # still the same sign-in
                by_id("console-link").hidden = not mine

        read_staff_courses(user, got)
