"""Nimbus's Cloud Functions: every function the platform deploys, exposed by name.

`firebase deploy --only functions` and the local Functions emulator both discover what this
module exposes at import time (firebase_functions' `functions.yaml`). Functions come in the
design card's three families, one package each, one decorated module-level def per trigger
(firebase/functions-samples style): `payments/` (checkout, webhooks, entitlements, signed
media URLs), `search/` (indexing, Gurubot), `notifications/` (inbox fan-out, email, digests).
Everything else the app does is a direct write that the database rules check. Handlers are
idempotent: Firebase delivers background events at least once.
"""

import _app
from firebase_functions import https_fn

_app.init()


@https_fn.on_request()
def health(req: https_fn.Request) -> https_fn.Response:
    """A smoke check after deploys: the codebase imported and the runtime answers."""
    return https_fn.Response("nimbus functions: ok", content_type="text/plain")
