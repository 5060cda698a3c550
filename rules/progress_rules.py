"""Rules for ``progress/$uid/$cid/$lid``: each learner's place in a lesson, written by the
player in their own browser (issue 12).

A record is ``{position, watched, duration, complete, startedAt, updatedAt}``: seconds of
the video (the place, the seconds actually played, not seek jumps, and the clip's length),
whether the lesson is complete, and the server's times of the first save and of this one.
Only its owner reads or writes it, and only for a lesson they may watch: enrolled in the
course, its instructor, an admin, or the lesson is a free preview
(``lessons/$cid/$lid/preview``, what ``media_url`` decides by). Why each value holds:

- ``duration`` is 0 < d <= ``LESSON_SECONDS_MAX`` and never changes once saved, so a
  record cannot be shortened to make what was watched look like most of it;
  ``position`` and ``watched`` lie in [0, duration].
- ``watched`` never decreases and grows by at most one second per ``WATCH_MS_PER_S`` of
  server time since the last save (the player's top speed is 2x), plus ``WATCH_SLACK_S``;
  a first save holds at most ``WATCH_SLACK_S``. That slack is per save, so on its own many
  saves a millisecond apart would add it up; ``startedAt`` (the server's ``now`` at the
  first save; a save may only keep it or move it to ``now``, never earlier) bounds the
  sum: watched is at most one second per ``WATCH_MS_PER_S`` since ``startedAt`` plus one
  ``WATCH_SLACK_S``. A record cannot be deleted (and so not recreated), so a lesson takes
  real time to complete.
- ``complete`` is exactly "it was complete, or watched >= ``COMPLETE_FRACTION`` of
  duration": it turns true only then and stays true.
- ``updatedAt`` is the server's ``now`` (what the allowance above is counted from), on
  every write to a record, a partial update too.
- The lesson must exist (course and lesson ids are catalog slugs) and no other field is
  accepted. Writes go to one lesson's record: no rule grants a whole course's or user's
  progress, so a multi-path update or a set above a record is refused.

What the rules cannot know is the clip's real length: the first save names it. A lesson's
own length in ``lessons/`` would let them check it.
"""

from __future__ import annotations

from typing import Any

from app.model import limits, paths
from rules._common import ADMIN, ENROLLED, SIGNED_IN, SLUG, field_of, instructor, path_expr

LESSON = path_expr(paths.lesson, "$cid", "$lid")
PREVIEW = (
    f"root.child({path_expr(field_of(paths.lesson, 'preview'), '$cid', '$lid')}).val() === true"
)
MAY_WATCH = f"({ENROLLED} || {instructor()} || {ADMIN} || {PREVIEW})"
OWNER = f"{SIGNED_IN} && auth.uid === $uid"
FIELDS = "['position', 'watched', 'duration', 'complete', 'startedAt', 'updatedAt']"


def _sibling(name: str) -> str:
    return f"newData.parent().child('{name}').val()"


def record() -> dict[str, Any]:
    duration = _sibling("duration")
    last_save = "data.parent().child('updatedAt').val()"
    allowance = (
        f"(data.exists() ? data.val() + (now - {last_save}) / {limits.WATCH_MS_PER_S} : 0) + "
        f"{limits.WATCH_SLACK_S}"
    )
    # The per-save slack above, summed over rapid saves, stays within one slack of this.
    since_start = (
        f"(now - {_sibling('startedAt')}) / {limits.WATCH_MS_PER_S} + {limits.WATCH_SLACK_S}"
    )
    return {
        ".write": f"{OWNER} && newData.exists() && {MAY_WATCH}",
        ".validate": (
            f"$cid.matches({SLUG}) && $lid.matches({SLUG}) && root.child({LESSON}).exists() && "
            f"newData.hasChildren({FIELDS}) && newData.child('updatedAt').val() === now"
        ),
        "duration": {
            ".validate": (
                "newData.isNumber() && newData.val() > 0 && "
                f"newData.val() <= {limits.LESSON_SECONDS_MAX} && "
                "(!data.exists() || newData.val() === data.val())"
            )
        },
        "position": {
            ".validate": f"newData.isNumber() && newData.val() >= 0 && newData.val() <= {duration}"
        },
        "watched": {
            ".validate": (
                f"newData.isNumber() && newData.val() >= 0 && newData.val() <= {duration} && "
                "(!data.exists() || newData.val() >= data.val()) && "
                f"newData.val() <= {allowance} && newData.val() <= {since_start}"
            )
        },
        "complete": {
            ".validate": (
                "newData.isBoolean() && newData.val() === (data.val() === true || "
                f"{_sibling('watched')} >= {duration} * {limits.COMPLETE_FRACTION})"
            )
        },
        "startedAt": {".validate": "newData.val() === now || newData.val() === data.val()"},
        "updatedAt": {".validate": "newData.val() === now"},
        "$other": {".validate": False},
    }


def tree() -> dict[str, Any]:
    """The ``progress`` subtree: owners read theirs; records as :func:`record` says."""
    return {"$uid": {".read": OWNER, "$cid": {"$lid": record()}}}
