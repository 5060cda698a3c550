"""Email: the kinds of mail Nimbus sends, the choices a user has for each, and the defaults.

The settings page (app/ui/email_settings.py), the rules (rules/email_rules.py: which kinds
and values emailSettings/$uid may hold) and the mail functions (functions/notifications/)
read these, so a choice the page offers is one the rules accept and the functions obey.

Kinds: "replies" (answers and comments on a question you asked), "activity" (the rest of
what reaches your inbox from threads you follow: answers, comments, an answer of yours
accepted or endorsed), "questions" (new questions in the courses you watch) and "receipts"
(a purchase went through). Nothing is ever mailed for a kind set to "off".
"""

REPLIES = "replies"
ACTIVITY = "activity"
QUESTIONS = "questions"
RECEIPTS = "receipts"
KINDS = (REPLIES, ACTIVITY, QUESTIONS, RECEIPTS)

INSTANT = "instant"
DIGEST = "digest"
OFF = "off"
CHOICES = (INSTANT, DIGEST, OFF)

# What a kind offers: a receipt is about one purchase, so it is mailed at once or not at all.
OFFERED = {
    REPLIES: CHOICES,
    ACTIVITY: CHOICES,
    QUESTIONS: CHOICES,
    RECEIPTS: (INSTANT, OFF),
}
# Until a user chooses: replies in the daily digest, nothing else. A receipt is what the
# buyer asked for at checkout, so it comes unless they turn it off.
DEFAULTS = {REPLIES: DIGEST, ACTIVITY: OFF, QUESTIONS: OFF, RECEIPTS: INSTANT}

LABELS = {
    REPLIES: "Answers and comments on your questions",
    ACTIVITY: "Activity in threads you follow",
    QUESTIONS: "New questions in courses you watch",
    RECEIPTS: "Purchase receipts",
}
CHOICE_LABELS = {INSTANT: "Right away", DIGEST: "Daily digest", OFF: "Off"}


def choice(settings, kind):
    """The user's choice for kind, given their emailSettings node (None: nothing chosen)."""
    if isinstance(settings, dict):
        value = settings.get(kind)
        if value in OFFERED.get(kind, ()):
            return value
    return DEFAULTS.get(kind, OFF)


def kind_of_entry(entry_kind, own_question):
    """The mail kind of an inbox entry ({kind: answer|comment|accepted|endorsed|question}):
    an answer or comment on the recipient's own question is a reply."""
    if entry_kind == "question":
        return QUESTIONS
    if entry_kind in ("answer", "comment") and own_question:
        return REPLIES
    return ACTIVITY


def mask(address):
    """How an address is shown back to its owner: its first letter, then "…@…"."""
    address = address or ""
    return (address[:1] or "?") + "\u2026@\u2026"
