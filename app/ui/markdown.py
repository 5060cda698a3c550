"""A small Markdown subset rendered escape-first, for forum posts.

Every character of the author's text leaves through escape(); the only markup in the
output is the fixed set of tags this module writes itself, and link targets must be
http(s), mailto or same-site paths. That is why posts can be put into innerHTML.

Pure Python with no imports, so the browser (MicroPython) and the host tests share it.

Supported: paragraphs, line breaks, **bold**, *italic* / _italic_, `code`, fenced code
blocks (```), bullet lists (- or *), numbered lists (1.), > quotes, [text](url) links.
"""

SAFE_SCHEMES = ("http:", "https:", "mailto:")


def escape(text):
    """HTML-escape text for element content and double-quoted attribute values."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def safe_url(url):
    """The URL if it is http(s), mailto or a same-site path; None for anything else."""
    url = url.strip()
    squashed = ""
    for ch in url:
        if ord(ch) > 32:  # browsers ignore tabs/newlines/controls inside a scheme
            squashed += ch
    lowered = squashed.lower()
    for scheme in SAFE_SCHEMES:
        if lowered.startswith(scheme):
            return url
    if lowered.startswith("/") and not lowered.startswith("//"):
        return url
    if lowered.startswith("#"):
        return url
    return None


def inline(text):
    """Render one block's inline markup; every character of text is escaped."""
    out = []
    plain = []
    i = 0
    n = len(text)

    def flush():
        if plain:
            out.append(escape("".join(plain)))
            del plain[:]

    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n and text[i + 1] in "\\`*_[]()#>-":
            plain.append(text[i + 1])
            i += 2
            continue
        if ch == "`":
            end = text.find("`", i + 1)
            if end > i + 1:
                flush()
                out.append("<code>" + escape(text[i + 1 : end]) + "</code>")
                i = end + 1
                continue
        if text.startswith("**", i):
            end = text.find("**", i + 2)
            if end > i + 2:
                flush()
                out.append("<strong>" + inline(text[i + 2 : end]) + "</strong>")
                i = end + 2
                continue
        if ch in "*_" and i + 1 < n and text[i + 1] not in " *_":
            end = text.find(ch, i + 1)
            if end > i + 1 and text[end - 1] != " ":
                flush()
                out.append("<em>" + inline(text[i + 1 : end]) + "</em>")
                i = end + 1
                continue
        if ch == "[":
            mid = text.find("](", i + 1)
            end = text.find(")", mid + 2) if mid > i else -1
            if mid > i + 1 and end > mid + 2:
                url = safe_url(text[mid + 2 : end])
                if url is not None:
                    flush()
                    out.append(
                        '<a href="'
                        + escape(url)
                        + '" rel="nofollow noopener noreferrer" target="_blank">'
                        + inline(text[i + 1 : mid])
                        + "</a>"
                    )
                    i = end + 1
                    continue
        plain.append(ch)
        i += 1
    flush()
    return "".join(out)


def _list_item(line):
    """('ul'|'ol', item text) when line starts a list item, else None."""
    stripped = line.lstrip()
    if stripped.startswith("- ") or stripped.startswith("* "):
        return "ul", stripped[2:]
    digits = 0
    while digits < len(stripped) and stripped[digits] in "0123456789":
        digits += 1
    if 0 < digits < 10 and stripped[digits : digits + 2] == ". ":
        return "ol", stripped[digits + 2 :]
    return None


def render(text):
    """Markdown subset -> safe HTML (a string of block elements)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks = []
    para = []
    items = []
    kind = [None]
    quote = []

    def end_para():
        if para:
            blocks.append("<p>" + "<br>".join(inline(line) for line in para) + "</p>")
            del para[:]

    def end_list():
        if items:
            tag = kind[0]
            blocks.append(
                "<" + tag + ">" + "".join("<li>" + inline(t) + "</li>" for t in items)
                + "</" + tag + ">"
            )  # fmt: skip
            del items[:]

    def end_quote():
        if quote:
            blocks.append("<blockquote>" + render("\n".join(quote)) + "</blockquote>")
            del quote[:]

    def end_all():
        end_para()
        end_list()
        end_quote()

    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip().startswith("```"):
            end_all()
            code = []
            i += 1
            while i < len(lines) and not lines[i].strip().startswith("```"):
                code.append(lines[i])
                i += 1
            blocks.append("<pre><code>" + escape("\n".join(code)) + "</code></pre>")
            i += 1
            continue
        if not line.strip():
            end_all()
            i += 1
            continue
        if line.lstrip().startswith(">"):
            end_para()
            end_list()
            body = line.lstrip()[1:]
            quote.append(body[1:] if body.startswith(" ") else body)
            i += 1
            continue
        item = _list_item(line)
        if item is not None:
            end_para()
            end_quote()
            if items and kind[0] != item[0]:
                end_list()
            kind[0] = item[0]
            items.append(item[1])
            i += 1
            continue
        end_list()
        end_quote()
        para.append(line)
        i += 1
    end_all()
    return "".join(blocks)
