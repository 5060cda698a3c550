"""Every database path Nimbus reads or writes, built one way: no leading "/".

The browser's SDK calls, the multi-path updates' keys and firebase-admin references all
take these strings as they are; rules/nimbus_rules.py turns the same builders into rule
expressions. Keys are the app's own (catalog slugs, push ids, uids, displayNames keys).
A forum post is addressed inside its course's forum by its "forum path"
("questions/<qid>", "answers/<qid>/<aid>", "comments/<qid>/<postId>/<cmid>"): the rules read
a post's siblings from there, and forum_post(cid, forum_path) is its full path.
"""

# Key shapes, as regular-expression bodies (no anchors): the rules wrap them in /^…$/, the
# functions fullmatch them.
SLUG = "[a-z0-9][a-z0-9-]{0,63}"  # course and lesson ids, as static/data/courses.json
PUSH_ID = "[-0-9A-Za-z_]{20}"  # the JS SDK's push(): 20 chars of its 64-char alphabet


def child(path: str, *keys: str) -> str:
    """path/key/...: a field or child below a built path (e.g. child(course(c), "order"))."""
    for key in keys:
        path = path + "/" + key
    return path


# ---- catalog (public)
def courses() -> str:
    return "courses"


def course(cid: str) -> str:
    return "courses/" + cid


def course_instructor(cid: str) -> str:
    """The uid of the course's instructor (the course's staff role)."""
    return course(cid) + "/instructorUid"


def lessons(cid: str = "") -> str:
    """Every course's lessons, or one course's."""
    return "lessons/" + cid if cid else "lessons"


def lesson(cid: str, lid: str) -> str:
    return lessons(cid) + "/" + lid


# ---- people
def profile(uid: str) -> str:
    return "profiles/" + uid


def profile_name(uid: str) -> str:
    """The display name posts must carry as authorName."""
    return profile(uid) + "/displayName"


def display_name(key: str) -> str:
    """The uid holding a display name; key is the name's lower-cased, escaped key."""
    return "displayNames/" + key


def enrollments(uid: str) -> str:
    return "enrollments/" + uid


def enrollment(uid: str, cid: str) -> str:
    """true once the user may take part in course cid (written by functions only)."""
    return enrollments(uid) + "/" + cid


def rate_limit(uid: str) -> str:
    """The user's posting window: {windowStart, count, post}."""
    return "rateLimits/" + uid


# ---- forum: posts inside forum/<cid>
def forum(cid: str) -> str:
    return "forum/" + cid


def question_in_forum(qid: str) -> str:
    return "questions/" + qid


def answers_in_forum(qid: str) -> str:
    return "answers/" + qid


def answer_in_forum(qid: str, aid: str) -> str:
    return answers_in_forum(qid) + "/" + aid


def comments_in_forum(qid: str, post_id: str = "") -> str:
    """Comments of the thread qid, or only those on its post post_id (qid: the question)."""
    return "comments/" + qid + ("/" + post_id if post_id else "")


def comment_in_forum(qid: str, post_id: str, cmid: str) -> str:
    return comments_in_forum(qid, post_id) + "/" + cmid


def post_in_forum(qid: str, post_id: str) -> str:
    """The forum path of the question itself (post_id == qid) or of one of its answers."""
    return question_in_forum(qid) if post_id == qid else answer_in_forum(qid, post_id)


def forum_post(cid: str, forum_path: str) -> str:
    """The full path of a post (or of any node) given by its forum path."""
    return forum(cid) + "/" + forum_path


def questions(cid: str) -> str:
    return forum(cid) + "/questions"


def question(cid: str, qid: str) -> str:
    return forum_post(cid, question_in_forum(qid))


def answers(cid: str, qid: str) -> str:
    return forum_post(cid, answers_in_forum(qid))


def answer(cid: str, qid: str, aid: str) -> str:
    return forum_post(cid, answer_in_forum(qid, aid))


def comments(cid: str, qid: str, post_id: str = "") -> str:
    return forum_post(cid, comments_in_forum(qid, post_id))


