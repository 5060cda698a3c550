"""Nimbus's security rules, written once in Python and emitted as ``database.rules.json``.

The Realtime Database rules language has no functions, so role checks would otherwise be
pasted into dozens of rules. Like Firebase's own Bolt compiler, this module names them
once; ``python3 build.py rules`` writes the JSON that Firebase and the local server load,
and a test fails if the two drift apart.

Data model (one path per fact, fan-out by multi-path updates). Its paths and field limits
are spelt once, in app/model/ (shared with the browser app and the functions): every path
below is built by :func:`path_expr` from a builder of app/model/paths.py, every limit read
from app/model/limits.py.

- ``courses/$cid``: catalog entry; ``instructorUid`` names the course's instructor.
- ``lessons/$cid/$lid``: lesson metadata (public, like the catalog).
- ``profiles/$uid``: ``displayName`` (what posts show as the author).
- ``displayNames/$key``: ``$uid``, the one owner of a display name; ``$key`` is
  :func:`name_key` of the name (lower-cased, key-unsafe characters %-escaped).
- ``enrollments/$uid/$cid``: ``true`` once paid (written by functions, never by browsers).
- ``orders/$uid/$orderId``: one checkout (course, amount, status, receipt), written by the
  payment functions only; its owner reads their own orders, admins read every order.
- ``payments/…``: the payment functions' bookkeeping (intent → order, Stripe events seen);
  no rule opens it, so no browser reads or writes it.
- ``rateLimits/$uid``: ``{windowStart, count, post}``, the author's posting window.
- ``progress/$uid/$cid/$lid``: ``{position, watched, duration, complete, updatedAt}``, a
  learner's place in a lesson, written by their own player; its rules and why they hold:
  rules/progress_rules.py.
- ``search/$cid``: the course's search index (``terms/$term``, ``prefix/$p``: postings
  ``{postKey: weight}``; ``docs/$qid/$postId``: what each post put there), kept by the
  search functions from the forum; no browser writes it, only the course's members read it
  (what it holds is what they may read in the forum). Hidden posts are indexed apart, in
  ``searchHidden/$cid`` (the course's staff read it) and ``searchOwnHidden/$cid/$uid``
  (that author reads it while a member). The layout and its reasons: app/model/search.py.
- ``forum/$cid/questions/$qid``: a question beside lesson ``lessonId``.
- ``forum/$cid/answers/$qid/$aid``: answers to one question.
- ``forum/$cid/comments/$qid/$postId/$cmid``: comments on question ``$qid`` itself
  (``$postId`` = ``$qid``) or on its answer ``$postId``. The thread is part of the path, so
  a comment cannot claim one thread and sit in another.
- Moderation flags, ``true`` or absent, which only staff (the course's instructor or an
  admin) set or clear, not even a post's author: ``pinned`` (question: listed first),
  ``endorsed`` (answer), ``locked`` (question: no new answers, and no new comments on it
  or its answers; existing posts stay editable by their authors) and ``hidden`` (question
  or answer). Hidden posts stay readable by every member, because Realtime Database rules
  cannot filter what a read returns: hiding is what the UI does, which shows them to staff
  and to their author only (dimmed and marked).
- ``authorRole`` on a post: ``"instructor"`` or ``"admin"``, accepted only from someone who
  holds that role when the post is created. It is the staff badge: a display name can be
  anything, a role only the course's ``instructorUid`` or the admin claim gives.
- ``votes/$cid/$qid/$postId/$uid``: one vote (+1/-1) per user per post; ``$postId`` is
  ``$qid`` for the question itself. A vote and ``increment(delta)`` on the post's
  ``score`` travel in one update, and the rules check each against the other.

Why these hold under any sequence of allowed writes:

- Keys are the app's own shapes: posts are 20-character push IDs, an answer's key is never
  its question's key (they would share a vote path), course and lesson ids are catalog
  slugs. ``lessonId`` and ``acceptedAnswerId`` have those shapes and name an existing
  lesson / an existing answer of this question; an answer cannot be deleted while its
  question accepts it (the same update clears ``acceptedAnswerId``, which anyone may clear
  once the answer it names is gone).
- Delete and recreate ("clean slate"): a post may be created only where nothing of an
  earlier post under that key survives: no answers, comments or votes of a question
  (``answers/$qid``, ``comments/$qid``, ``votes/$cid/$qid``), no comments or votes of an
  answer. Deleting a post leaves its children where they are; the key is then dead until
  every child is gone (authors may delete their own, anyone may clear the votes of a post
  that no longer exists). A recreated key therefore starts with no children at all, its
  score at 0 and no votes: the flags a deletion shed protect nothing that returns.
- Score = sum of votes: a post is created with score 0 and no votes (clean slate); after
  that, a vote moves only with the same change of ``score`` and ``score`` only with the
  writer's own vote, both checked in the same update, on the one path a post's votes have.
- Names: a display name is 1 to ``NAME_MAX`` characters from a list of letters, digits,
  punctuation and the plain space (no control, format, bidi or zero-width characters, no
  other spaces, no leading, trailing or double spaces), and the same update must make
  ``displayNames/<key>`` this user's (and release the old name's entry on a rename), so
  two users can never hold names that differ only in case.
- ``.priority`` is refused on every node (``newData.getPriority() === null`` joins every
  ``.validate``): the app never sets one, and a priority would otherwise ride along on
  nodes that ``$other`` cannot see.
- Flooding: creating a question, answer or comment must, in the same update, tick
  ``rateLimits/<uid>`` (``count + 1`` within the current window, or a new window starting
  at ``now``) and name the post in ``post``, so one update creates at most one post, and a
  user creates at most ``POSTS_PER_WINDOW`` posts per ``WINDOW_MS``. Ten posts a minute is
  far above a learner's pace (a question or answer takes minutes to write; even a burst of
  "thanks" comments stays under it) while a flood is capped at 10 posts (100 KB) a minute.
  The stamp cannot be deleted, only ticked, so it cannot be reset.
"""

