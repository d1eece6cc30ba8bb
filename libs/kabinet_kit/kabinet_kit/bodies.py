"""JSON bodies a parser accepts but the service cannot hold: refused up front with 400.

Python's JSON parser recurses per nesting level (a body of 50,000 ``[`` raised RecursionError, a
500), and it accepts escaped lone surrogates (``"\\ud800"``) that no database or UTF-8 encoder
takes (another 500 at the first write). Both checks run only when a cheap scan of the raw
bytes says they could matter, so ordinary bodies are parsed once, by the view.
"""
from __future__ import annotations

import json

#: More brackets than this and the body is parsed here, to find out whether it nests too deep.
BRACKETS_WORTH_A_LOOK = 500


def json_body_problem(raw: bytes) -> str | None:
    """Why ``raw`` (a JSON body) must be refused, or None. Malformed JSON is left to the views,
    which report it with the fields they expected."""
    deep = raw.count(b"[") + raw.count(b"{") > BRACKETS_WORTH_A_LOOK
    escaped = b"\\u" in raw
    if not deep and not escaped:
        return None
    try:
        parsed = json.loads(raw)
    except RecursionError:
        return "The JSON body is nested too deeply."
    except ValueError:
        return None
    if escaped:
        try:
            json.dumps(parsed, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            return "The JSON body contains text that is not valid Unicode (an unpaired surrogate)."
        except RecursionError:
            return "The JSON body is nested too deeply."
    return None