def comment(cid: str, qid: str, post_id: str, cmid: str) -> str:
    return forum_post(cid, comment_in_forum(qid, post_id, cmid))


# ---- votes: votes/<cid>/<qid>/<postId>/<uid> = +1 or -1 (postId == qid: the question)
def votes(cid: str) -> str:
    return "votes/" + cid


def thread_votes(cid: str, qid: str) -> str:
    """Every vote in one thread: {postId: {uid: ±1}}."""
    return votes(cid) + "/" + qid


def post_votes(cid: str, qid: str, post_id: str) -> str:
    return thread_votes(cid, qid) + "/" + post_id


def vote(cid: str, qid: str, post_id: str, uid: str) -> str:
    return post_votes(cid, qid, post_id) + "/" + uid


# ---- progress (issue 12): each learner's place and watched seconds per lesson, written by
# that learner's own browser (the rules check every value)
def progress(uid: str, cid: str = "") -> str:
    """One user's progress in every course, or in one course: {lid: record}."""
    return "progress/" + uid + ("/" + cid if cid else "")


def lesson_progress(uid: str, cid: str, lid: str) -> str:
    """{position, watched, duration, complete, updatedAt} for one lesson (seconds; ms)."""
    return progress(uid, cid) + "/" + lid


# ---- payments (issue 11): written by functions only (firebase-admin), never by browsers
def orders(uid: str = "") -> str:
    """Every user's orders (admins read them all), or one user's (its owner reads them)."""
    return "orders/" + uid if uid else "orders"


def order(uid: str, order_id: str) -> str:
    """One checkout: courseId, amount, currency, status, intentId, receipt (see the rules)."""
    return orders(uid) + "/" + order_id


def payment_intent(intent_id: str) -> str:
    """Functions-private: which order a Stripe PaymentIntent pays, {uid, orderId}."""
    return "payments/intents/" + intent_id


def payment_event(event_id: str) -> str:
    """Functions-private: a Stripe event applied to its order (the replay guard's record)."""
    return "payments/events/" + event_id


def payments() -> str:
    """All functions-private payment bookkeeping (no browser reads or writes)."""
    return "payments"


# ---- search (issue 13): the index of a course's posts, written by functions only and read
# by the course's members; its layout is app/model/search.py's docstring
def search(cid: str = "") -> str:
    """Every course's index, or one course's."""
    return "search/" + cid if cid else "search"


def search_term(cid: str, term: str) -> str:
    """{postKey: weight}: the posts holding a (stemmed) term."""
    return search(cid) + "/terms/" + term


def search_prefix(cid: str, prefix: str) -> str:
    """{postKey: weight}: the posts with a word that starts with prefix (the word typed)."""
    return search(cid) + "/prefix/" + prefix


def search_docs(cid: str, qid: str = "") -> str:
    """What each post put in the index, by thread: {qid: {postId: {t, p}}}, or one thread's."""
    return search(cid) + "/docs" + ("/" + qid if qid else "")


def search_doc(cid: str, qid: str, post_id: str) -> str:
    """One post's index entries (post_id == qid: the question), kept to remove stale ones."""
    return search_docs(cid, qid) + "/" + post_id


def search_hidden(cid: str = "") -> str:
    """Hidden posts' index (the same layout as search(cid)): read by the course's staff."""
    return "searchHidden/" + cid if cid else "searchHidden"


def search_hidden_term(cid: str, term: str) -> str:
    return search_hidden(cid) + "/terms/" + term


def search_hidden_prefix(cid: str, prefix: str) -> str:
    return search_hidden(cid) + "/prefix/" + prefix


def search_hidden_docs(cid: str, qid: str = "") -> str:
    return search_hidden(cid) + "/docs" + ("/" + qid if qid else "")


def search_hidden_doc(cid: str, qid: str, post_id: str) -> str:
    return search_hidden_docs(cid, qid) + "/" + post_id


def search_own_hidden(cid: str = "", uid: str = "") -> str:
    """One author's hidden posts' index in a course (read by that author): every course's,
    one course's, or one author's."""
    path = "searchOwnHidden"
    if cid:
        path = path + "/" + cid
        if uid:
            path = path + "/" + uid
    return path


