"""The service layer's error kinds (app/services/errors.py): each SDK's real codes, read
from its dist sources, map to the kind the UI branches on, with the sentence unchanged."""

from __future__ import annotations

import re

import pytest

from app.services import errors
from tools.project import ROOT

SDK = ROOT / "node_modules" / "@firebase"


@pytest.mark.parametrize(
    ("code", "message", "kind"),
    [
        ("PERMISSION_DENIED", "PERMISSION_DENIED: Permission denied", errors.PERMISSION),
        ("PERMISSION_DENIED", "permission_denied at /forum/c1/questions: ...", errors.PERMISSION),
        ("", "Permission denied", errors.PERMISSION),  # get(): the server's text, no code
        ("DISCONNECT", "DISCONNECT", errors.NETWORK),
        ("UNAVAILABLE", "unavailable at /x: The service is unavailable", errors.NETWORK),
        ("EXPIRED_TOKEN", "EXPIRED_TOKEN", errors.UNAUTHENTICATED),
        ("TOO_BIG", "TOO_BIG", errors.VALIDATION),
        ("WRITE_CANCELED", "WRITE_CANCELED", errors.FAILED),
        ("", "Client is offline.", errors.FAILED),
        ("", "permission is not the point", errors.FAILED),  # words alone classify nothing
    ],
)
def test_database_codes(code: str, message: str, kind: str) -> None:
    assert errors.from_database(code, message).kind == kind


def test_database_sentences_are_as_before() -> None:
    assert errors.from_database("PERMISSION_DENIED", "x").message == errors.WRITE_DENIED
    assert errors.from_database("PERMISSION_DENIED", "x", reading=True).message == (
        "You are not allowed to read this."
    )
    assert errors.from_database("DISCONNECT", "DISCONNECT").message == errors.DISCONNECTED
    failed = errors.from_database("WRITE_CANCELED", "WRITE_CANCELED: set overridden")
    assert failed.message == "WRITE_CANCELED WRITE_CANCELED: set overridden"
    assert failed.code == "WRITE_CANCELED" and str(failed) == failed.message


def test_every_database_code_the_sdk_upper_cases_is_one_we_know_or_a_failure() -> None:
    """The statuses the SDK turns into error.code (DISCONNECT, permission_denied, ...)."""
    source = (SDK / "database" / "dist" / "index.esm.js").read_text()
    assert "error.code = code.toUpperCase()" in source  # errorForServerCode
    assert "const code = (status || 'error').toUpperCase();" in source  # write callbacks
    for code in ("permission_denied", "disconnect", "too_big", "unavailable"):
        assert f"'{code}'" in source, code
        assert code.upper() in errors.DATABASE, code


def test_functions_codes_match_the_sdk_and_keep_their_words() -> None:
    source = next((SDK / "functions" / "dist" / "esm").glob("*.js")).read_text()
    table = source[source.index("const errorCodeMap = {") :]
    canonical = set(re.findall(r"[A-Z_]+: '([a-z-]+)'", table[: table.index("};")])) - {"ok"}
    assert len(canonical) == 16  # the callable protocol's canonical codes, less "ok"
    assert set(errors.FUNCTIONS) <= canonical
    assert set(errors.OWN_WORDS) <= canonical
    own = errors.from_functions("functions/already-exists", "You are already enrolled. [409]")
    assert (own.kind, own.message) == (errors.CONFLICT, "You are already enrolled.")
    denied = errors.from_functions("functions/permission-denied", "Admins only.")
    assert (denied.kind, denied.message) == (errors.PERMISSION, "Admins only.")
    bare = errors.from_functions("functions/unauthenticated", "unauthenticated")
    assert (bare.kind, bare.message) == (errors.UNAUTHENTICATED, errors.SIGN_IN)
    down = errors.from_functions("functions/deadline-exceeded", "deadline-exceeded")
    assert (down.kind, down.message) == (errors.NETWORK, errors.UNREACHABLE)
    internal = errors.from_functions("functions/internal", "Boom: traceback [500]")
    assert (internal.kind, internal.message) == (errors.FAILED, errors.FUNCTION_FAILED)
    limited = errors.from_functions("functions/resource-exhausted", "Slow down.")
    assert limited.kind == errors.RATE_LIMIT


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("auth/invalid-credential", errors.UNAUTHENTICATED),
        ("auth/email-already-in-use", errors.CONFLICT),
        ("auth/weak-password", errors.VALIDATION),
        ("auth/too-many-requests", errors.RATE_LIMIT),
        ("auth/network-request-failed", errors.NETWORK),
        ("auth/internal-error", errors.FAILED),
    ],
)
def test_auth_codes(code: str, kind: str) -> None:
    err = errors.from_auth(code)
    assert err.kind == kind
    assert err.message == errors.AUTH_MESSAGES.get(code, "Sign-in failed (" + code + ").")


def test_every_kind_is_named_once() -> None:
    kinds = [errors.PERMISSION, errors.UNAUTHENTICATED, errors.VALIDATION, errors.NOT_FOUND,
             errors.CONFLICT, errors.RATE_LIMIT, errors.NETWORK, errors.FAILED]  # fmt: skip
    assert len(set(kinds)) == len(kinds)
    for table in (errors.DATABASE, errors.FUNCTIONS, errors.AUTH):
        assert set(table.values()) <= set(kinds)


def test_views_branch_on_kinds_not_words() -> None:
    """No view tests an error's text ("not allowed" in message): they compare err.kind."""
    import ast

    suspects = {"message", "m", "err", "e", "error", "problem", "reason", "why"}
    found = []
    for path in sorted((ROOT / "app" / "ui").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Compare) and isinstance(node.left, ast.Constant):
                tests_text = any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops)
                names = [c for c in node.comparators if tests_text and isinstance(c, ast.Name)]
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                method = node.func.attr in ("startswith", "endswith", "find", "index")
                names = (
                    [node.func.value] if method and isinstance(node.func.value, ast.Name) else []
                )
            found += [f"{path.name}:{node.lineno}" for n in names if n.id in suspects]
    assert found == []