from __future__ import annotations

import json
from typing import Any

from app.model import gurubot, limits, paths
from rules import (
    email_rules,
    gurubot_rules,
    moderation_rules,
    notifications_rules,
    office_hours_rules,
    progress_rules,
)
from rules._common import (
    ADMIN,
    ASKER,
    COURSE_EXISTS,
    MEMBER,
    NAME_OK,
    NO_PRIORITY,
    PUSH_ID,
    SIGNED_IN,
    SLUG,
    STAFF,
    field_of,
    instructor,
    name_key,
    name_key_expr,
    path_expr,
    text,
    up,
)


def vote_value(snapshot: str) -> str:
    """A vote's numeric value in ``snapshot`` (0 when there is none)."""
    return f"({snapshot}.exists() ? {snapshot}.val() : 0)"


def score_rule(new_root: str, post_id: str) -> dict[str, str]:
    """``score`` moves only by the writer's own change of vote, in the same update."""
    my_vote = path_expr(paths.vote, "$cid", "$qid", post_id, "auth.uid")
    new_vote = vote_value(f"{new_root}.child({my_vote})")
    old_vote = vote_value(f"root.child({my_vote})")
    return {
        ".write": MEMBER,
        ".validate": (
            f"newData.isNumber() && newData.val() === "
            f"(data.exists() ? data.val() : 0) + {new_vote} - {old_vote}"
        ),
    }


def stamped(new_root: str, post_path: str) -> str:
    """This update ticks the author's rate-limit window and names ``post_path`` as its post."""
    tick = path_expr(paths.rate_limit, "auth.uid")
    new = f"{new_root}.child({tick})"
    old = f"root.child({tick})"
    return (
        f"{new}.child('post').val() === {post_path} && "
        f"({new}.child('count').val() !== {old}.child('count').val() || "
        f"{new}.child('windowStart').val() !== {old}.child('windowStart').val())"
    )


AUTHOR_ROLE = {
    ".validate": (
        "newData.isString() && (data.exists() ? newData.val() === data.val() : "
        f"!data.parent().exists() && ((newData.val() === 'instructor' && {instructor()}) || "
        f"(newData.val() === 'admin' && {ADMIN})))"
    )
}  # only at creation, only by the holder of that role


