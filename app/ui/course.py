"""Course page: pre-rendered outline kept live (title, price, lessons), the learner's
enrolment, and buying the course.

#enrolment's data-state: pending (skeleton) · signed-out ("Sign in to buy") ·
not-enrolled (the offer: price, what you get, Buy) · checkout (Stripe's card field, Pay) ·
confirming (spinner while Stripe and the webhook finish) · enrolled · error (the enrolment
cannot be read: why, and no offer). The enrolment itself
arrives only from the database (`enrollments/$uid/$cid`, written by the webhook
function), so the page unlocks when the payment is really done, and locks again live if
the order is refunded.
"""

from pyscript import window
from pyscript.ffi import create_proxy

from app.binding.live import LiveList, LiveValue
from app.model import paths
from app.services import courses, errors, payments
from app.ui.course_progress import CourseProgress
from app.ui.dom import KeyedList, by_id, element, on, set_attr, set_text
from app.ui.office_hours import LearnerOfficeHours
from app.ui.watch_level import WatchLevel

LESSON_FIELDS = {"title": lambda lesson: lesson.get("title", "")}

ENROLLED = "You're enrolled: open a lesson to watch it and join its discussion."
CONFIRMING = "Confirming your payment…"
STILL_CONFIRMING = (
    "Still confirming your payment with the bank. You can leave this page: the course "
    "unlocks as soon as the payment is confirmed, and the order is on your Orders page."
)
STILL_AFTER_MS = 12 * 1000  # after the bank's yes, a webhook lands in 1-2 s; past this, say so
PAID = "Payment received: unlocking your lessons…"
DECLINED = "Your payment did not go through: "
TRY_AGAIN = " Check the card details and try again."


class _TitleView:
    def __init__(self, root, purchase):
        self.root = root
        self.purchase = purchase

    def show(self, course):
        if course:
            for name in ("title", "summary"):
                field = self.root.querySelector('[data-field="' + name + '"]')
                set_text(field, course.get(name, ""))
            if course.get("price") is not None:
                self.purchase.price_changed(course["price"])


class _Order:
    """The order being paid: its status decides what the panel says (never the enrolment)."""

    def __init__(self, purchase):
        self.purchase = purchase

    def show(self, order):
        self.purchase.order_changed(order or {})

    def error(self, message):
        self.purchase.refused(message)


class _Purchase:
    """The enrolment box and its checkout panel."""

    def __init__(self, course_id, lessons):
        self.course_id = course_id
        self.lessons = lessons
        self.box = by_id("enrolment")
        self.error = by_id("checkout-error")
        self.user = None
        self.enrolled = False
        self.attempt = None
        self.card = None
        self.order = None
        self.pays = 0  # which Pay a late timer belongs to
        self.timed = 0  # the Pay whose "still confirming" timer is set
        self._still = create_proxy(self._still_confirming)
        on(by_id("buy"), "click", self.open)
        on(by_id("checkout-form"), "submit", self.pay)
        on(by_id("checkout-cancel"), "click", self.cancel)
        on(by_id("signin-to-buy"), "click", self.sign_in)

    # ---- what the page knows
    def _state(self, state):
        self.box.className = "enrolment"
        self.box.setAttribute("data-state", state)
        by_id("pay").disabled = state != "checkout" or self.card is None
        access = {"enrolled": "open", "pending": None}.get(state, "locked")
        set_attr(self.lessons, "data-access", access)

    def price_changed(self, price):
        for field in self.box.querySelectorAll('[data-field="price"]'):
            set_text(field, price)

    def signed_in(self, user):
        self.user = user

    def signed_out(self):
        self.user = None
        self.enrolled = False
        self._close()
        self._state("signed-out")

    def enrollment_changed(self, enrolled):
        was = self.enrolled
        self.enrolled = enrolled
        if enrolled:
            self._close()
            set_text(by_id("enrolled-text"), ENROLLED)
            self._state("enrolled")
        elif was or self.box.getAttribute("data-state") in ("pending", "signed-out"):
            self._close()  # first answer, or the enrolment was taken back (a refund)
            self._state("not-enrolled")

    def unknown(self, message):
        """The enrolment cannot be read: say why instead of offering or granting anything."""
        self._close()
        set_text(by_id("enrolment-pending"), message)
        self._state("error")

    # ---- buying
    def sign_in(self, *args):
        email = by_id("signin-email")
        email.scrollIntoView()
        email.focus()

    def open(self, *args):
        """Buy: load Stripe.js (first time only), mount the card field, start an attempt."""
        set_text(by_id("offer-error"), "")
        set_text(self.error, "")
        self.attempt = payments.new_attempt()
        self.box.setAttribute("data-card", "loading")
        self._state("checkout")
        payments.load(self._mount, self._load_failed)

    def _mount(self):
        if self.box.getAttribute("data-state") != "checkout" or self.card is not None:
            return
        self.card = payments.CardField(by_id("card-field"), self._card_changed)
        self.box.setAttribute("data-card", "ready")
        self._state("checkout")

    def _load_failed(self, message):
        self._state("not-enrolled")
        set_text(by_id("offer-error"), message)

    def _card_changed(self, message):
        set_text(self.error, message)

    def pay(self, *args):
        args[0].preventDefault()
        if self.card is None or self.user is None or self.order is not None:
            return
        set_text(self.error, "")
        set_text(by_id("confirming-text"), CONFIRMING)
        self._state("confirming")
        self.pays += 1
        payments.pay(self.course_id, self.attempt, self.card, self._watch, self.refused)

    def _still_confirming(self, pay):
        """The webhook is late (or not registered): the learner need not keep the tab open."""
        if pay == self.pays and self.box.getAttribute("data-state") == "confirming":
            set_text(by_id("confirming-text"), STILL_CONFIRMING)

    def _watch(self, order_id):
        if self.order is not None or self.user is None:
            return
        self.order = LiveValue(paths.order(self.user["uid"], order_id), _Order(self))
        self.order.start()

    def order_changed(self, order):
        status = order.get("status")
        if status == "failed":
            self.refused(DECLINED + (order.get("failureReason") or "the bank refused it."))
        elif status == "processing" and self.timed != self.pays:
            self.timed = self.pays  # the bank took it; only the webhook is left to wait for
            window.setTimeout(self._still, STILL_AFTER_MS, self.pays)
        elif status == "paid":
            set_text(by_id("confirming-text"), PAID)  # the enrolment follows in the same update

    def refused(self, message):
        """Card, function or bank said no: say why, keep the card field, new attempt."""
        self._stop_order()
        if self.enrolled:
            return
        advice = TRY_AGAIN if _about_the_card(message) else ""
        message = str(message)  # a sentence, or a service's ServiceError (its sentence)
        text = (message[0].upper() + message[1:]) if message else DECLINED.strip()
        set_text(self.error, text + advice)
        self.attempt = payments.new_attempt()
        self._state("checkout")

    def cancel(self, *args):
        self._close()
        self._state("not-enrolled")

    def _stop_order(self):
        if self.order is not None:
            self.order.stop()
            self.order = None

    def _close(self):
        self._stop_order()
        if self.card is not None:
            self.card.destroy()
            self.card = None
        self.box.removeAttribute("data-card")


