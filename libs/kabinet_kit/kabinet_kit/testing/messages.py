"""Which error texts of a package have no translation: for each service's unit test of its catalogue.

It reads the package's source, not its behaviour: every text given to an error (the first
argument or ``detail=`` of a call to a ``*Error``/problem class or function, the messages of an
``errors={...}`` dict, a validator's ``error=``), literal or f-string (as its template, the
f-string's expressions as placeholders), must be known to the catalogue in one language or the other.
"""
from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..i18n import Messages

#: Calls whose first argument is a text a person reads.
ERROR_CALLS = {"InvalidInput", "NotFound", "PermissionDenied", "Conflict", "Gone", "Unauthenticated",
               "UnsupportedMediaType", "RateLimited", "ServiceError", "PreconditionFailed", "PreconditionRequired",
               "ValidationError", "problem", "GatewayProblem", "unauthenticated", "InvalidToken", "UpstreamFailure"}


def _callee(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _text(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value))
            elif isinstance(value, ast.FormattedValue):
                parts.append("{" + ast.unparse(value.value) + "}")
        return "".join(parts)
    return None


def _texts_of_messages(node: ast.AST) -> Iterator[str]:
    if isinstance(node, ast.Dict):
        for value in node.values:
            yield from _texts_of_messages(value)
    elif isinstance(node, ast.List | ast.Tuple):
        for item in node.elts:
            yield from _texts_of_messages(item)
    else:
        text = _text(node)
        if text:
            yield text


def error_texts(source: str, error_calls: Iterable[str] = ()) -> Iterator[str]:
    names = ERROR_CALLS | set(error_calls)
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and any(isinstance(b, ast.Name) and b.id in names for b in node.bases):
            names.add(node.name)  # a module's own error classes raise texts too
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        callee = _callee(node)
        candidates: list[ast.AST] = []
        if callee in names:
            # The text is the first text argument: a problem's status may come before it.
            candidates += [next((a for a in node.args[:3] if _text(a) is not None), ast.Constant(None))]
            candidates += [k.value for k in node.keywords if k.arg == "detail"]
        for keyword in node.keywords:
            messages = keyword.arg == "errors" and isinstance(keyword.value, ast.Dict)
            if messages or (keyword.arg == "error" and callee not in names):  # a validator's error=
                yield from _texts_of_messages(keyword.value)
        for candidate in candidates:
            text = _text(candidate)
            if text and text.strip():
                yield text


def untranslated(package: Path, messages: Messages, *, error_calls: Iterable[str] = ()) -> list[str]:
    """The texts of ``package`` (a directory of modules) the catalogue does not know, with where."""
    missing = []
    for module in sorted(package.rglob("*.py")):
        for text in error_texts(module.read_text(encoding="utf-8"), error_calls):
            if not messages.knows(text):
                missing.append(f"{module.relative_to(package.parent)}: {text!r}")
    return missing