def post_common(depth: int) -> dict[str, Any]:
    """Fields every post (question, answer, comment) carries, and who may touch them.

    ``depth`` is how many parents above a post's field the root is.
    """
    profile_name = f"{up(depth)}.child({path_expr(paths.profile_name, 'auth.uid')}).val()"
    return {
        "uid": {
            ".validate": (
                f"auth.uid !== '{gurubot.BOT_UID}' && "
                "newData.val() === (data.exists() ? data.val() : auth.uid)"
            )
        },  # no browser posts as Gurubot (only the functions write its answers)
        "authorName": {
            ".validate": (
                f"data.exists() ? newData.val() === data.val() : newData.val() === {profile_name}"
            )
        },
        "authorRole": AUTHOR_ROLE,
        "body": {".validate": text(limits.BODY_MAX)},
        "createdAt": {".validate": "newData.val() === (data.exists() ? data.val() : now)"},
        "editedAt": {".validate": "newData.val() === now || newData.val() === data.val()"},
        "$other": {".validate": False},
    }


def flags_kept(flags: tuple[str, ...]) -> str:
    """The write deletes the post or leaves each of ``flags`` as it is (absent reads null)."""
    kept = " && ".join(f"newData.child('{f}').val() === data.child('{f}').val()" for f in flags)
    return f" && (!newData.exists() || ({kept}))" if flags else ""


def post_write(
    create_check: str,
    flags: tuple[str, ...] = (),
    delete_check: str = "",
    new_root: str = "",
    post_path: str = "",
) -> str:
    """Create as yourself; edit or delete your own; staff may delete anything, with its
    audit entry (action ``delete``, target ``post_path``) in the same update.

    An author's edits must leave the post's staff ``flags`` as they are: their grant here
    covers every child, and a flag's own ``.validate`` does not run when it is deleted, so
    without this an author could unlock or unhide their own post. ``delete_check`` must
    hold for any deletion.
    """

    create = (
        f"(!data.exists() && newData.child('uid').val() === auth.uid && {COURSE_EXISTS} && "
        f"{moderation_rules.may_post(new_root)} && {create_check})"
    )  # a muted or banned learner creates nothing; slow mode spaces a learner's posts
    unsaid = (
        "newData.child('title').val() === data.child('title').val() && "
        "newData.child('body').val() === data.child('body').val()"
    )
    own = (
        f"(data.exists() && data.child('uid').val() === auth.uid{flags_kept(flags)} && "
        f"(!newData.exists() || {STAFF} || !{moderation_rules.silenced()} || ({unsaid})))"
    )  # a muted author may still delete, accept or tidy, but not rewrite what a post says
    audit = moderation_rules.audited(new_root, "'delete'", post_path)
    moderate = f"(!newData.exists() && {STAFF} && {audit})"
    deleting = f" && (newData.exists() || {delete_check})" if delete_check else ""
    return f"{MEMBER} && ({create} || {own} || {moderate}){deleting}"


def staff_flag(flag: str, new_root: str, post_path: str) -> dict[str, str]:
    """A moderation flag (pinned, locked, hidden, endorsed): only staff change it, and only
    with its audit entry (action ``flag``, the post, the new value) in the same update."""

    audit = moderation_rules.audited(new_root, f"'{flag}'", post_path, "(newData.val() === true)")
    return {
        ".write": f"{SIGNED_IN} && {STAFF} && {audit}",
        ".validate": (
            f"newData.isBoolean() && (newData.val() === data.val() || ({STAFF} && {audit}))"
        ),
    }


QUESTION_FLAGS = ("pinned", "locked", "hidden")
ANSWER_FLAGS = ("endorsed", "hidden")
QUESTION_PATH = path_expr(paths.question, "$cid", "$qid")
ANSWER_PATH = path_expr(paths.answer, "$cid", "$qid", "$aid")
COMMENT_PATH = path_expr(paths.comment, "$cid", "$qid", "$postId", "$cmid")
NOT_LOCKED = (
    f"root.child({path_expr(field_of(paths.question, 'locked'), '$cid', '$qid')}).val() !== true"
)
FRESH_QUESTION = (
    f"!root.child({path_expr(paths.answers, '$cid', '$qid')}).exists() && "
    f"!root.child({path_expr(paths.comments, '$cid', '$qid')}).exists() && "
    f"!root.child({path_expr(paths.thread_votes, '$cid', '$qid')}).exists() && "
    f"!root.child({path_expr(paths.thread_reports, '$cid', '$qid')}).exists() && "
    f"!root.child({path_expr(paths.follows, '$cid', '$qid')}).exists() && "
    f"!root.child({path_expr(paths.gurubot_feedback, '$cid', '$qid')}).exists() && "
    f"!root.child({path_expr(paths.gurubot, '$cid', '$qid')}).exists()"
)  # clean slate: nothing of an earlier question under this key survives (the functions
# clear its follows, Gurubot feedback and record when it goes: notifications/fanout.py)
FRESH_ANSWER = (
    f"!root.child({path_expr(paths.comments, '$cid', '$qid', '$aid')}).exists() && "
    f"!root.child({path_expr(paths.post_votes, '$cid', '$qid', '$aid')}).exists() && "
    f"!root.child({path_expr(paths.post_reports, '$cid', '$qid', '$aid')}).exists()"
)
REPORT_FIELDS = ("reportCount", "pendingReview")  # members move them, authors cannot


