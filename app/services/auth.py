"""Authentication service (Firebase Auth; the Auth emulator when the build targets local).

A user reaches the views as a plain dict: {"uid", "email", "name", "admin"}. "admin" comes
from the custom claim {"admin": true}; instructors are named per course by
courses/$cid/instructorUid, which the views compare with "uid".
"""

from pyscript.ffi import create_proxy, to_js
from pyscript.js_modules import firebase_auth as fa

from app.services import errors, firebase, names
from app.services.jsutil import is_nullish

_state = {}


def _keep(fn):
    proxy = create_proxy(fn)
    _state.setdefault("proxies", []).append(proxy)
    return proxy


def _auth():
    return firebase.auth()


def start():
    """Sign-in restore began in prefetch.js, before the interpreter was up; nothing to do."""
    _auth()


def error(err):
    """The ServiceError for an Auth error (its code "auth/<code>")."""
    code = None if is_nullish(err) else getattr(err, "code", None)
    return errors.from_auth(str(code) if code else str(err))


def _user_info(user, claims):
    email = user.email
    name = user.displayName
    if is_nullish(name) or not name:
        name = ""
    return {
        "uid": user.uid,
        "email": "" if is_nullish(email) else email,
        "name": name,
        "admin": claims.get("admin") is True,
    }


def on_user(callback):
    """Call callback(user dict or None) now and on every sign-in/out."""

    def changed(*args):  # the SDK may pass more than one argument
        user = args[0] if args else None
        if is_nullish(user):
            callback(None)
            return

        def with_claims(*res):
            claims = {}
            try:
                admin = res[0].claims.admin
                if not is_nullish(admin) and admin:
                    claims["admin"] = True
            except Exception:  # noqa: BLE001 - no claims object means no claims
                pass
            callback(_user_info(user, claims))

        user.getIdTokenResult().then(
            _keep(with_claims), _keep(lambda *a: callback(_user_info(user, {})))
        )

    return fa.onAuthStateChanged(_auth(), _keep(changed))


def sign_in(email, password, on_error):
    """Email/password sign-in; on_error(ServiceError) on failure, on_user callbacks on success."""
    fa.signInWithEmailAndPassword(_auth(), email, password).catch(
        _keep(lambda *a: on_error(error(a[0] if a else None)))
    )


def sign_up(email, password, display_name, on_done, on_error):
    """Create an account, then set its Auth display name; on_done(uid) after both.

    A name the rules would refuse is refused here, before any account exists (whether it
    is free is the caller's question: courses.name_free).
    """
    problem = names.problem(display_name)
    if problem:
        on_error(errors.ServiceError(errors.VALIDATION, problem))
        return

    def created(*args):
        user = args[0].user
        fa.updateProfile(user, to_js({"displayName": display_name})).then(
            _keep(lambda *a: on_done(user.uid)), _keep(lambda *a: on_done(user.uid))
        )

    fa.createUserWithEmailAndPassword(_auth(), email, password).then(
        _keep(created), _keep(lambda *a: on_error(error(a[0] if a else None)))
    )


def change_email(new_email, on_done, on_error):
    """Ask Auth to mail new_email a confirmation link; the account's address changes only
    when it is opened (then Firebase ends the session: sign in with the new address)."""
    user = _auth().currentUser
    if is_nullish(user):
        on_error(errors.ServiceError(errors.UNAUTHENTICATED, "Sign in first."))
        return
    fa.verifyBeforeUpdateEmail(user, new_email).then(
        _keep(lambda *a: on_done()), _keep(lambda *a: on_error(error(a[0] if a else None)))
    )


def sign_out():
    fa.signOut(_auth())
