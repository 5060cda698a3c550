"""The data model (app/model/) is the one place its paths and limits are spelt.

functions/_model/ is its generated copy (the functions deploy from functions/ alone), and
the copy must be exactly what `python3 build.py rules` writes; the model must run where
each of its three users runs it: CPython (rules, tools), the functions' venv, MicroPython.
"""

from __future__ import annotations

import ast
import inspect
import io
import json
import os
import re
import subprocess
import tokenize
from pathlib import Path

from app.model import limits, paths
from tools import model
from tools.project import ROOT
from tools.site import compile_mpy


def test_functions_copy_is_generated_from_app_model() -> None:
    wanted = model.rendered()
    assert sorted(wanted) == sorted(model.COPY.glob("*.py")), (
        "functions/_model/ has other files than app/model/: run `python3 build.py rules`"
    )
    for path, text in wanted.items():
        assert path.read_text() == text, f"{path.relative_to(ROOT)} is stale: run `build.py rules`"


def test_the_copy_imports_in_the_functions_runtime() -> None:
    """The functions import it as `_model` from functions/, in their own venv (Python 3.11)."""
    code = (
        "from _model import limits, paths; "
        "print(paths.vote('c', 'q', 'p', 'u'), paths.enrollment('u', 'c'), limits.BODY_MAX)"
    )
    python = ROOT / "functions" / "venv" / "bin" / "python"
    done = subprocess.run(
        [str(python), "-c", code], cwd=ROOT / "functions", capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["votes/c/q/p/u", "enrollments/u/c", "10000"]


def test_the_model_compiles_for_micropython() -> None:
    for source in sorted(model.SOURCE.glob("*.py")):
        assert compile_mpy(source, source.relative_to(ROOT).as_posix())


# ---- the limits are written once

LIMITS = {name: getattr(limits, name) for name in dir(limits) if name.isupper()}
# Where one of those numbers means something else, and what.
OTHER_MEANINGS = {
    ("app/ui/dom.py", 60): "seconds in a minute (the video clock)",
    ("app/ui/dom.py", 10): "the clock's zero-padding of seconds",
    ("app/services/clock.py", 60): "minutes in an hour, seconds in a minute",
    ("app/services/clock.py", 10): "an ISO timestamp's character offsets",
    ("app/ui/markdown.py", 10): "at most 9 digits in a list item's number",
    ("app/ui/console.py", 60): "seconds in a minute, minutes in an hour (how long one waited)",
    ("app/services/database.py", 200): "pending writes before their settled proxies are pruned",
    ("app/ui/player_controls.py", 10): "seconds that j and l skip (YouTube's keys)",
    ("static/templates/lesson.html", 10): "the keyboard help: j and l skip 10 seconds",
    ("app/services/clock.py", 3): "the civil-from-days month arithmetic",
    ("app/ui/player.py", 3): "fresh media URLs tried in a row",
    ("app/ui/search.py", 3): "the shortest text the similar-questions box searches for",
    ("static/templates/lesson.html", 3): "the ask form's textarea rows",
    ("static/templates/orders.html", 3): "skeleton rows while orders load",
    ("rules/nimbus_rules.py", 6): "an answer's depth below the root (up(6))",
    ("app/services/confusion.py", 60): "seconds in a minute (a bucket's clock)",
    ("app/services/confusion.py", 3): "how many hottest moments by default",
    ("app/services/office_hours.py", 60): "seconds in a minute (the expected wait)",
    ("app/ui/hot_moments.py", 3): "the hottest moments listed per lesson",
    ("app/ui/office_hours.py", 60): "seconds in a minute (how long one waited)",
    ("app/ui/office_hours.py", 3): "ordinal suffixes: 1st, 2nd, 3rd",
    ("app/ui/office_hours.py", 10): "ordinal suffixes: the last digit",
    ("rules/office_hours_rules.py", 60): "seconds in a minute (a lesson's minutes in buckets)",
}
MARKUP = re.compile(r"""maxlength\s*=\s*["']?\d|length\s*<=\s*\d""", re.I)


def _scanned() -> list[Path]:
    """What must take the limits from app/model/: rules, app, functions, templates."""
    found = [*(ROOT / "rules").rglob("*.py"), *(ROOT / "static" / "templates").rglob("*.html")]
    for top, skip in (("app", "model"), ("functions", "_model")):
        for path in (ROOT / top).rglob("*.py"):
            parts = path.relative_to(ROOT / top).parts
            if parts[0] not in (skip, "venv") and "__pycache__" not in parts:
                found.append(path)
    return sorted(found)


def _literal_limits(path: Path) -> list[str]:
    rel = path.relative_to(ROOT).as_posix()
    text = path.read_text()
    bad = [f"{rel}: {m.group(0)!r}" for m in MARKUP.finditer(text)]
    if path.suffix == ".html":
        numbers = re.finditer(r"(?<![\w.#-])(\d[\d,]*)(?![\w.-])", re.sub(r"{{.*?}}", "", text))
        found = [(int(m.group(1).replace(",", "")), m.group(1)) for m in numbers]
    else:
        found = []
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.NUMBER and tok.string.replace("_", "").isdigit():
                found.append((int(tok.string.replace("_", "")), f"line {tok.start[0]}"))
    values = set(LIMITS.values())
    bad += [
        f"{rel}: {value} ({where})"
        for value, where in found
        if value in values and (rel, value) not in OTHER_MEANINGS
    ]
    return bad


def test_no_limit_is_written_as_a_literal_outside_app_model() -> None:
    scanned = _scanned()
    assert ROOT / "rules" / "nimbus_rules.py" in scanned
    assert ROOT / "app" / "services" / "forum.py" in scanned
    assert ROOT / "static" / "templates" / "lesson.html" in scanned
    bad = [line for path in scanned for line in _literal_limits(path)]
    assert bad == [], "use app/model/limits.py (templates: {{ limits.NAME }}):\n" + "\n".join(bad)


def test_the_scan_finds_literals(tmp_path: Path) -> None:
    """The scanner is not blind: each kind of spelling it must catch, it catches."""
    page = tmp_path / "t.html"
    page.write_text('<input maxlength="{{ limits.TITLE_MAX }}"> at most 10,000 characters')
    module = tmp_path / "m.py"
    module.write_text("MAX = 2_000\nHTML = '<input maxlength=\"60\">'\nOK = 3\n")
    rel = Path(os.path.relpath(tmp_path, ROOT))
    for path in (page, module):  # _literal_limits names files relative to the repo
        assert _literal_limits(ROOT / rel / path.name), path.read_text()
    page.write_text('<input maxlength="{{ limits.TITLE_MAX }}">')
    assert _literal_limits(ROOT / rel / page.name) == []


def _rule(*keys: str) -> str:
    node = json.loads(_RULES_JSON.read_text().split("\n", 1)[1])["rules"]
    for key in keys:
        node = node[key]
    return node[".validate"]


_RULES_JSON = ROOT / "rules" / "database.rules.json"


def _one(pattern: str, text: str) -> int:
    found = re.findall(pattern, text)
    assert len(found) == 1, (pattern, text)
    return int(found[0])


def test_the_generated_rules_enforce_the_model_limits() -> None:
    q = ("forum", "$cid", "questions", "$qid")
    a = ("forum", "$cid", "answers", "$qid", "$aid")
    c = ("forum", "$cid", "comments", "$qid", "$postId", "$cmid")
    length = r"newData\.val\(\)\.length <= (\d+)"
    assert _one(length, _rule(*q, "title")) == limits.TITLE_MAX
    assert _one(length, _rule(*q, "body")) == limits.BODY_MAX
    assert _one(length, _rule(*a, "body")) == limits.BODY_MAX
    assert _one(length, _rule(*c, "body")) == limits.COMMENT_MAX
    assert _one(length, _rule("profiles", "$uid", "displayName")) == limits.NAME_MAX
    assert _one(length, _rule("rateLimits", "$uid", "post")) == limits.POST_PATH_MAX
    window = _rule("rateLimits", "$uid")
    assert _one(r"child\('count'\)\.val\(\) <= (\d+)", window) == limits.POSTS_PER_WINDOW
    assert _one(r"child\('windowStart'\)\.val\(\) >= (\d+)", window) == limits.WINDOW_MS


# ---- the paths are the rules' paths


def _builders() -> list[tuple[str, str]]:
    """(name, path) for every builder in app/model/paths.py, optional parts with and without,
    each argument a rules-style wildcard; a forum path is taken inside forum/$c."""
    out = []
    for name, build in vars(paths).items():
        if not inspect.isfunction(build) or name in ("child", "forum_post"):
            continue
        params = list(inspect.signature(build).parameters.values())
        required = [p for p in params if p.default is inspect.Parameter.empty]
        for count in sorted({len(required), len(params)}):
            path = build(*(f"${i}" for i in range(count)))
            out.append((name, paths.forum_post("$c", path) if name.endswith("_in_forum") else path))
    return out


# Top-level keys only the functions (firebase-admin) read and write: no rule opens them, so
# browsers meet the root's refusal.
FUNCTIONS_ONLY = {"payments", "inboxByPost", "mail", "gurubot"}


def test_every_built_path_is_one_the_rules_know() -> None:
    """Each builder's shape is a path of the rules tree (where the rules list children)."""
    rules = json.loads(_RULES_JSON.read_text().split("\n", 1)[1])["rules"]
    built = _builders()
    assert len(built) > 25
    for name, path in built:
        assert not path.startswith("/") and "//" not in path and not path.endswith("/"), name
        if path.split("/")[0] in FUNCTIONS_ONLY:
            assert path.split("/")[0] not in rules, f"{path}: the rules must not open it"
            continue
        node = rules
        for segment in path.split("/"):
            children = [key for key in node if not key.startswith(".")]
            if not children:
                break  # the rules say nothing about what lies below (a course's fields)
            wild = [key for key in children if key.startswith("$") and key != "$other"]
            if segment.startswith("$") and wild:
                node = node[wild[0]]
            else:
                assert segment in node, f"paths.{name}() = {path}: the rules have no {segment!r}"
                node = node[segment]


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the docstring constants (what explains a path may spell it)."""
    out = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
            out.add(id(first.value))
    return out


def test_no_path_is_spelt_by_hand_outside_app_model() -> None:
    """rules/, app/ and functions/ build database paths with app/model/paths.py only."""
    rules = json.loads(_RULES_JSON.read_text().split("\n", 1)[1])["rules"]
    tops = sorted({k for k in rules if not k.startswith(".")} | FUNCTIONS_ONLY)
    spelt = re.compile(r"(?<![\w.-])(?:" + "|".join(tops) + r")/")
    bad = []
    for path in _scanned():
        if path.suffix != ".py":
            continue
        tree = ast.parse(path.read_text())
        skip = _docstrings(tree)
        for node in ast.walk(tree):
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and id(node) not in skip and spelt.search(text):
                bad.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}")
    assert bad == [], "build these with app/model/paths.py:\n" + "\n".join(bad)
