"""The SMTP sink: it keeps every message, shows them on a page, and bounces a reserved domain.

An aiosmtpd server (the functions' ``smtplib`` talks to it as to a provider's relay) and an
aiohttp page on one event loop. Each message is kept as ``<id>.eml`` plus ``<id>.json``
(envelope, status per recipient) in the data folder, so ``serve`` keeps them across runs.

The page (``/``) lists what was sent, newest first; ``/message/<id>`` shows one as its
recipient sees it: the HTML part in a sandboxed frame (no scripts, links open in a new
tab), the text part on a toggle, and the headers. ``/api/messages[?to=addr]`` is the same as
JSON, for tests.

Like a provider, the sink accepts every message at SMTP time and reports delivery problems
afterwards through its webhook: mail to ``@bounce.nimbus.test`` fails permanently (a hard
bounce), mail to ``@complaint.nimbus.test`` is delivered and then reported as spam. Each
becomes a Mailgun webhook POST (``mailgun.py``), signed with the local signing key, to the
URL given with ``--webhook-url``; a refused or unreachable webhook is retried with backoff,
as Mailgun retries.
"""

from __future__ import annotations

import asyncio
import html
import json
import logging
import time
import uuid
from dataclasses import asdict, dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from aiosmtpd.smtp import SMTP, Envelope, Session

from tools.mail_sink import mailgun

log = logging.getLogger("mail_sink")

BOUNCE_DOMAIN = "bounce.nimbus.test"
COMPLAINT_DOMAIN = "complaint.nimbus.test"
DELIVERED, BOUNCED, COMPLAINED = "delivered", "bounced", "complained"
WEBHOOK_DELAY_S = 0.2  # a provider reports a bounce a moment after it accepted the mail
WEBHOOK_TRIES = 8


def status_of(recipient: str) -> str:
    domain = recipient.rsplit("@", 1)[-1].lower()
    return {BOUNCE_DOMAIN: BOUNCED, COMPLAINT_DOMAIN: COMPLAINED}.get(domain, DELIVERED)


@dataclass
class Stored:
    """One accepted message: its envelope, when it came, and each recipient's outcome."""

    id: str
    received: float
    mail_from: str
    recipients: dict[str, str]  # address -> delivered | bounced | complained
    webhooks: list[dict[str, Any]] = field(default_factory=list)  # what was posted, answers


class Store:
    """Messages on disk (``<id>.eml`` + ``<id>.json``), in memory in arrival order."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.items: dict[str, Stored] = {}
        for meta in sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime):
            stored = Stored(**json.loads(meta.read_text()))
            self.items[stored.id] = stored
        self.items = dict(sorted(self.items.items(), key=lambda kv: kv[1].received))

    def add(self, raw: bytes, mail_from: str, recipients: list[str]) -> Stored:
        stored = Stored(
            id=f"{time.time_ns():x}-{uuid.uuid4().hex[:6]}",
            received=time.time(),
            mail_from=mail_from,
            recipients={r: status_of(r) for r in recipients},
        )
        (self.folder / f"{stored.id}.eml").write_bytes(raw)
        self.save(stored)
        self.items[stored.id] = stored
        return stored

    def save(self, stored: Stored) -> None:
        tmp = self.folder / f"{stored.id}.json.tmp"
        tmp.write_text(json.dumps(asdict(stored)))
        tmp.replace(self.folder / f"{stored.id}.json")

    def message(self, stored: Stored) -> EmailMessage:
        raw = (self.folder / f"{stored.id}.eml").read_bytes()
        return BytesParser(policy=policy.default).parsebytes(raw)

    def raw(self, stored: Stored) -> bytes:
        return (self.folder / f"{stored.id}.eml").read_bytes()


def parts(msg: EmailMessage) -> tuple[str | None, str | None]:
    """The message's text and HTML bodies (None where it has no such part)."""
    text = msg.get_body(preferencelist=("plain",))
    rich = msg.get_body(preferencelist=("html",))
    return (
        text.get_content() if text is not None else None,
        rich.get_content() if rich is not None else None,
    )


def summary(store: Store, stored: Stored) -> dict[str, Any]:
    """A message as the JSON API gives it."""
    msg = store.message(stored)
    text, rich = parts(msg)
    return {
        **asdict(stored),
        "headers": [[k, str(v)] for k, v in msg.items()],
        "subject": str(msg.get("Subject", "")),
        "from": str(msg.get("From", "")),
        "to": str(msg.get("To", "")),
        "text": text,
        "html": rich,
    }