def search_own_hidden_term(cid: str, uid: str, term: str) -> str:
    return search_own_hidden(cid, uid) + "/terms/" + term


def search_own_hidden_prefix(cid: str, uid: str, prefix: str) -> str:
    return search_own_hidden(cid, uid) + "/prefix/" + prefix


# ---- transcripts and Gurubot (issue 13): lesson transcripts (the seed or an admin's back end
# writes them; members read them), the bot's per-question record (functions only) and the
# asker's "this answered it" (app/model/gurubot.py; rules/gurubot_rules.py)
def transcripts(cid: str = "") -> str:
    """Every course's transcripts, or one course's: {lid: [{start, end, text}, ...]}."""
    return "transcripts/" + cid if cid else "transcripts"


def transcript(cid: str, lid: str) -> str:
    """One lesson's cues, in time order (seconds); the search functions index them."""
    return transcripts(cid) + "/" + lid


def gurubot(cid: str, qid: str = "") -> str:
    """Functions-private: what Gurubot did for a question ({answerId?, picks, score, at}),
    so a redelivered event never replies twice."""
    return "gurubot/" + cid + ("/" + qid if qid else "")


def gurubot_feedback(cid: str, qid: str = "") -> str:
    """The asker's verdict on Gurubot's answer: {uid, answerId, helpful, at} (once)."""
    return "gurubotFeedback/" + cid + ("/" + qid if qid else "")


# ---- moderation (issue 15): the audit trail, learners' reports, mutes and bans; every
# staff action writes its audit entry in the same update (rules/moderation_rules.py)
def audit(cid: str) -> str:
    """A course's audit trail: {entryId: {action, target, by, at, value?, reason?}}."""
    return "audit/" + cid


def audit_entry(cid: str, entry_id: str) -> str:
    return audit(cid) + "/" + entry_id


def audit_last(cid: str, uid: str) -> str:
    """The entry id of this staff member's latest action in cid: ticked by every action."""
    return "auditLast/" + cid + "/" + uid


def reports(cid: str) -> str:
    """A course's reports: {qid: {postId: {uid: report}}} (postId == qid: the question)."""
    return "reports/" + cid


def thread_reports(cid: str, qid: str) -> str:
    return reports(cid) + "/" + qid


def post_reports(cid: str, qid: str, post_id: str) -> str:
    return thread_reports(cid, qid) + "/" + post_id


def report(cid: str, qid: str, post_id: str, uid: str) -> str:
    """One member's report of one post: {reason, note?, createdAt}."""
    return post_reports(cid, qid, post_id) + "/" + uid


def moderation(cid: str, uid: str = "") -> str:
    """Mutes and bans in cid ({uid: {kind, reason, until?, by, at}}), or one user's."""
    return "moderation/" + cid + ("/" + uid if uid else "")


def slow_mode(cid: str) -> str:
    """A course's slow mode: {course?: seconds, questions?: {qid: seconds}} (staff set it)."""
    return "slowMode/" + cid


def slow_mode_course(cid: str) -> str:
    """Minimum seconds between one member's posts anywhere in the course."""
    return slow_mode(cid) + "/course"


def slow_mode_question(cid: str, qid: str) -> str:
    """Minimum seconds between one member's posts (answers, comments) in one thread."""
    return slow_mode(cid) + "/questions/" + qid


def slow_stamp(cid: str, uid: str) -> str:
    """{at}: the server time of the member's latest post in cid, ticked with each post (an
    object: a bare epoch-ms number would cross MicroPython's FFI cut to 32 bits)."""
    return "slowStamps/" + cid + "/" + uid


# ---- office hours and the confusion map (issue 15 items 6-7; rules/office_hours_rules.py)
def office_hours(cid: str) -> str:
    """A course's live session: {open, by, openedAt} (staff), its queue and served times."""
    return "officeHours/" + cid


def office_queue(cid: str, uid: str = "") -> str:
    """The session's queue ({uid: {question, joinedAt, takenAt?, takenBy?}}), or one entry."""
    return office_hours(cid) + "/queue" + ("/" + uid if uid else "")


