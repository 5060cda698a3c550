"""Header account box: the sign-in form, the signed-in user, sign-out."""

from pyscript.ffi import create_proxy

from app.services import auth
from app.ui.dom import by_id, set_text


class AccountView:
    """Owns sign-in/out and tells the page's other views when the user changes."""

    def __init__(self, views):
        self.views = views
        self.box = by_id("account")
        self.form = by_id("signin-form")
        self.name = by_id("user-name")
        self.signout = by_id("signout")
        self._proxies = []

    def _on(self, element, event, handler):
        proxy = create_proxy(handler)
        self._proxies.append(proxy)
        element.addEventListener(event, proxy)

    def mount(self):
        self._on(self.form, "submit", self._submit)
        self._on(self.signout, "click", lambda *args: auth.sign_out())
        by_id("signin-submit").disabled = False
        auth.on_user(self._user_changed)

    def _submit(self, *args):
        args[0].preventDefault()
        email = by_id("signin-email").value
        password = by_id("signin-password").value
        self.box.setAttribute("data-state", "signing-in")
        auth.sign_in(email, password, self._failed)

    def _failed(self, code):
        self.box.setAttribute("data-state", "error")
        set_text(self.name, "Sign-in failed: " + code)

    def _user_changed(self, user):
        if user is None:
            self.box.setAttribute("data-state", "signed-out")
            self.signout.hidden = True
            set_text(self.name, "")
            for view in self.views:
                view.signed_out()
        else:
            self.box.setAttribute("data-state", "signed-in")
            self.signout.hidden = False
            set_text(self.name, user["name"])
            for view in self.views:
                view.signed_in(user)
