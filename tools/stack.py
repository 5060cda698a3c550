"""The local stack: Auth, Functions and Hosting emulators (firebase-tools), Nimbus's rtdb.

Shared by `build.py serve` and the test fixtures (tests/conftest.py), so the e2e tests run
exactly what a developer runs, on free ports. Every child gets its own process group and
is stopped with it (the Functions emulator's functions-framework workers included).

Database triggers: firebase-tools registers them only with a database emulator it started
itself (Google's JAR, which needs Java 21 and a download), so with Nimbus's database it
logs "function ignored because the database emulator does not exist". It still records
each trigger and still runs it when its background route is called. So this module does
the one step firebase-tools skipped, the way firebase-tools does it: it reads the trigger
definitions from the Functions emulator (`GET /backends`, the same discovery of
`functions.yaml` that `firebase deploy` uses) and POSTs each database trigger to rtdb's
`/.settings/functionTriggers.json` with the body firebase-tools sends
(`getV2DatabaseApiAttributes`). rtdb then delivers events to the emulator's
`/functions/projects/<project>/triggers/<key>` route, as Google's database emulator does.

Payments: localstripe (`tools/localstripe_run.py`) stands in for Stripe's API, Stripe.js and
its webhooks. The stack registers `stripe_webhook`'s emulator URL with it (its
`/_config/webhooks/<id>` route, signed with the local webhook secret), points the functions'
`stripe` library at it (`STRIPE_API_BASE`) and gives the emulator the two secret params'
local values the way firebase-tools reads them for emulated functions
(`<functions source>/.secret.local`; without it the emulator asks Secret Manager).

Media: the media store (`tools/media_store/`) stands in for Cloud Storage. The stack runs
it with a local service-account key kept in `<state>/media/signer.json`, gives the
Functions emulator MEDIA_* (so media_url signs for it), and once it listens uploads every
demo lesson's encoded media (`tools/encoding.py`, cached; a restart uploads nothing).

Mail: the mail sink (`tools/mail_sink/`, aiosmtpd) stands in for the provider's SMTP relay
and its event webhook. The functions send through it (SMTP_HOST/SMTP_PORT); it keeps every
message for its page and posts Mailgun-format bounce and complaint events, signed with the
local signing key, to `mail_events`. The mail secrets' local values go into
`.secret.local` beside Stripe's.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tools.media_store.local import LocalMedia
from tools.project import (
    EMAIL_LOCAL_TOKEN_SECRET,
    MAILGUN_LOCAL_SIGNING_KEY,
    PROJECT_LOCAL,
    ROOT,
    SMTP_LOCAL_PASSWORD,
    STRIPE_LOCAL_SECRET_KEY,
    STRIPE_LOCAL_WEBHOOK_SECRET,
    EmulatorPorts,
)
from tools.testing.ports import free_port

NAMESPACE = f"{PROJECT_LOCAL}-default-rtdb"
FIREBASE_BIN = ROOT / "node_modules" / ".bin" / "firebase"
PRELOAD = ROOT / "tools" / "emulator-preload.cjs"
RULES = ROOT / "rules" / "database.rules.json"
FUNCTIONS_SOURCE = ROOT / "functions"
REGION = "us-central1"
DATABASE_EVENT = "google.firebase.database.ref.v1."
READY_LINE = "All emulators ready"
# firebase-tools keys event triggers `<id>-<generation>`; the generation starts at 0 and
# only moves when the hub asks the emulator to reload (`reloadTriggers`), which Nimbus never
# does. File-watch reloads keep it.
TRIGGER_GENERATION = 0
# The Stripe events stripe_webhook handles; localstripe sends only these to it (Stripe's
# dashboard is given the same list, see README).
STRIPE_EVENTS = (
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "payment_intent.processing",
    "charge.refunded",
)
STRIPE_WEBHOOK_ID = "nimbus"


def free_ports() -> EmulatorPorts:
    return EmulatorPorts(
        auth=free_port(),
        database=free_port(),
        hosting=free_port(),
        functions=free_port(),
        hub=free_port(),
        logging=free_port(),
        stripe=free_port(),
        media=free_port(),
        smtp=free_port(),
        mail=free_port(),
    )


def _http_ok(url: str, headers: dict | None = None) -> bool:
    try:
        req = urllib.request.Request(url, headers=headers or {})
        with urllib.request.urlopen(req, timeout=1) as resp:
            return resp.status < 500
    except urllib.error.HTTPError as err:
        return err.code < 500
    except OSError:
        return False


def quiet_env() -> dict[str, str]:
    """Environment for firebase-tools: non-interactive, no telemetry, no update checks."""
    env = dict(os.environ)
    env.update(
        CI="true",
        FIREBASE_CLI_DISABLE_UPDATE_CHECK="true",
        NO_UPDATE_NOTIFIER="1",
        FIREBASE_SKIP_UPDATE_CHECK="true",
        NODE_OPTIONS=(env.get("NODE_OPTIONS", "") + f" --require {PRELOAD}").strip(),
    )
    return env


@dataclass
class Stack:
    """Start/stop the processes; `ready_seconds` records how long start() took."""

    ports: EmulatorPorts
    dist: Path
    data_dir: Path
    state_dir: Path
    project: str = PROJECT_LOCAL
    functions_source: Path = FUNCTIONS_SOURCE
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    ready_seconds: float = 0.0
    registered: dict[str, dict] = field(default_factory=dict)  # trigger name -> bundle
    media_progress: Callable[[str], None] = print  # the media encoding's progress lines

    @property
    def hosting_url(self) -> str:
        return f"http://{self.ports.host}:{self.ports.hosting}"

    @property
    def database_host(self) -> str:
        return f"{self.ports.host}:{self.ports.database}"

    @property
    def auth_host(self) -> str:
        return f"{self.ports.host}:{self.ports.auth}"

    @property
    def functions_url(self) -> str:
        return f"http://{self.ports.host}:{self.ports.functions}"

    @property
    def stripe_url(self) -> str:
        """localstripe: Stripe's API for the functions, Stripe.js's stand-in for the page."""
        return f"http://{self.ports.host}:{self.ports.stripe}"

    @property
    def media(self) -> LocalMedia:
        """The media store: its URL, the functions' MEDIA_* env, its command and upload."""
        origins = (self.hosting_url, f"http://localhost:{self.ports.hosting}")
        return LocalMedia(self.state_dir, self.ports.media, self.project, self.ports.host, origins)

    @property
    def media_url(self) -> str:
        return self.media.url

    @property
    def stripe_webhook_url(self) -> str:
        """Where Stripe (here localstripe) POSTs events: the emulated `stripe_webhook`."""
        return f"{self.functions_url}/{self.project}/{REGION}/stripe_webhook"

    @property
    def mail_url(self) -> str:
        """The mail sink's page: what the functions sent, as each recipient sees it."""
        return f"http://{self.ports.host}:{self.ports.mail}"

    def function_url(self, name: str) -> str:
        """An HTTPS function's emulator URL (deployed: https://<region>-<project>.cloudfunctions.net/<name>)."""
        return f"{self.functions_url}/{self.project}/{REGION}/{name}"

    @property
    def database_url(self) -> str:
        """The URL firebase-admin uses in functions, deployed (FIREBASE_CONFIG) and here."""
        return f"https://{NAMESPACE}.firebaseio.com"

    def log_path(self, name: str) -> Path:
        return self.state_dir / "logs" / f"{name}.log"

    def _firebase_config(self) -> Path:
        """firebase.json with this stack's ports and dist (hosting root) filled in."""
        base = json.loads((ROOT / "firebase.json").read_text())
        p = self.ports
        base["hosting"]["public"] = os.path.relpath(self.dist, self.state_dir)
        (functions,) = base["functions"]
        functions["source"] = os.path.relpath(self.functions_source, self.state_dir)
        base.pop("database", None)  # served by rtdb, rules uploaded by upload_rules()
        emulators = base["emulators"]
        for name in ("auth", "functions", "hosting", "hub", "logging"):
            emulators[name] = {"host": p.host, "port": getattr(p, name)}
        emulators.pop("database", None)
        path = self.state_dir / "firebase.json"
        path.write_text(json.dumps(base, indent=2))
        return path

    def _spawn(self, name: str, cmd: list[str], env: dict[str, str] | None = None) -> None:
        log = self.log_path(name)
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("wb") as fh:
            self.procs[name] = subprocess.Popen(
                cmd,
                cwd=ROOT,
                env=env,
                stdout=fh,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # own process group: stop() kills the whole tree
            )

    def start(
        self, timeout: float = 60.0, seed_data: bool = True, demo_forum: bool = False
    ) -> None:
        """Start all processes in parallel, wait until each answers, upload rules, seed
        (``demo_forum``: with the demo forum and its search index), register the database
        triggers (after the seed, so seeded posts fire no search, bot or mail triggers)."""
        t0 = time.monotonic()
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        try:
            self.spawn_rtdb()
            self.spawn_localstripe()
            self.spawn_media()
            self.spawn_mail()
            self.spawn_emulators()
            self.wait_ready(
                ("rtdb", "stripe", "media", "mail", "auth", "hosting", "functions"), timeout
            )
            self.media.fill(self.media_progress)
            self.register_stripe_webhook()
            self.upload_rules()
            if seed_data:
                from tools import seed

                seed.seed(self, forum=demo_forum)
            self.register_triggers()
        except BaseException:
            self.stop()
            raise
        self.ready_seconds = time.monotonic() - t0

    def spawn_rtdb(self) -> None:
        self._spawn(
            "rtdb",
            [
                sys.executable, "-m", "rtdb",
                "--host", self.ports.host,
                "--port", str(self.ports.database),
                "--data", str(self.data_dir),
                # Google's database emulator's flags, as firebase-tools passes them.
                "--functions_emulator_host", self.ports.host,
                "--functions_emulator_port", str(self.ports.functions),
                "--single_project_mode", "Warning",
            ],
        )  # fmt: skip

    def spawn_localstripe(self) -> None:
        """localstripe on the loopback address, its state beside the database's data."""
        self._spawn(
            "localstripe",
            [
                sys.executable, "-m", "tools.localstripe_run",
                "--host", self.ports.host,
                "--port", str(self.ports.stripe),
                "--data", str(self.data_dir / "localstripe"),
            ],
        )  # fmt: skip

    def spawn_media(self) -> None:
        """The media store on the loopback address, its objects under the state folder."""
        self._spawn("media", self.media.command())

    def spawn_mail(self) -> None:
        """The mail sink on the loopback address, its messages beside the database's data;
        bounces and complaints go to the emulated `mail_events`."""
        self._spawn(
            "mail",
            [
                sys.executable, "-m", "tools.mail_sink",
                "--host", self.ports.host,
                "--smtp-port", str(self.ports.smtp),
                "--http-port", str(self.ports.mail),
                "--data", str(self.data_dir / "mail"),
                "--webhook-url", self.function_url("mail_events"),
                "--signing-key", MAILGUN_LOCAL_SIGNING_KEY,
            ],
        )  # fmt: skip

    def register_stripe_webhook(self, url: str | None = None) -> None:
        """Tell localstripe where to send events (``url``, or ``stripe_webhook``'s), signed
        with the local webhook secret (it keeps registrations in memory only, so every start
        registers again)."""
        body = {
            "url": url or self.stripe_webhook_url,
            "secret": STRIPE_LOCAL_WEBHOOK_SECRET,
            "events": list(STRIPE_EVENTS),
        }
        req = urllib.request.Request(
            f"{self.stripe_url}/_config/webhooks/{STRIPE_WEBHOOK_ID}",
            data=json.dumps(body).encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                resp.read()
        except urllib.error.HTTPError as err:
            raise RuntimeError(
                f"webhook registration failed: {err.code} {err.read()[:500]!r}"
            ) from err

    def write_local_secrets(self) -> Path:
        """The secret params' local values where firebase-tools looks for an emulated
        codebase's secrets (functionsEmulatorShared.getSecretLocalPath). localstripe's test
        keys, never real ones; the file is git-ignored and not deployed (firebase.json)."""
        path = self.functions_source / ".secret.local"
        text = (
            "# Written by tools/stack.py for the Functions emulator: localstripe's test values.\n"
            f"STRIPE_SECRET_KEY={STRIPE_LOCAL_SECRET_KEY}\n"
            f"STRIPE_WEBHOOK_SECRET={STRIPE_LOCAL_WEBHOOK_SECRET}\n"
            "# ... and the mail functions' (the sink's signing key, the unsubscribe tokens').\n"
            f"MAILGUN_WEBHOOK_SIGNING_KEY={MAILGUN_LOCAL_SIGNING_KEY}\n"
            f"EMAIL_TOKEN_SECRET={EMAIL_LOCAL_TOKEN_SECRET}\n"
            f"SMTP_PASSWORD={SMTP_LOCAL_PASSWORD}\n"
        )
        if not path.exists() or path.read_text() != text:
            tmp = path.with_name(f".secret.local.{os.getpid()}")
            tmp.write_text(text)
            tmp.replace(path)  # atomic: stacks started side by side share functions/
        return path

    def spawn_emulators(self) -> None:
        """Auth, Functions and Hosting in one `firebase emulators:start`, as a developer runs."""
        config = self._firebase_config()
        self.write_local_secrets()
        self._spawn(
            "emulators",
            [
                str(FIREBASE_BIN), "emulators:start",
                "--only", "auth,functions,hosting",
                "--project", self.project,
                "--config", str(config),
                "--non-interactive",
            ],
            env=self._emulator_env(),
        )  # fmt: skip

    def wait_ready(self, names: tuple[str, ...], timeout: float) -> None:
        """Wait until each named service answers; fail early if a process exits."""
        checks = {
            "rtdb": f"http://{self.database_host}/.json?ns={NAMESPACE}&shallow=true",
            "stripe": f"{self.stripe_url}/js.stripe.com/v3/",
            "media": f"{self.media_url}/",  # an unsigned read: 403, but it answers
            "mail": f"{self.mail_url}/api/messages",
            "auth": f"http://{self.auth_host}/",
            "hosting": f"{self.hosting_url}/index.html",
            "functions": None,  # firebase-tools logs READY_LINE once every function loaded
        }
        pending = {name: checks[name] for name in names}
        deadline = time.monotonic() + timeout
        while pending:
            for name, proc in self.procs.items():
                if proc.poll() is not None:
                    raise RuntimeError(
                        f"{name} exited with {proc.returncode} during start:\n" + self.tail(name)
                    )
            for name, url in list(pending.items()):
                if url is None:
                    if READY_LINE in self.tail("emulators", lines=400):
                        del pending[name]
                    continue
                headers = {"Authorization": "Bearer owner"} if name == "rtdb" else None
                if _http_ok(url, headers):
                    del pending[name]
            if time.monotonic() > deadline:
                raise TimeoutError(f"not ready after {timeout:.0f} s: {sorted(pending)}")
            time.sleep(0.05)

    def restart_emulators(self, timeout: float = 60.0) -> None:
        """Stop firebase-tools (its workers too) and start it again on the same ports."""
        self.stop_process("emulators")
        self.spawn_emulators()
        self.wait_ready(("auth", "hosting", "functions"), timeout)

    def _emulator_env(self) -> dict[str, str]:
        """firebase-tools' environment; its functions inherit it (FunctionsEmulator.startPython).

        DATABASE_URL is firebase-tools' own override of the database URL it puts in the
        functions' FIREBASE_CONFIG (for a demo project it would otherwise name the namespace
        `<project>` instead of `<project>-default-rtdb`); FIREBASE_DATABASE_EMULATOR_HOST sends
        firebase-admin to rtdb, as firebase-tools does for its own database emulator.
        STRIPE_API_BASE sends the functions' `stripe` library to localstripe (deployed, it is
        unset and the library uses api.stripe.com); MEDIA_* send media_url to the media store.
        """
        env = quiet_env()
        env["DATABASE_URL"] = self.database_url
        env["FIREBASE_DATABASE_EMULATOR_HOST"] = self.database_host
        env["STRIPE_API_BASE"] = self.stripe_url
        env.update(self.media.env)  # media_url signs for the local store (MEDIA_*)
        env.update(self.mail_env)
        return env

    @property
    def mail_env(self) -> dict[str, str]:
        """What the mail functions read: the sink as the SMTP relay (no TLS, no login: it
        is on the loopback address), the site their links open, their own HTTPS base for
        the unsubscribe links."""
        return {
            "SMTP_HOST": self.ports.host,
            "SMTP_PORT": str(self.ports.smtp),
            "SMTP_TLS": "none",
            "NIMBUS_SITE_URL": self.hosting_url,
            "NIMBUS_FUNCTIONS_URL": f"{self.functions_url}/{self.project}/{REGION}",
        }

    def backends(self) -> list[dict]:
        """The Functions emulator's loaded function definitions (its `GET /backends`)."""
        with urllib.request.urlopen(f"{self.functions_url}/backends", timeout=10) as resp:
            triggers = []
            for backend in json.load(resp)["backends"]:
                triggers.extend(backend.get("functionTriggers", []))
            return triggers

    def trigger_key(self, definition: dict) -> str:
        """The key under which the Functions emulator runs an event trigger (getTriggerKey)."""
        return f"{definition['id']}-{TRIGGER_GENERATION}"

    def database_trigger_bundles(self) -> list[dict]:
        """What firebase-tools would POST to a database emulator, one per database trigger."""
        bundles = []
        for definition in self.backends():
            event = definition.get("eventTrigger") or {}
            if not str(event.get("eventType", "")).startswith(DATABASE_EVENT):
                continue
            patterns = event.get("eventFilterPathPatterns") or {}
            filters = event.get("eventFilters") or {}
            key = self.trigger_key(definition)
            region = definition.get("region", REGION)
            bundles.append(
                {
                    "name": f"projects/{self.project}/locations/{region}/triggers/{key}",
                    "path": patterns.get("ref") or filters.get("ref"),
                    "event": event["eventType"],
                    "topic": f"projects/{self.project}/topics/{key}",
                    "namespacePattern": filters.get("instance") or patterns.get("instance"),
                }
            )
        return bundles

    def register_triggers(self) -> list[str]:
        """Register new or changed database triggers with rtdb; returns their names."""
        posted = []
        for bundle in self.database_trigger_bundles():
            if self.registered.get(bundle["name"]) == bundle:
                continue
            req = urllib.request.Request(
                f"http://{self.database_host}/.settings/functionTriggers.json",
                data=json.dumps(bundle).encode(),
                method="POST",
                headers={"Authorization": "Bearer owner", "Content-Type": "application/json"},
            )
            try:
                with urllib.request.urlopen(req, timeout=10) as resp:
                    resp.read()
            except urllib.error.HTTPError as err:
                raise RuntimeError(
                    f"registering {bundle['name']} failed: {err.code} {err.read()[:500]!r}"
                ) from err
            self.registered[bundle["name"]] = bundle
            posted.append(bundle["name"])
        return posted

    def run_scheduled(self, name: str) -> str:
        """Run a scheduled function now, as Cloud Scheduler would (its job's headers).

        The Pub/Sub emulator (a Java download) is what firebase-tools would use for
        schedules, so it ignores them; their trigger route still runs them on request.
        """
        scheduled = [d for d in self.backends() if d.get("schedule")]
        found = [d for d in scheduled if name in (d["name"], d["id"])]
        if not found:
            names = sorted(d["name"] for d in scheduled)
            raise LookupError(f"no scheduled function {name!r}; scheduled: {names or 'none'}")
        definition = found[0]
        region = definition.get("region", REGION)
        job = f"firebase-schedule-{definition['name']}-{region}"  # how deploys name the job
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        req = urllib.request.Request(
            f"{self.functions_url}/functions/projects/{self.project}/triggers/"
            + self.trigger_key(definition),
            data=b"{}",
            method="POST",
            headers={
                "Content-Type": "application/json",
                "X-CloudScheduler": "true",
                "X-CloudScheduler-JobName": job,
                "X-CloudScheduler-ScheduleTime": now,
            },
        )
        try:
            with urllib.request.urlopen(req, timeout=120) as resp:
                return resp.read().decode(errors="replace")
        except urllib.error.HTTPError as err:
            body = err.read().decode(errors="replace")[:2000]
            raise RuntimeError(f"{definition['name']} failed: HTTP {err.code}: {body}") from err

    def upload_rules(self, rules: Path = RULES) -> None:
        """PUT the rules file to the rtdb server the way firebase-tools does for its emulator."""
        req = urllib.request.Request(
            f"http://{self.database_host}/.settings/rules.json?ns={NAMESPACE}",
            data=rules.read_bytes(),
            method="PUT",
            headers={"Authorization": "Bearer owner"},
        )
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                resp.read()
        except urllib.error.HTTPError as err:
            raise RuntimeError(f"rules upload failed: {err.code} {err.read()[:500]!r}") from err

    def tail(self, name: str, lines: int = 30) -> str:
        path = self.log_path(name)
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self, grace: float = 5.0) -> None:
        """SIGTERM each process group, then SIGKILL what is left after `grace` seconds."""
        self.stop_processes(list(self.procs), grace)

    def stop_process(self, name: str, grace: float = 5.0) -> None:
        """End one child's whole process group (firebase-tools' workers are in it)."""
        self.stop_processes([name], grace)

    def stop_processes(self, names: list[str], grace: float) -> None:
        """SIGTERM the groups together, once; wait for all within one `grace`; SIGKILL the rest."""
        procs = {name: self.procs[name] for name in names if name in self.procs}
        for proc in procs.values():
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for name, proc in procs.items():
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)  # stragglers left in the group
            if proc.poll() is None:
                proc.wait(timeout=5)
            del self.procs[name]
