"""Optimistic concurrency for documents people edit (a journal grid, an observation card).

A read answers with ``ETag``, a save must send it back as ``If-Match``. Two teachers saving one
grid from the same version: the first wins, the second gets 412 with the grid as it is now (so
the client can show what changed, not lose the typing), never a silent overwrite. A save without
``If-Match`` is 428: a client that never read the version cannot claim to have seen it.

The tag is a hash of the document's canonical JSON, so it changes exactly when what a reader
sees changes, with no version column to keep in step.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any, TypeVar

from flask import request

from .errors import PreconditionFailed, PreconditionRequired

#: Set on a view (by ``guarded_by_if_match``) so the OpenAPI documents If-Match, 412 and 428.
IF_MATCH_MARK = "_kabinet_if_match"
IF_MATCH_PARAMETER = {
    "in": "header", "name": "If-Match", "required": True,
    "schema": {"type": "string", "minLength": 1, "maxLength": 200},
    "description": "The ETag of the version this save was made on (from the read). A save over a newer "
                   "version is 412 with the current one; without the header, 428.",
}
ETAG_HEADER_DOC = {"ETag": {"description": "The version of this document; send it back as If-Match.",
                            "schema": {"type": "string"}}}

F = TypeVar("F", bound=Callable[..., Any])


def etag_of(document: Any) -> str:
    """The strong entity tag of ``document`` (anything JSON can hold; dates as strings)."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return '"' + hashlib.sha256(canonical.encode()).hexdigest()[:32] + '"'


def _tags(header: str) -> list[str]:
    return [tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()]


def require_if_match(current: Any, *, current_view: Any | None = None) -> str:
    """Refuse the save unless the request's ``If-Match`` names the version of ``current``.

    ``current`` is the document as a reader gets it now; ``current_view`` what the 412 shows
    (``current`` itself by default). Returns the current tag."""
    tag = etag_of(current)
    header = request.headers.get("If-Match")
    if header is None:
        raise PreconditionRequired("Read the document first and send its ETag in the If-Match header.",
                                   errors={"If-Match": ["Required header."]})
    if "*" not in _tags(header) and tag not in _tags(header):
        raise PreconditionFailed("The document changed after you read it: compare with the current version "
                                 "(current) and save again with its ETag.", etag=tag,
                                 current=current if current_view is None else current_view)
    return tag


def guarded_by_if_match(view: F) -> F:
    """Mark a save view as requiring If-Match (documentation only; the view calls ``require_if_match``)."""
    setattr(view, IF_MATCH_MARK, True)
    return view
