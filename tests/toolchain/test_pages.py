"""app/pages.py is the one list of pages: each row's template, view and build route exist
and agree, and nothing else routes by page name (README "Adding a page")."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from app.pages import PAGES, attribute
from tools.project import ROOT, EmulatorPorts, load_courses
from tools.site import build, page_contexts

TEMPLATES = ROOT / "static" / "templates"


def _view_init(view: str) -> list[str]:
    """The constructor's parameter names (after self) of "app.ui.x.Class", read from source
    (app/ui imports the browser's pyscript, so it cannot be imported here)."""
    module, _, name = view.rpartition(".")
    source = ROOT / (module.replace(".", "/") + ".py")
    assert source.exists(), f"{view}: no {source.relative_to(ROOT)}"
    for node in ast.parse(source.read_text()).body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                    return [a.arg for a in item.args.args[1:]]
            return []
    raise AssertionError(f"{view}: {source.relative_to(ROOT)} defines no class {name}")


@pytest.mark.parametrize("name", sorted(PAGES))
def test_each_page_has_its_template_view_and_url(name: str) -> None:
    page = PAGES[name]
    template = TEMPLATES / f"{name}.html"
    assert template.exists(), f"page {name!r}: no static/templates/{name}.html"
    assert '{% extends "base.html" %}' in template.read_text()
    assert _view_init(page["view"]) == list(page["args"]), "the view takes the page's args"
    fields = {f for _, f, _, _ in string.Formatter().parse(page["url"]) if f}
    assert fields == set(page["args"]), "each copy of the page needs its own URL"
    if page["args"]:
        assert name in page_contexts(load_courses()), "tools/site.py page_contexts() names it"


def test_nothing_else_routes_by_page_name() -> None:
    """app/main.py reads PAGES; no template sets <body>'s data attributes itself."""
    main = ast.parse((ROOT / "app" / "main.py").read_text())
    named = {n.value for n in ast.walk(main) if isinstance(n, ast.Constant)} & set(PAGES)
    assert named == set(), f"app/main.py names pages itself: {named}"
    for template in TEMPLATES.glob("*.html"):
        assert "body_attrs" not in template.read_text(), template.name


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    build(target="local", out=out, ports=EmulatorPorts(auth=1111, database=2222, functions=3333))
    return out


def test_every_built_page_names_itself_and_carries_its_args(dist: Path) -> None:
    seen = set()
    for html in dist.rglob("*.html"):
        if "vendor" in html.relative_to(dist).parts:
            continue
        body = re.search(r"<body ([^>]*)>", html.read_text()).group(1)
        attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', body))
        name = attrs.pop("data-page")
        seen.add(name)
        page = PAGES[name]
        assert sorted(attrs) == sorted(attribute(arg) for arg in page["args"]), html
        values = {arg: attrs[attribute(arg)] for arg in page["args"]}
        assert html.relative_to(dist).as_posix() == page["url"].format(**values)
    assert seen == set(PAGES)
