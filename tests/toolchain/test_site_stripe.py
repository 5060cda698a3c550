"""The build target decides where Stripe.js comes from; it is the one cross-origin script.

Locally the checkout loads localstripe's stand-in from the stack's localstripe port (so the
e2e loopback guard holds); a real project's pages name Stripe's own https://js.stripe.com/v3/
and nothing else off-origin. Only app/services/payments.py loads a script or touches Stripe.js.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tools.project import ROOT, STRIPE_LOCAL_PUBLISHABLE_KEY, EmulatorPorts
from tools.site import STRIPE_JS_URL, build

WEB = {"apiKey": "k", "authDomain": "acme.firebaseapp.com", "projectId": "acme-nimbus"}


def _config(html: str) -> dict:
    match = re.search(
        r'<script type="application/json" id="nimbus-config">(.*?)</script>', html, re.S
    )
    assert match, "page carries no web config"
    return json.loads(match.group(1))


def _pages(dist: Path) -> dict[str, str]:
    return {p.relative_to(dist).as_posix(): p.read_text() for p in dist.rglob("*.html")}


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("prod")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NIMBUS_WEB_CONFIG", json.dumps(WEB))
        mp.setenv("NIMBUS_STRIPE_PUBLISHABLE_KEY", "pk_live_acme123")
        build(target="acme-nimbus", out=out)
    return out


def test_local_build_loads_localstripes_stand_in_from_the_stack(tmp_path: Path) -> None:
    build(target="local", out=tmp_path, ports=EmulatorPorts(stripe=4567))
    for rel, html in _pages(tmp_path).items():
        stripe = _config(html)["stripe"]
        assert stripe == {
            "publishableKey": STRIPE_LOCAL_PUBLISHABLE_KEY,
            "jsUrl": "http://127.0.0.1:4567/js.stripe.com/v3/",
        }, rel
        assert STRIPE_JS_URL not in html, rel  # a local page never reaches for Stripe itself


def test_production_build_loads_stripe_js_from_stripe(production: Path) -> None:
    pages = _pages(production)
    assert "course/serverless-101.html" in pages
    for rel, html in pages.items():
        config = _config(html)
        assert config["stripe"] == {"publishableKey": "pk_live_acme123", "jsUrl": STRIPE_JS_URL}
        assert "127.0.0.1" not in html and "localhost" not in html, rel


def test_stripe_js_is_the_only_cross_origin_script(production: Path) -> None:
    """No page names an off-origin script or stylesheet; the config's only script URL is
    Stripe's, and nothing in the shipped JS imports from another origin."""
    for rel, html in _pages(production).items():
        for tag in re.findall(r"<(?:script|link)\b[^>]*>", html):
            src = re.search(r'(?:src|href)="([^"]*)"', tag)
            assert src is None or src.group(1).startswith("/"), f"{rel}: {tag}"
        off = re.search(
            r"""(?:src|href|action|poster|srcset)=["'](?:https?:)?//|url\(\s*["']?(?:https?:)?//""",
            html,
        )
        assert off is None, f"{rel}: {html[off.start() : off.start() + 80]!r}"
        config = _config(html)
        urls = {v for v in _strings(config) if re.match(r"(?:https?:)?//", v)}
        assert urls == {config["firebase"]["databaseURL"], STRIPE_JS_URL}, rel
    for path in production.rglob("*.js"):
        text = path.read_text(errors="replace")
        bad = re.search(r"""(?:\bfrom\s*|\bimport\s*\(?\s*)["'](?:https?:)?//""", text)
        assert bad is None, f"{path}: {text[bad.start() : bad.start() + 80]!r}"
        assert "js.stripe.com" not in text, f"{path}: Stripe's URL belongs in the web config"


def _strings(value: object) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


@pytest.mark.parametrize(
    ("key", "why"),
    [(None, "no Stripe publishable key"), ("sk_live_abc", "must be a publishable key"),
     ("rk_live_abc", "must be a publishable key")],
)  # fmt: skip
def test_production_build_refuses_a_missing_or_secret_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key: str | None, why: str
) -> None:
    monkeypatch.setenv("NIMBUS_WEB_CONFIG", json.dumps(WEB))
    if key is None:
        monkeypatch.delenv("NIMBUS_STRIPE_PUBLISHABLE_KEY", raising=False)
    else:
        monkeypatch.setenv("NIMBUS_STRIPE_PUBLISHABLE_KEY", key)
    with pytest.raises(SystemExit, match=why):
        build(target="acme-nimbus", out=tmp_path)
    assert not (tmp_path / "index.html").exists()


def test_only_the_payments_service_loads_scripts_or_touches_stripe() -> None:
    """UI code never reaches Stripe.js; no app code but payments.py injects a script."""
    owners = {"app/services/payments.py"}
    for path in sorted((ROOT / "app").rglob("*")):
        if path.suffix not in (".py", ".js"):
            continue
        rel = path.relative_to(ROOT).as_posix()
        text = path.read_text()
        injects = re.search(r"""createElement\(\s*["']script["']""", text)
        stripe = re.search(r"\bStripe\(|\.Stripe\b|createToken|confirmCardPayment", text)
        if rel in owners:
            assert injects and stripe, rel
        else:
            assert not injects and not stripe, rel
        assert not re.search(r"""["']https?://""", text), f"{rel}: URLs come from the config"
