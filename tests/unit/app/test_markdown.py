"""The forum's Markdown renderer (app/ui/markdown.py), run on the host exactly as the
browser's MicroPython runs it: whatever the author writes, only our own tags come out."""

from __future__ import annotations

import re

import pytest

from app.ui.markdown import escape, render, safe_url

ALLOWED_TAGS = {"p", "br", "strong", "em", "code", "pre", "ul", "ol", "li", "blockquote", "a"}

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    '"><iframe src=javascript:alert(1)>',
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x]( javascript:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](java\nscript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    "[x](//evil.example/)",
    '[x](https://ok.example/" onmouseover="alert(1))',
    "**<b onclick=alert(1)>bold</b>**",
    "`<script>`",
    "```\n</code></pre><script>alert(1)</script>\n```",
    "> <img src=x onerror=alert(1)>",
    "- <a href=javascript:alert(1)>li</a>",
    "[<img src=x onerror=alert(1)>](https://ok.example/)",
    "&lt;script&gt; is already escaped",
]


def tags(html: str) -> list[tuple[str, str]]:
    """(name, attributes) of every tag in html."""
    return re.findall(r"</?([a-zA-Z0-9]+)([^>]*)>", html)


@pytest.mark.parametrize("payload", XSS)
def test_payloads_produce_only_our_tags_and_safe_links(payload: str) -> None:
    html = render(payload)
    for name, attrs in tags(html):
        assert name in ALLOWED_TAGS, (name, html)
        if name != "a" or not attrs:
            assert attrs == "", (name, attrs, html)
            continue
        match = re.fullmatch(
            r' href="([^"]*)" rel="nofollow noopener noreferrer" target="_blank"', attrs
        )
        assert match, attrs
        assert re.match(r"(https?:|mailto:|/[^/]|#)", match.group(1)), match.group(1)
    assert "<script" not in html and "<img" not in html and "<iframe" not in html


def test_text_survives_as_text() -> None:
    html = render("<img src=x onerror=alert(1)>")
    assert html == "<p>&lt;img src=x onerror=alert(1)&gt;</p>"


def test_quotes_cannot_break_out_of_an_attribute() -> None:
    html = render('[x](https://ok.example/" onmouseover="alert(1))')
    assert 'href="https://ok.example/&quot; onmouseover=&quot;alert(1"' in html
    assert ' onmouseover="' not in html


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("plain", "<p>plain</p>"),
        ("**b** and *i* and _i_", "<p><strong>b</strong> and <em>i</em> and <em>i</em></p>"),
        ("a `x < y` b", "<p>a <code>x &lt; y</code> b</p>"),
        ("line one\nline two", "<p>line one<br>line two</p>"),
        ("one\n\ntwo", "<p>one</p><p>two</p>"),
        ("- a\n- b", "<ul><li>a</li><li>b</li></ul>"),
        ("1. a\n2. b", "<ol><li>a</li><li>b</li></ol>"),
        ("> quoted", "<blockquote><p>quoted</p></blockquote>"),
        ("```\n<b>\n```", "<pre><code>&lt;b&gt;</code></pre>"),
        (
            "[docs](https://firebase.google.com/docs)",
            '<p><a href="https://firebase.google.com/docs" rel="nofollow noopener noreferrer"'
            ' target="_blank">docs</a></p>',
        ),
        ("2 * 3 * 4", "<p>2 * 3 * 4</p>"),
        ("\\*not italic\\*", "<p>*not italic*</p>"),
        ("unclosed **bold", "<p>unclosed **bold</p>"),
    ],
)
def test_the_supported_subset(source: str, expected: str) -> None:
    assert render(source) == expected


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://a.example/x", True),
        ("http://a.example", True),
        ("mailto:a@b.example", True),
        ("/course/x.html", True),
        ("#top", True),
        ("javascript:alert(1)", False),
        (" JavaScript:alert(1)", False),
        ("java\x00script:alert(1)", False),
        ("data:text/html,hi", False),
        ("//evil.example", False),
        ("relative/path", False),
    ],
)
def test_safe_url(url: str, ok: bool) -> None:
    assert (safe_url(url) is not None) is ok


def test_escape_covers_html_and_attribute_characters() -> None:
    assert escape("<a href=\"x\" title='y'>&</a>") == (
        "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
    )
