"""Notifications' shared vocabulary: kinds, watch levels, entry ids and who is told.

The fan-out functions (functions/_model copy) decide recipients with :func:`recipients`;
the browser reads the same kinds and levels for the bell, the inbox and the course's
watch selector. Plain Python that MicroPython runs too (no I/O here).

Levels (after Discourse's watching levels), per member and course, at ``watch/$cid/$uid``:
"all" (every new question, plus followed threads), "followed" (threads one follows only:
one's own questions, those one answered, those one chose to follow) and "muted" (nothing
from that course, followed threads included). Absent: "followed", except for the course's
instructor, who watches "all" by default.
"""

ANSWER = "answer"
COMMENT = "comment"
ACCEPTED = "accepted"
ENDORSED = "endorsed"
QUESTION = "question"
KINDS = (ANSWER, COMMENT, ACCEPTED, ENDORSED, QUESTION)

ALL = "all"
FOLLOWED = "followed"
MUTED = "muted"
LEVELS = (ALL, FOLLOWED, MUTED)
LEVEL_LABELS = {
    ALL: "All new questions",
    FOLLOWED: "Followed threads only",
    MUTED: "Muted",
}

SNIPPET_CHARS = 140  # an entry's excerpt of the post, in characters
INBOX_WINDOW = 100  # the bell listens to the newest entries only (a bounded read)
BATCH_RECIPIENTS = 250  # recipients per multi-path update (two paths each)


def nid(kind: str, post_id: str) -> str:
    """The entry id of a notification about post_id: the same for every recipient and
    every redelivery of the event (kinds and push ids hold no key-unsafe characters)."""
    return kind + "-" + post_id


def level(levels: dict, uid: str, instructor_uid: str) -> str:
    """uid's watch level in a course from the course's {uid: level} map."""
    chosen = (levels or {}).get(uid)
    if chosen in LEVELS:
        return chosen
    return ALL if uid == instructor_uid else FOLLOWED


def recipients(
    kind: str, actor: str, followers: dict, levels: dict, instructor_uid: str, also: tuple = ()
) -> list:
    """Who gets an entry of ``kind``, sorted: never the actor, never a muted member.

    question: members watching "all" (the instructor by default); answer and comment: the
    thread's followers and ``also`` (a comment's post author); accepted and endorsed: only
    ``also`` (the answer's author). Membership is the caller's check (it needs reads).
    """
    candidates = {}
    if kind == QUESTION:
        for uid in levels or {}:
            candidates[uid] = True
        if instructor_uid:
            candidates[instructor_uid] = True
        candidates = {u: True for u in candidates if level(levels, u, instructor_uid) == ALL}
    elif kind in (ANSWER, COMMENT):
        for uid in followers or {}:
            if (followers or {})[uid] is True:
                candidates[uid] = True
    for uid in also:
        if uid:
            candidates[uid] = True
    out = []
    for uid in candidates:
        if uid != actor and level(levels, uid, instructor_uid) != MUTED:
            out.append(uid)
    out.sort()
    return out


def snippet(body: str) -> str:
    """The start of a post's Markdown as one plain line (the inbox shows it as text)."""
    words = (body or "").split()
    line = " ".join(words)
    if len(line) <= SNIPPET_CHARS:
        return line
    return line[: SNIPPET_CHARS - 1].rstrip() + "…"