def _about_the_card(refusal):
    """Whether checking the card is the advice: Stripe's and the order's refusals (plain
    sentences) are the card's or the bank's; of a service's errors only the function's
    failed precondition is (it refused the card). "That course does not exist" or "the
    service could not be reached" are not helped by checking the card."""
    if not isinstance(refusal, errors.ServiceError):
        return True
    return refusal.code == "failed-precondition"


class _Enrolment:
    def __init__(self, purchase, course_id):
        self.purchase = purchase
        self.course_id = course_id

    def show(self, enrollments):
        self.purchase.enrollment_changed((enrollments or {}).get(self.course_id) is True)

    def error(self, message):
        self.purchase.unknown("Your enrolment could not be checked: " + str(message))


class CourseView:
    def __init__(self, course_id):
        self.course_id = course_id

        def make(key, lesson):
            return element(
                "li", None,
                '<a href="/course/' + course_id + "/lesson/" + key + '.html" '
                'data-field="title"></a>',
            )  # fmt: skip

        self.list = KeyedList(by_id("lessons"), make, LESSON_FIELDS)
        self.list.on_change = self._lessons_changed
        self.list.loaded = self._lessons_loaded  # LiveList calls it after the first snapshot
        self.lessons_loaded = False
        self.lessons = LiveList(courses.lessons_query(course_id), self.list)
        self.purchase = _Purchase(course_id, by_id("lessons"))
        self.watch = WatchLevel(course_id)  # notifications: members only
        self.office_hours = LearnerOfficeHours(by_id("office-hours"), course_id)  # members only
        self.progress = CourseProgress(course_id, by_id("lessons"))  # signed in only
        self.header = LiveValue(
            courses.course_path(course_id),
            _TitleView(by_id("course-" + course_id), self.purchase),
        )
        self.enrollment = None
        self.lessons.start()
        self.header.start()

    def _lessons_loaded(self):
        self.lessons_loaded = True
        self._lessons_changed()

    def _lessons_changed(self):
        """What the offer lists (lesson count, minutes) follows the live lesson list."""
        self.progress.refresh()  # a new row gets its progress slot
        if not self.lessons_loaded:
            return  # the pre-rendered figures stand until the whole list is in
        values = self.list.values
        set_text(by_id("offer-lessons"), len(values))
        set_text(by_id("offer-minutes"), sum(v.get("minutes") or 0 for v in values.values()))

    def signed_in(self, user):
        self.purchase.signed_in(user)
        self.watch.signed_in(user)
        self.office_hours.signed_in(user)
        self.progress.start(user["uid"])
        self.enrollment = LiveValue(
            courses.enrollments_path(user["uid"]), _Enrolment(self.purchase, self.course_id)
        )
        self.enrollment.start()

    def signed_out(self):
        if self.enrollment is not None:
            self.enrollment.stop()
            self.enrollment = None
        self.progress.stop()
        self.purchase.signed_out()
        self.watch.signed_out()
        self.office_hours.signed_out()
