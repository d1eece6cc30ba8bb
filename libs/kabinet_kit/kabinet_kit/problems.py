"""The catalogue of problem types: one stable ``type`` URI and one Russian ``title`` per kind of
error (RFC 9457). Clients branch and translate on ``type``; ``title`` is for people and may be
reworded, ``type`` never changes. docs/api.md lists the same catalogue."""
from __future__ import annotations

#: ``type`` is this base plus the code. An identifier, compared as a string by clients.
PROBLEM_BASE = "https://kabinet.example/problems/"

#: code → (status, title). Titles are Russian: the people who read them are Russian.
KINDS: dict[str, tuple[int, str]] = {
    "bad-request": (400, "Некорректный запрос"),
    "malformed-body": (400, "Тело запроса не разобрано"),
    "unauthenticated": (401, "Требуется вход"),
    "forbidden": (403, "Доступ запрещён"),
    "consent-required": (403, "Нет согласия на обработку персональных данных"),
    "not-found": (404, "Не найдено"),
    "method-not-allowed": (405, "Метод не поддерживается"),
    "not-acceptable": (406, "Недопустимый формат ответа"),
    "conflict": (409, "Конфликт с текущим состоянием"),
    "gone": (410, "Больше недоступно"),
    "precondition-failed": (412, "Данные изменились"),
    "payload-too-large": (413, "Слишком большой запрос"),
    "unsupported-media-type": (415, "Неподдерживаемый тип содержимого"),
    "invalid-input": (422, "Неверные данные"),
    "precondition-required": (428, "Нужна версия изменяемых данных (If-Match)"),
    "rate-limited": (429, "Слишком много запросов"),
    "internal-error": (500, "Внутренняя ошибка"),
    "bad-gateway": (502, "Ошибка вышестоящей службы"),
    "service-unavailable": (503, "Служба недоступна"),
    "upstream-timeout": (504, "Служба не ответила вовремя"),
}
TITLES: dict[str, str] = {code: title for code, (_status, title) in KINDS.items()}
#: The same titles for a client that asks for English (Accept-Language: en).
TITLES_EN: dict[str, str] = {
    "bad-request": "Bad request", "malformed-body": "Malformed body", "unauthenticated": "Authentication required",
    "forbidden": "Forbidden", "consent-required": "Consent to personal data processing required",
    "not-found": "Not found", "method-not-allowed": "Method not allowed", "not-acceptable": "Not acceptable",
    "conflict": "Conflict with the current state", "gone": "Gone", "precondition-failed": "The data has changed",
    "payload-too-large": "Payload too large", "unsupported-media-type": "Unsupported media type",
    "invalid-input": "Invalid input", "precondition-required": "If-Match required",
    "rate-limited": "Too many requests", "internal-error": "Internal error", "bad-gateway": "Bad gateway",
    "service-unavailable": "Service unavailable", "upstream-timeout": "Upstream timeout",
}

#: The code of a status when nothing more specific is known.
CODE_BY_STATUS: dict[int, str] = {
    400: "bad-request", 401: "unauthenticated", 403: "forbidden", 404: "not-found", 405: "method-not-allowed",
    406: "not-acceptable", 409: "conflict", 410: "gone", 412: "precondition-failed", 413: "payload-too-large",
    415: "unsupported-media-type", 422: "invalid-input", 428: "precondition-required", 429: "rate-limited",
    500: "internal-error", 502: "bad-gateway", 503: "service-unavailable", 504: "upstream-timeout",
}


def code_for(status: int, code: str | None = None) -> str:
    """``code`` (it must be catalogued), else the status's; a status outside the table: its class's."""
    if code is not None:
        if code not in TITLES:
            raise ValueError(f"problem code {code!r} is not in the catalogue")
        return code
    return CODE_BY_STATUS.get(status) or ("internal-error" if status >= 500 else "bad-request")


def type_uri(code: str) -> str:
    return PROBLEM_BASE + code