def question() -> dict[str, Any]:
    new_root = up(4)

    def accepted(aid: str) -> str:  # the answer acceptedAnswerId names, in the forum
        return path_expr(paths.answer_in_forum, "$qid", aid)

    return {
        ".write": post_write(
            f"{FRESH_QUESTION} && {stamped(new_root, QUESTION_PATH)}",
            QUESTION_FLAGS + REPORT_FIELDS,
            new_root=new_root,
            post_path=QUESTION_PATH,
        ),
        ".validate": (
            f"$qid.matches({PUSH_ID}) && "
            "newData.hasChildren(['uid', 'authorName', 'lessonId', 'title', 'body', "
            "'createdAt', 'score'])"
        ),
        **post_common(5),
        "lessonId": {
            ".validate": (
                "newData.isString() && (data.exists() ? newData.val() === data.val() : "
                f"newData.val().matches({SLUG}) && "
                f"root.child({path_expr(paths.lesson, '$cid', 'newData.val()')}).exists())"
            )
        },
        "title": {".validate": text(limits.TITLE_MAX)},
        "videoSecond": {
            ".validate": (
                "newData.isNumber() && newData.val() >= 0 && newData.val() <= 86400 && "
                "(!data.exists() || newData.val() === data.val())"
            )
        },
        "score": score_rule(up(5), "$qid"),
        "acceptedAnswerId": {
            ".write": (
                f"{MEMBER} && (root.child({ASKER}).val() === auth.uid || "
                f"(!newData.exists() && !{up(3)}.child({accepted('data.val()')}).exists()))"
            ),  # the asker chooses; anyone may clear a reference to a deleted answer
            ".validate": (
                f"newData.isString() && newData.val().matches({PUSH_ID}) && "
                f"{up(3)}.child({accepted('newData.val()')}).exists()"
            ),
        },
        **{flag: staff_flag(flag, up(5), QUESTION_PATH) for flag in QUESTION_FLAGS},
        **moderation_rules.report_fields(up(5), "$qid", QUESTION_PATH),
    }


def answer() -> dict[str, Any]:
    new_root = up(5)
    accepted = path_expr(field_of(paths.question_in_forum, "acceptedAnswerId"), "$qid")
    question_open = f"{up(3)}.child({THE_QUESTION}).exists() && {NOT_LOCKED}"
    released = f"{up(3)}.child({accepted}).val() !== $aid"

    return {
        ".write": post_write(
            f"{question_open} && {FRESH_ANSWER} && {stamped(new_root, ANSWER_PATH)}",
            ANSWER_FLAGS + REPORT_FIELDS,
            delete_check=released,
            new_root=new_root,
            post_path=ANSWER_PATH,
        ),
        ".validate": (
            f"$aid.matches({PUSH_ID}) && $aid !== $qid && "
            "newData.hasChildren(['uid', 'authorName', 'body', 'createdAt', 'score'])"
        ),
        **post_common(6),
        "score": score_rule(up(6), "$aid"),
        **{flag: staff_flag(flag, up(6), ANSWER_PATH) for flag in ANSWER_FLAGS},
        **moderation_rules.report_fields(up(6), "$aid", ANSWER_PATH),
    }