class Sink:
    """The SMTP handler and the webhook poster."""

    def __init__(self, store: Store, webhook_url: str | None, signing_key: str) -> None:
        self.store = store
        self.webhook_url = webhook_url
        self.signing_key = signing_key
        self.tasks: set[asyncio.Task] = set()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content
        raw = raw if isinstance(raw, bytes) else str(raw).encode()
        stored = self.store.add(raw, str(envelope.mail_from), list(envelope.rcpt_tos))
        log.info("message %s from %s to %s", stored.id, envelope.mail_from, envelope.rcpt_tos)
        for recipient, status in stored.recipients.items():
            if status != DELIVERED and self.webhook_url:
                task = asyncio.ensure_future(self.report(stored, recipient, status))
                self.tasks.add(task)
                task.add_done_callback(self.tasks.discard)
        return "250 Message accepted for delivery"

    async def report(self, stored: Stored, recipient: str, status: str) -> None:
        """POST the provider's event for one recipient, retried until it is taken (2xx)."""
        await asyncio.sleep(WEBHOOK_DELAY_S)
        msg = self.store.message(stored)
        headers = {k.lower(): str(v) for k, v in msg.items()}
        build = mailgun.failed if status == BOUNCED else mailgun.complained
        event = build(recipient, headers, time.time())
        delay = 0.5
        for attempt in range(1, WEBHOOK_TRIES + 1):
            body = mailgun.signed(self.signing_key, event)  # a fresh token and time per try
            try:
                async with (
                    aiohttp.ClientSession() as http,
                    http.post(
                        str(self.webhook_url), json=body, timeout=aiohttp.ClientTimeout(total=30)
                    ) as resp,
                ):
                    answer = (await resp.text())[:200]
                    outcome = {"event": event["event"], "attempt": attempt,
                               "status": resp.status, "answer": answer}  # fmt: skip
            except (aiohttp.ClientError, TimeoutError) as err:
                outcome = {"event": event["event"], "attempt": attempt, "error": str(err)}
            stored.webhooks.append(outcome)
            self.store.save(stored)
            if 200 <= outcome.get("status", 0) < 300:
                return
            log.warning("webhook for %s: %s", stored.id, outcome)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10)


# ---- the page

STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1d2433;background:#f5f6f8}
header{background:#1d2433;color:#fff;padding:.8rem 1.2rem}header a{color:#fff}
main{padding:1rem 1.2rem;max-width:70rem}table{border-collapse:collapse;width:100%;background:#fff}
td,th{padding:.45rem .6rem;border-bottom:1px solid #e3e6ec;text-align:left;vertical-align:top}
.status-bounced,.status-complained{color:#a4161a;font-weight:600}
iframe{width:100%;height:32rem;border:1px solid #ccd;background:#fff}
pre{white-space:pre-wrap;background:#fff;border:1px solid #ccd;padding:1rem}
nav.parts a{margin-right:1rem}nav.parts a[aria-current]{font-weight:700}
.headers td:first-child{white-space:nowrap;color:#555}
"""


FRAME_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _page(title: str, body: str) -> web.Response:
    doc = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>"
        "<header><a href='/'>Nimbus local mail</a> · what the functions sent "
        "(nothing leaves this machine)</header>"
        f"<main>{body}</main></body></html>"
    )
    return web.Response(text=doc, content_type="text/html")


def _when(ts: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(ts))


def make_app(sink: Sink) -> web.Application:
    store = sink.store

    def find(request: web.Request) -> Stored:
        stored = store.items.get(request.match_info["id"])
        if stored is None:
            raise web.HTTPNotFound(text="no such message")
        return stored

    async def index(request: web.Request) -> web.Response:
        rows = []
        for stored in reversed(list(store.items.values())):
            msg = store.message(stored)
            outcome = ", ".join(
                f"<span class='status-{s}'>{html.escape(r)}: {s}</span>"
                for r, s in stored.recipients.items()
            )
            rows.append(
                f"<tr><td>{_when(stored.received)}</td>"
                f"<td><a href='/message/{stored.id}'>{html.escape(str(msg.get('Subject', '')))}"
                f"</a></td><td>{html.escape(str(msg.get('From', '')))}</td><td>{outcome}</td></tr>"
            )
        table = (
            "<table><thead><tr><th>received</th><th>subject</th><th>from</th>"
            "<th>to</th></tr></thead><tbody>"
            + ("".join(rows) or "<tr><td colspan='4'>No mail yet.</td></tr>")
            + "</tbody></table>"
        )
        note = (
            f"<p>Mail to <code>@{BOUNCE_DOMAIN}</code> bounces and mail to "
            f"<code>@{COMPLAINT_DOMAIN}</code> is reported as spam, each through the "
            "provider's webhook (Mailgun's format). "
            "<a href='/api/messages'>JSON</a></p>"
        )
        return _page("Local mail", f"<h1>Sent mail ({len(rows)})</h1>{note}{table}")

    async def message(request: web.Request) -> web.Response:
        stored = find(request)
        msg = store.message(stored)
        text, rich = parts(msg)
        part = request.query.get("part") or ("html" if rich is not None else "text")
        links = []
        for name, there in (("html", rich), ("text", text)):
            if there is not None:
                current = " aria-current='page'" if name == part else ""
                links.append(f"<a href='?part={name}'{current}>{name.upper()} part</a>")
        links.append(f"<a href='/message/{stored.id}/raw'>source</a>")
        if part == "html" and rich is not None:
            shown = (
                f"<iframe title='The HTML part' src='/message/{stored.id}/html' "
                "sandbox='allow-popups allow-popups-to-escape-sandbox'></iframe>"
            )
        else:
            shown = f"<pre>{html.escape(text or '')}</pre>"
        headers = "".join(
            f"<tr><td>{html.escape(k)}</td><td>{html.escape(str(v))}</td></tr>"
            for k, v in msg.items()
        )
        outcome = "".join(
            f"<li class='status-{s}'>{html.escape(r)}: {s}</li>"
            for r, s in stored.recipients.items()
        )
        hooks = "".join(
            f"<li><code>{html.escape(json.dumps(h))}</code></li>" for h in stored.webhooks
        )
        body = (
            f"<h1>{html.escape(str(msg.get('Subject', '')))}</h1>"
            f"<p>Received {_when(stored.received)} from "
            f"<code>{html.escape(stored.mail_from)}</code></p>"
            f"<ul>{outcome}</ul><nav class='parts'>{' '.join(links)}</nav>{shown}"
            f"<h2>Headers</h2><table class='headers'>{headers}</table>"
            + (f"<h2>Provider webhooks</h2><ul>{hooks}</ul>" if hooks else "")
        )
        return _page(str(msg.get("Subject", "message")), body)

    async def html_part(request: web.Request) -> web.Response:
        _, rich = parts(store.message(find(request)))
        if rich is None:
            raise web.HTTPNotFound(text="no HTML part")
        # Links open outside the frame, as a mail client opens them; nothing runs.
        doc = "<base target='_blank'>" + rich
        return web.Response(
            text=doc,
            content_type="text/html",
            headers={"Content-Security-Policy": FRAME_CSP},
        )

    async def raw(request: web.Request) -> web.Response:
        return web.Response(body=store.raw(find(request)), content_type="text/plain")

    async def api(request: web.Request) -> web.Response:
        to = (request.query.get("to") or "").lower()
        out = [
            summary(store, s)
            for s in store.items.values()
            if not to or to in (r.lower() for r in s.recipients)
        ]
        return web.json_response(out)

    app = web.Application()
    app.router.add_get("/", index)
    app.router.add_get("/message/{id}", message)
    app.router.add_get("/message/{id}/html", html_part)
    app.router.add_get("/message/{id}/raw", raw)
    app.router.add_get("/api/messages", api)
    return app


async def serve(
    host: str, smtp_port: int, http_port: int, folder: Path, webhook_url: str | None, key: str
) -> None:
    """Run both servers until cancelled."""
    sink = Sink(Store(folder), webhook_url, key)
    loop = asyncio.get_running_loop()
    smtp = await loop.create_server(
        lambda: SMTP(sink, hostname="mail.nimbus.test", ident="Nimbus local mail sink"),
        host=host,
        port=smtp_port,
    )
    runner = web.AppRunner(make_app(sink), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, http_port).start()
    log.info("SMTP on %s:%d, page on http://%s:%d/", host, smtp_port, host, http_port)
    try:
        await asyncio.Event().wait()
    finally:
        smtp.close()
        await runner.cleanup()
