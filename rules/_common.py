"""The rules language's shared vocabulary: roles, key shapes and expression builders.

Every rules module (the forum's in nimbus_rules.py and each area's ``*_rules.py``) builds on
these, and nimbus_rules.py assembles the tree from all of them, so they live one layer
below both.
"""

from __future__ import annotations

from collections.abc import Callable

from app.model import limits, names, paths

ADMIN = "auth.token.admin === true"
SIGNED_IN = "auth != null"
PUSH_ID = "/^" + paths.PUSH_ID + "$/"
SLUG = "/^" + paths.SLUG + "$/"
NO_PRIORITY = "newData.getPriority() === null"

# Display names: the characters a name may use and its displayNames key, from app/model.
NAME_RANGES = names.RANGES
KEY_ESCAPES = names.KEY_ESCAPES


def path_expr(build: Callable[..., str], *exprs: str) -> str:
    """``build(*exprs)`` (a builder of app/model/paths.py) as a rules-language string
    expression whose arguments are rule expressions: ``path_expr(paths.enrollment,
    "auth.uid", "$cid")`` is ``'enrollments/' + auth.uid + '/' + $cid``."""
    text = build(*(f"\0{i}\0" for i in range(len(exprs))))
    out = []
    for i, part in enumerate(text.split("\0")):
        if i % 2:
            out.append(exprs[int(part)])
        elif part:
            assert "'" not in part and "\\" not in part, part
            out.append(f"'{part}'")
    return " + ".join(out)


def field_of(build: Callable[..., str], name: str) -> Callable[..., str]:
    """A builder for the child ``name`` of what ``build`` builds (for :func:`path_expr`)."""
    return lambda *args: paths.child(build(*args), name)


def name_key(name: str) -> str:
    """The ``displayNames`` key of a name, as the rules compute it (for seeding and tests)."""
    key = name.lower()
    for char, escaped in KEY_ESCAPES:
        key = key.replace(char, escaped)
    return key


def name_key_expr(value: str) -> str:
    """:func:`name_key` in the rules language, of the string expression ``value``."""
    expr = f"{value}.toLowerCase()"
    for char, escaped in KEY_ESCAPES:
        expr += f".replace('{char}', '{escaped}')"
    return expr


def _name_class() -> str:
    def literal(cp: int) -> str:
        char = chr(cp)
        return "\\" + char if char in "\\]-^/[" else char

    return "".join(
        literal(lo) if lo == hi else literal(lo) + "-" + literal(hi) for lo, hi in NAME_RANGES
    )


NAME_OK = (
    "newData.isString() && newData.val().length > 0 && "
    f"newData.val().length <= {limits.NAME_MAX} && "
    f"newData.val().matches(/^[{_name_class()}]+$/) && "
    "!newData.val().beginsWith(' ') && !newData.val().endsWith(' ') && "
    "!newData.val().contains('  ')"
)


def up(levels: int, of: str = "newData") -> str:
    """The snapshot ``levels`` parents above ``of`` (the new root, seen from a rule)."""
    return of + ".parent()" * levels


def instructor(cid: str = "$cid") -> str:
    return f"root.child({path_expr(paths.course_instructor, cid)}).val() === auth.uid"


ENROLLED = f"root.child({path_expr(paths.enrollment, 'auth.uid', '$cid')}).val() === true"
STAFF = f"({instructor()} || {ADMIN})"
# A ban (moderation/$cid/$uid, rules/moderation_rules.py) ends an enrolled learner's
# membership until it is lifted or its end time passes.
BANNED = (
    f"(root.child({path_expr(paths.moderation, '$cid', 'auth.uid')} + '/kind').val() === 'ban' "
    f"&& (!root.child({path_expr(paths.moderation, '$cid', 'auth.uid')} + '/until').exists() || "
    f"root.child({path_expr(paths.moderation, '$cid', 'auth.uid')} + '/until').val() > now))"
)
MEMBER = f"{SIGNED_IN} && (({ENROLLED} && !{BANNED}) || {instructor()} || {ADMIN})"
COURSE_EXISTS = f"root.child({path_expr(paths.course, '$cid')}).exists()"


def text(max_len: int) -> str:
    return f"newData.isString() && newData.val().length > 0 && newData.val().length <= {max_len}"


ASKER = path_expr(field_of(paths.question, "uid"), "$cid", "$qid")