def comment() -> dict[str, Any]:
    new_root = up(6)
    forum = up(4)
    on_thread = (
        f"{forum}.child({THE_QUESTION}).exists() && ($postId === $qid || "
        f"{forum}.child({path_expr(paths.answer_in_forum, '$qid', '$postId')}).exists())"
    )  # the post it hangs under belongs to the thread of its path
    return {
        ".write": post_write(
            f"{on_thread} && {NOT_LOCKED} && {stamped(new_root, COMMENT_PATH)}",
            new_root=new_root,
            post_path=COMMENT_PATH,
        ),
        ".validate": (
            f"$cmid.matches({PUSH_ID}) && "
            "newData.hasChildren(['uid', 'authorName', 'body', 'createdAt'])"
        ),
        **post_common(7),
        "body": {".validate": text(limits.COMMENT_MAX)},
    }


THE_QUESTION = path_expr(paths.question_in_forum, "$qid")  # in its forum
VOTED_POST = (
    f"($postId === $qid ? {THE_QUESTION} : "
    f"{path_expr(paths.answer_in_forum, '$qid', '$postId')})"
)  # paths.post_in_forum($qid, $postId)
VOTED_POST_PATH = path_expr(paths.forum_post, "$cid", VOTED_POST)


def vote() -> dict[str, Any]:
    score = path_expr(field_of(paths.forum_post, "score"), "$cid", VOTED_POST)
    new_root = up(5)
    return {
        ".write": (
            f"{MEMBER} && auth.uid === $uid && "
            f"root.child({QUESTION_PATH}).exists() && "
            f"root.child({VOTED_POST_PATH}).exists() && "
            f"{new_root}.child({score}).val() === root.child({score}).val() + "
            f"{vote_value('newData')} - {vote_value('data')}"
        ),
        ".validate": "newData.val() === 1 || newData.val() === -1",
    }


def dead_votes() -> str:
    """Anyone may clear the votes of a post that no longer exists (freeing its key)."""
    return f"{MEMBER} && !newData.exists() && !{up(4)}.child({VOTED_POST_PATH}).exists()"


def name_entry(name: str) -> str:
    """The displayNames entry of the string expression ``name``."""
    return path_expr(paths.display_name, name_key_expr(name))


def profile() -> dict[str, Any]:
    own_name = "data.child('displayName')"
    entry_of_old = f"{up(2)}.child({name_entry(own_name + '.val()')})"
    return {
        ".read": SIGNED_IN,
        ".write": (
            f"{SIGNED_IN} && auth.uid === $uid && "
            f"(newData.exists() || !{own_name}.exists() || !{entry_of_old}.exists())"
        ),  # deleting a profile releases its name in the same update
        ".validate": "newData.hasChildren(['displayName'])",
        "displayName": {
            ".validate": (
                f"{NAME_OK} && "
                f"{up(3)}.child({name_entry('newData.val()')}).val() "
                "=== $uid && (!data.exists() || "
                f"{name_key_expr('data.val()')} === {name_key_expr('newData.val()')} || "
                f"!{up(3)}.child({name_entry('data.val()')}).exists())"
            )  # the new name's index entry is mine; a rename releases the old one
        },
        "$other": {".validate": False},
    }


def display_name_entry() -> dict[str, Any]:
    name = f"{up(2)}.child({path_expr(paths.profile_name, 'auth.uid')})"
    return {
        ".read": True,  # one name at a time: sign-up asks whether a name is free
        ".write": (
            f"{SIGNED_IN} && (data.exists() ? data.val() === auth.uid && (newData.exists() || "
            f"!{name}.exists() || {name_key_expr(name + '.val()')} !== $key) : "
            "newData.val() === auth.uid)"
        ),  # claim a free name; release your own once your profile no longer uses it
        ".validate": (
            f"$key !== '{name_key(gurubot.BOT_NAME)}' && "  # the bot's name is reserved
            f"newData.val() === auth.uid && {name}.isString() && "
            f"{name_key_expr(name + '.val()')} === $key"
        ),
    }


def rate_limit() -> dict[str, Any]:
    return {
        ".read": f"{SIGNED_IN} && auth.uid === $uid",
        ".write": f"{SIGNED_IN} && auth.uid === $uid && newData.exists()",
        ".validate": (
            "newData.hasChildren(['windowStart', 'count', 'post']) && ("
            "(data.exists() && newData.child('windowStart').val() === "
            "data.child('windowStart').val() && newData.child('count').val() === "
            "data.child('count').val() + 1 && "
            f"newData.child('count').val() <= {limits.POSTS_PER_WINDOW}) || "
            "(newData.child('windowStart').val() === now && newData.child('count').val() === 1 "
            f"&& (!data.exists() || now - data.child('windowStart').val() >= {limits.WINDOW_MS})))"
        ),  # one more post in this window, or the first of a new one
        "windowStart": {".validate": "newData.isNumber()"},
        "count": {".validate": "newData.isNumber()"},
        "post": {
            ".validate": f"newData.isString() && newData.val().length <= {limits.POST_PATH_MAX}"
        },
        "$other": {".validate": False},
    }


