"""Payments service: Stripe.js (the card field, tokens, 3-D Secure) and the payment callables.

The only code that touches Stripe.js. Card details go from Stripe's card field straight to
Stripe, which returns a token; Nimbus code only ever holds that token and the intent's
client secret. The entitlement is granted by the `stripe_webhook` function once Stripe
says the payment succeeded, so the browser watches its order and its enrolment instead
of trusting any answer it gets here.

Stripe.js is loaded only when a learner opens checkout (the page's start does not wait
for it). Its URL is the build's (`stripe.jsUrl` in the web config): Stripe's own in
production, localstripe's stand-in locally.

Why tokens (`createToken`) rather than `confirmCardPayment(secret, {payment_method})`:
the first is what both Stripe and localstripe's stand-in implement; the stand-in ignores
the card given to `confirmCardPayment`. The function turns the token into the intent's
payment method and confirms it; an intent that needs 3-D Secure comes back
`requires_action` and `confirmCardPayment(secret)` runs Stripe's own challenge.
"""

from pyscript import document, window
from pyscript.ffi import create_proxy, to_js

from app.services import errors, firebase, functions
from app.services.jsutil import is_nullish

UNAVAILABLE = "The secure card form could not be loaded; check your connection and try again."
NOT_CONFIGURED = "Payments are not available on this site right now."
CARD_FAILED = "Your card could not be checked; please check the details and try again."
AUTH_FAILED = "Your bank could not confirm the payment (3-D Secure authentication failed)."

_state = {"keep": []}


def _keep(fn):
    proxy = create_proxy(fn)
    _state["keep"].append(proxy)
    return proxy


def _message(err, fallback):
    """Stripe.js's error ({message, code, type}) in words."""
    if is_nullish(err):
        return fallback
    message = getattr(err, "message", None)
    if is_nullish(message) or not str(message).strip():
        return fallback
    return str(message).strip()


def new_attempt():
    """A fresh attempt token: one per checkout opened or retried (the function makes one
    order and one intent per user, course and attempt, so a double click charges once)."""
    return str(window.crypto.randomUUID()).replace("-", "")[:20]


def load(on_ready, on_error):
    """Load Stripe.js once (a classic script, as Stripe requires); on_ready() when usable."""
    settings = firebase.config().get("stripe") or {}
    url, key = settings.get("jsUrl"), settings.get("publishableKey")
    if not url or not key:
        on_error(NOT_CONFIGURED)
        return
    if "stripe" in _state:
        on_ready()
        return
    waiting = _state.setdefault("waiting", [])
    waiting.append((on_ready, on_error))
    if len(waiting) > 1:
        return  # already loading

    def settle(ok, message=None):
        callbacks = _state.pop("waiting", [])
        for ready, failed in callbacks:
            ready() if ok else failed(message)

    def loaded(*args):
        if is_nullish(getattr(window, "Stripe", None)):
            settle(False, UNAVAILABLE)
            return
        _state["stripe"] = window.Stripe(key)
        settle(True)

    def failed(*args):
        script.remove()  # a later attempt loads it afresh
        settle(False, UNAVAILABLE)

    script = document.createElement("script")
    script.src = url
    script.addEventListener("load", _keep(loaded))
    script.addEventListener("error", _keep(failed))
    document.head.appendChild(script)


class CardField:
    """Stripe's card element mounted in one container; on_change(message or "") as typed."""

    def __init__(self, container, on_change=None):
        stripe = _state["stripe"]
        self.element = stripe.elements().create("card", to_js({"hidePostalCode": True}))

        def changed(*args):
            if on_change is None:
                return
            event = args[0] if args else None
            error = None if is_nullish(event) else getattr(event, "error", None)
            on_change("" if is_nullish(error) else _message(error, ""))

        self.element.on("change", _keep(changed))
        self.element.mount(container)

    def destroy(self):
        self.element.destroy()


def pay(course_id, attempt, card, on_order, on_error):
    """Tokenize the card, ask `create_payment_intent` for the order, run 3-D Secure if asked.

    on_order(order_id) as soon as the order exists (watch it: the webhook decides);
    on_error(refusal): the card's or the bank's as Stripe's sentence (a str), anything else
    (the function's refusals, an unreachable service) as a ServiceError, so the page
    gives card advice only where the card is the reason.
    """
    stripe = _state["stripe"]

    def unreachable(*args):
        on_error(errors.ServiceError(errors.NETWORK, UNAVAILABLE))

    def authenticated(*args):
        result = args[0] if args else None
        error = None if is_nullish(result) else getattr(result, "error", None)
        if not is_nullish(error):
            on_error(_message(error, CARD_FAILED))
            return
        intent = None if is_nullish(result) else getattr(result, "paymentIntent", None)
        status = None if is_nullish(intent) else getattr(intent, "status", None)
        if status == "requires_payment_method":  # the challenge failed: the intent needs a card
            on_error(_message(getattr(intent, "last_payment_error", None), AUTH_FAILED))

    def created(result):
        result = result or {}
        order_id = result.get("orderId")
        if not order_id:
            on_error(errors.ServiceError(errors.FAILED, functions.FAILED))
            return
        on_order(order_id)
        if result.get("status") == "requires_action" and result.get("clientSecret"):
            stripe.confirmCardPayment(result["clientSecret"]).then(
                _keep(authenticated), _keep(unreachable)
            )

    def tokenized(*args):
        result = args[0] if args else None
        error = None if is_nullish(result) else getattr(result, "error", None)
        token = None if is_nullish(result) else getattr(result, "token", None)
        if not is_nullish(error) or is_nullish(token):
            on_error(_message(error, CARD_FAILED))
            return
        data = {"courseId": course_id, "attempt": attempt, "token": str(token.id)}
        functions.call("create_payment_intent", data, created, on_error)

    stripe.createToken(card.element).then(_keep(tokenized), _keep(unreachable))


def refund(uid, order_id, on_done, on_error):
    """Admins: refund a paid order through `refund_order` (the webhook then revokes access)."""
    functions.call(
        "refund_order", {"uid": uid, "orderId": order_id}, lambda result: on_done(), on_error
    )