def office_served(cid: str, sid: str = "") -> str:
    """Who was served, when taken and when done ({sid: {uid, joinedAt, takenAt, doneAt}})."""
    return office_hours(cid) + "/served" + ("/" + sid if sid else "")


def confusion(cid: str, lid: str = "") -> str:
    """ "I'm lost here" taps: {lid: {bucket: {uid: at}}} (bucket = second // BUCKET_S)."""
    return "confusion/" + cid + ("/" + lid if lid else "")


def confusion_tap(cid: str, lid: str, bucket: str, uid: str) -> str:
    return confusion(cid, lid) + "/" + bucket + "/" + uid


# ---- email (issue 14): each user's choices per kind (app/model/email.py; the owner reads
# and writes them), their delivery status (the functions write it, the owner reads it), and
# the mail bookkeeping, which only the functions (firebase-admin) read or write. Addresses
# are never stored where a browser can read them: the functions read them from Auth.
def email_settings(uid: str) -> str:
    """{kind: "instant" | "digest" | "off"}: what the user wants mailed, and when."""
    return "emailSettings/" + uid


def email_setting(uid: str, kind: str) -> str:
    return email_settings(uid) + "/" + kind


def email_status(uid: str) -> str:
    """{suppressed: {address, reason, at}}: mail to the user's address stopped (a bounce or
    a complaint); address is masked ("a…@…")."""
    return "emailStatus/" + uid


def mail() -> str:
    """All functions-private mail bookkeeping (no browser reads or writes)."""
    return "mail"


def mail_sent(uid: str, key: str = "") -> str:
    """Functions-private: every mail to a user, by an idempotency key ({kind, subject, at})."""
    return "mail/sent/" + uid + ("/" + key if key else "")


def mail_rate(uid: str) -> str:
    """Functions-private: the user's mail window {windowStart, count} (limits.MAILS_PER_HOUR)."""
    return "mail/rate/" + uid


def mail_suppressed(address_key: str) -> str:
    """Functions-private: an address that bounced or complained, by its hash {reason, at}."""
    return "mail/suppressed/" + address_key


def mail_digest(uid: str) -> str:
    """Functions-private: the user's digest cursor {lastAt}: entries after it are new."""
    return "mail/digest/" + uid


def mail_webhook(token: str) -> str:
    """Functions-private: a provider webhook's token already applied (replay guard)."""
    return "mail/webhooks/" + token


# ---- notifications (issue 14): who follows a thread, each member's level per course, and
# each user's inbox (written by the fan-out functions only; its owner reads it, marks an
# entry read and deletes it). Layout and reasons: rules/notifications_rules.py.
def follows(cid: str, qid: str = "") -> str:
    """Every thread's followers in a course, or one thread's: {uid: true}."""
    return "follows/" + cid + ("/" + qid if qid else "")


def follow(cid: str, qid: str, uid: str) -> str:
    """true while uid follows the thread qid (its author and answerers follow on posting)."""
    return follows(cid, qid) + "/" + uid


def watch(cid: str, uid: str = "") -> str:
    """Every member's watch level in a course, or one member's."""
    return "watch/" + cid + ("/" + uid if uid else "")


def inbox(uid: str) -> str:
    """One user's notifications: {nid: entry} (app/model/notices.py)."""
    return "inbox/" + uid


def inbox_entry(uid: str, nid: str) -> str:
    """{kind, courseId, questionId, postId, lessonId, second, actorName, title, snippet,
    createdAt, read?}."""
    return inbox(uid) + "/" + nid


def inbox_read(uid: str, nid: str) -> str:
    """true once the owner has read the entry (the one field a browser writes)."""
    return inbox_entry(uid, nid) + "/read"


def inbox_by_post(cid: str, qid: str = "", nid: str = "") -> str:
    """Functions-private: who got each notification of a thread, {nid: {uid: true}}, so a
    hidden or deleted post's entries can be found and removed (and redelivery skipped)."""
    path = "inboxByPost/" + cid
    if qid:
        path = path + "/" + qid
        if nid:
            path = path + "/" + nid
    return path