def refuse_priorities(node: dict[str, Any]) -> dict[str, Any]:
    """Every rule node (not the wildcard-refused ones) also refuses a ``.priority``."""
    out: dict[str, Any] = {}
    for key, value in node.items():
        out[key] = refuse_priorities(value) if isinstance(value, dict) else value
    validate = out.get(".validate")
    if validate is None:
        out[".validate"] = NO_PRIORITY
    elif validate is not False:
        out[".validate"] = f"{NO_PRIORITY} && ({validate})"
    return out


def rules() -> dict[str, Any]:

    slug_key = {"$cid": {".validate": f"$cid.matches({SLUG})"}}
    tree = {
        ".read": False,
        ".write": False,
        "courses": {
            ".read": True,
            ".indexOn": ["order"],
            "$cid": {".write": f"{SIGNED_IN} && {ADMIN}", **slug_key["$cid"]},
        },
        "lessons": {
            ".read": True,
            "$cid": {
                ".indexOn": ["order"],
                ".write": f"{SIGNED_IN} && {ADMIN}",
                **slug_key["$cid"],
                "$lid": {".validate": f"$lid.matches({SLUG})"},
            },
        },
        "profiles": {"$uid": profile()},
        "displayNames": {"$key": display_name_entry()},
        # Money becomes access only through the payment functions (firebase-admin, which
        # the rules do not govern): no browser writes enrollments, orders or bookkeeping,
        # not even an admin's (refunds go through refund_order, which also refunds Stripe).
        "enrollments": {
            "$uid": {
                ".read": f"{SIGNED_IN} && (auth.uid === $uid || {ADMIN})",
                "$cid": {".validate": "newData.val() === true"},
            }
        },
        "orders": {
            ".read": f"{SIGNED_IN} && {ADMIN}",
            "$uid": {".read": f"{SIGNED_IN} && auth.uid === $uid"},
        },
        "rateLimits": {"$uid": rate_limit()},
        "audit": moderation_rules.audit_tree(),
        "auditLast": moderation_rules.audit_last_tree(),
        "reports": moderation_rules.reports_tree(),
        "moderation": moderation_rules.moderation_tree(),
        "slowMode": moderation_rules.slow_mode_tree(),
        "slowStamps": moderation_rules.slow_stamps_tree(),
        **email_rules.tree(),  # emailSettings/, emailStatus/ (issue 14)
        "progress": progress_rules.tree(),
        **notifications_rules.tree(),  # follows/, watch/, inbox/ (issue 14)
        **gurubot_rules.tree(),  # transcripts/, gurubotFeedback/ (issue 13)
        **office_hours_rules.tree(),  # officeHours/, confusion/ (issue 15 items 6-7)
        # The search functions (firebase-admin) write the indexes; members read the public
        # one, staff the hidden posts' one, each author their own hidden posts' one.
        "search": {"$cid": {".read": MEMBER}},
        "searchHidden": {"$cid": {".read": f"{SIGNED_IN} && {STAFF}"}},
        "searchOwnHidden": {"$cid": {"$uid": {".read": f"{MEMBER} && auth.uid === $uid"}}},
        "forum": {
            "$cid": {
                ".read": MEMBER,
                "questions": {".indexOn": ["lessonId", "createdAt"], "$qid": question()},
                "answers": {"$qid": {".indexOn": ["createdAt"], "$aid": answer()}},
                "comments": {"$qid": {"$postId": {"$cmid": comment()}}},
            }
        },
        "votes": {
            "$cid": {
                ".read": MEMBER,
                "$qid": {"$postId": {".write": dead_votes(), "$uid": vote()}},
            }
        },
    }
    return {"rules": refuse_priorities(tree)}


def render() -> str:
    header = (
        "// Generated from rules/nimbus_rules.py by `python3 build.py rules`: edit that file.\n"
    )
    return header + json.dumps(rules(), indent=2) + "\n"
