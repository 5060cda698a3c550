"""What went wrong, as a kind the UI branches on, beside the sentence it shows.

The way firebase-admin turns the platform's codes into exception types
(PermissionDeniedError, NotFoundError, UnavailableError, ...), the service layer turns
each Firebase JS SDK's error code into one of the kinds below; views decide what to do by
kind (a refused read of the forum means "not enrolled"), never by the message's words.
Each service (database.py, functions.py, auth.py) only reads the code and message off the
SDK's error; what they mean, and the sentence the user reads, is decided here, in plain
Python (no browser imports), so tests/unit/app/test_errors.py runs it on the host.

Codes, from the SDKs' own sources (node_modules/@firebase/*/dist):
- Database: ``error.code`` is the server's status upper-cased (repoCallOnCompleteCallback,
  errorForServerCode): PERMISSION_DENIED, DISCONNECT (a write lost with its connection),
  UNAVAILABLE, TOO_BIG, WRITE_CANCELED, DATASTALE, MAXRETRY... ``get()`` rejects with
  ``new Error(d)`` (repoGetValue): the server's text, no code; Firebase's text for a
  refusal is "Permission denied".
- Functions: ``functions/<code>``, the callable protocol's canonical codes
  (codeForHTTPStatus): permission-denied, unauthenticated, invalid-argument, ...
- Auth: ``auth/<code>``: auth/invalid-credential, auth/network-request-failed, ...
"""

PERMISSION = "permission"  # the rules (or a function) refuse this user this
UNAUTHENTICATED = "unauthenticated"  # not signed in, or the credentials are wrong
VALIDATION = "validation"  # the input is not acceptable
NOT_FOUND = "not-found"
CONFLICT = "conflict"  # the state forbids it now: taken, already exists, not yet paid
RATE_LIMIT = "rate-limit"  # too much, too fast: wait, then try again
NETWORK = "network"  # the service was not reached, or the connection was lost
FAILED = "failed"  # anything else


class ServiceError:
    """A refusal or failure: kind (one of the names above), the UI's sentence, the code."""

    def __init__(self, kind, message, code=""):
        self.kind = kind
        self.message = message
        self.code = code

    def __str__(self):
        return self.message

    def __repr__(self):
        return "ServiceError(" + repr(self.kind) + ", " + repr(self.message) + ")"


# ---- Realtime Database


DATABASE = {
    "PERMISSION_DENIED": PERMISSION,
    "EXPIRED_TOKEN": UNAUTHENTICATED,
    "INVALID_TOKEN": UNAUTHENTICATED,
    "TOO_BIG": VALIDATION,
    "DISCONNECT": NETWORK,
    "UNAVAILABLE": NETWORK,
}
DATABASE_DENIED_TEXT = "Permission denied"  # what get() keeps of a refusal
WRITE_DENIED = "the database refused it (not allowed, or the input is invalid)."
READ_DENIED = "You are not allowed to read this."
DISCONNECTED = "the connection to the database was lost; try again."


def database_kind(code, message=""):
    """The kind of a Realtime Database error from its code (or, for get(), its text)."""
    if code:
        return DATABASE.get(code.upper(), FAILED)
    return PERMISSION if message.strip() == DATABASE_DENIED_TEXT else FAILED


def from_database(code, message, reading=False):
    """A Database error (code may be ""): a refusal reads as a refused read or write."""
    kind = database_kind(code, message)
    if kind == PERMISSION:
        sentence = READ_DENIED if reading else WRITE_DENIED
    elif kind == NETWORK:
        sentence = DISCONNECTED
    else:
        sentence = (code + " " + message).strip()
    return ServiceError(kind, sentence, code)


# ---- Cloud Functions (callables)

FUNCTIONS = {
    "permission-denied": PERMISSION,
    "unauthenticated": UNAUTHENTICATED,
    "invalid-argument": VALIDATION,
    "out-of-range": VALIDATION,
    "not-found": NOT_FOUND,
    "already-exists": CONFLICT,
    "failed-precondition": CONFLICT,
    "aborted": CONFLICT,
    "resource-exhausted": RATE_LIMIT,
    "unavailable": NETWORK,
    "deadline-exceeded": NETWORK,
}

# Codes a function raises on purpose (HttpsError): its message is written for the user.
OWN_WORDS = (
    "invalid-argument",
    "failed-precondition",
    "out-of-range",
    "permission-denied",
    "not-found",
    "already-exists",
    "unauthenticated",
    "resource-exhausted",
    "aborted",
)
UNREACHABLE = "the service could not be reached; check your connection and try again."
FUNCTION_FAILED = "something went wrong on our side; please try again."
SIGN_IN = "please sign in first."


def functions_kind(code):
    """The kind of a FunctionsError's code ("functions/not-found" or "not-found")."""
    return FUNCTIONS.get(code.replace("functions/", ""), FAILED)


def without_status(message):
    """The SDK appends the HTTP status ("Sign in first. [401]"); users need only the words."""
    cut = message.rfind(" [")
    if cut > 0 and message.endswith("]") and message[cut + 2 : -1].isdigit():
        return message[:cut]
    return message


def from_functions(code, message):
    """A FunctionsError ("functions/<code>", its message): the function's own words when it
    refused on purpose, else ours."""
    code = code.replace("functions/", "")
    message = without_status(message.strip())
    kind = functions_kind(code)
    if code in OWN_WORDS and message and message.lower() != code.replace("-", " "):
        return ServiceError(kind, message, code)
    if code == "unauthenticated":
        return ServiceError(kind, SIGN_IN, code)
    if code in ("unavailable", "deadline-exceeded"):
        return ServiceError(kind, UNREACHABLE, code)
    return ServiceError(kind, FUNCTION_FAILED, code)


# ---- Auth
AUTH = {
    "auth/invalid-credential": UNAUTHENTICATED,
    "auth/wrong-password": UNAUTHENTICATED,
    "auth/user-not-found": NOT_FOUND,
    "auth/invalid-email": VALIDATION,
    "auth/weak-password": VALIDATION,
    "auth/missing-password": VALIDATION,
    "auth/email-already-in-use": CONFLICT,
    "auth/too-many-requests": RATE_LIMIT,
    "auth/network-request-failed": NETWORK,
}


AUTH_MESSAGES = {
    "auth/invalid-credential": "Wrong email or password.",
    "auth/wrong-password": "Wrong email or password.",
    "auth/user-not-found": "No account with that email.",
    "auth/invalid-email": "That is not a valid email address.",
    "auth/email-already-in-use": "That email already has an account: sign in instead.",
    "auth/weak-password": "Choose a password of at least 6 characters.",
    "auth/missing-password": "Enter a password.",
    "auth/too-many-requests": "Too many attempts: wait a moment and try again.",
    "auth/network-request-failed": "Cannot reach the sign-in service.",
    "auth/requires-recent-login": "Sign out and in again, then change your address.",
    "auth/missing-email": "Enter the new address.",
}


def from_auth(code):
    """An Auth error's code ("auth/<code>"; or the error's text when it has none)."""
    return ServiceError(
        AUTH.get(code, FAILED), AUTH_MESSAGES.get(code, "Sign-in failed (" + code + ")."), code
    )
