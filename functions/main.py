"""Nimbus Cloud Functions (placeholder).

Payments, search indexing and notifications arrive in later issues; this trivial HTTPS
function keeps the deploy path (`firebase deploy --only functions`) exercised meanwhile.
"""

from firebase_functions import https_fn


@https_fn.on_request()
def health(req: https_fn.Request) -> https_fn.Response:
    """Report that the functions codebase deployed; used as a smoke check after deploys."""
    return https_fn.Response("nimbus functions: ok", content_type="text/plain")
