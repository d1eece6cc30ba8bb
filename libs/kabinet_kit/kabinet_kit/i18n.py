"""The language of error texts: Russian by default, English for a client that asks for it.

Code raises its errors with English texts (the message ids, as gettext has them); each service
keeps its catalogue of Russian translations beside its code (``kabinet_<svc>/messages.py``) and
the kit keeps those of marshmallow's and its own texts. ``problem()`` renders ``title``,
``detail`` and every field message in the language ``Accept-Language`` picks. A text written in
Russian in the first place is translated the other way for an English client.

A text with variable parts is catalogued as a template: ``"No such pupil {pupil_id}."`` matches
``"No such pupil 42."`` and renders the Russian template with the same parts.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from flask import current_app, has_request_context, request

DEFAULT_LANGUAGE = "ru"
LANGUAGES = ("ru", "en")
MESSAGES_KEY = "kabinet.messages"
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def language() -> str:
    """The language of this request's answer: ``en`` only when the client prefers English."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT_LANGUAGE) or DEFAULT_LANGUAGE


class _Template:
    def __init__(self, source: str, target: str):
        self.names = _PLACEHOLDER.findall(source)
        parts = _PLACEHOLDER.split(source)
        self.pattern = re.compile("".join(re.escape(p) + ("(.+?)" if i < len(self.names) else "")
                                          for i, p in enumerate(parts)) + r"\Z", re.S)
        self.target = target

    def render(self, text: str) -> str | None:
        match = self.pattern.match(text)
        if match is None:
            return None
        values = dict(zip(self.names, match.groups(), strict=True))
        return _PLACEHOLDER.sub(lambda m: values.get(m.group(0), m.group(0)), self.target)


class Messages:
    """Pairs of an English text and its Russian translation; either side finds the other."""

    def __init__(self, pairs: Mapping[str, str] | None = None):
        self.pairs: dict[str, str] = dict(pairs or {})
        self._to = {"ru": dict(self.pairs), "en": {ru: en for en, ru in self.pairs.items()}}
        self._templates: dict[str, list[_Template]] = {"ru": [], "en": []}
        for en, ru in self.pairs.items():
            if _PLACEHOLDER.search(en):
                self._templates["ru"].append(_Template(en, ru))
                self._templates["en"].append(_Template(ru, en))

    def __add__(self, other: Messages) -> Messages:
        return Messages({**self.pairs, **other.pairs})

    def knows(self, text: str) -> bool:
        """Whether ``text`` (a literal or a template as code writes it) has its translation."""
        return text in self._to["ru"] or text in self._to["en"]

    def translate(self, text: str, lang: str) -> str:
        exact = self._to.get(lang, {}).get(text)
        if exact is not None:
            return exact
        for template in self._templates.get(lang, ()):
            rendered = template.render(text)
            if rendered is not None:
                return rendered
        return text

    def localise(self, value: Any, lang: str) -> Any:
        """Every text in ``value`` (a message, a list of them, messages by field) in ``lang``."""
        if isinstance(value, str):
            return self.translate(value, lang)
        if isinstance(value, Mapping):
            return {key: self.localise(item, lang) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self.localise(item, lang) for item in value]
        return value


def current_messages() -> Messages:
    if has_request_context() and MESSAGES_KEY in current_app.extensions:
        messages: Messages = current_app.extensions[MESSAGES_KEY]
        return messages
    return KIT_MESSAGES


def combined(catalogues: Iterable[Messages]) -> Messages:
    result = KIT_MESSAGES
    for catalogue in catalogues:
        result = result + catalogue
    return result


_OPS = {"greater than or equal to": "не меньше", "greater than": "больше", "less than or equal to": "не больше",
        "less than": "меньше"}

#: marshmallow's and webargs' field messages, and the kit's own texts.
KIT_MESSAGES = Messages({
    # marshmallow fields
    "Missing data for required field.": "Обязательное поле.",
    "Field may not be null.": "Поле не может быть пустым (null).",
    "Invalid input.": "Неверное значение.",
    "Invalid type.": "Неверный тип значения.",
    "Invalid value.": "Неверное значение.",
    "Unknown field.": "Неизвестное поле.",
    "Not a valid string.": "Ожидается строка.",
    "Not a valid utf-8 string.": "Ожидается строка в UTF-8.",
    "Not a valid integer.": "Ожидается целое число.",
    "Not a valid number.": "Ожидается число.",
    "Number too large.": "Слишком большое число.",
    "Special numeric values (nan or infinity) are not permitted.": "Значения nan и infinity не допускаются.",
    "Not a valid boolean.": "Ожидается true или false.",
    "Not a valid UUID.": "Ожидается идентификатор (UUID).",
    "Not a valid date.": "Ожидается дата (ГГГГ-ММ-ДД).",
    "Not a valid datetime.": "Ожидаются дата и время (ISO 8601).",
    "Not a valid time.": "Ожидается время (ЧЧ:ММ).",
    "Not a valid period of time.": "Ожидается промежуток времени.",
    "Not a valid list.": "Ожидается список.",
    "Not a valid tuple.": "Ожидается кортеж.",
    "Not a valid mapping type.": "Ожидается объект.",
    "Not a valid email address.": "Неверный адрес электронной почты.",
    "Not a valid URL.": "Неверная ссылка (URL).",
    "Not a valid naive datetime.": "Ожидаются дата и время без часового пояса.",
    "Not a valid aware datetime.": "Ожидаются дата и время с часовым поясом.",
    "Not a valid {obj_type}.": "Неверное значение ({obj_type}).",
    '"{input}" cannot be formatted as a date.': "«{input}» не удаётся представить как дату.",
    '"{input}" cannot be formatted as a {obj_type}.': "«{input}» не удаётся представить как {obj_type}.",
    "String does not match expected pattern.": "Строка не соответствует формату.",
    "Length must be between {min} and {max}.": "Длина должна быть от {min} до {max}.",
    "Length must be {equal}.": "Длина должна быть равна {equal}.",
    "Shorter than minimum length {min}.": "Короче минимальной длины {min}.",
    "Longer than maximum length {max}.": "Длиннее максимальной длины {max}.",
    "Must be one of: {choices}.": "Допустимые значения: {choices}.",
    "Must be equal to {other}.": "Должно быть равно {other}.",
    "One or more of the choices you made was not in: {choices}.": "Допустимые значения: {choices}.",
    "One or more of the choices you made was in: {values}.": "Недопустимые значения: {values}.",
    **{f"Must be {low} {{min}} and {high} {{max}}.": f"Должно быть {_OPS[low]} {{min}} и {_OPS[high]} {{max}}."
       for low in ("greater than or equal to", "greater than") for high in ("less than or equal to", "less than")},
    **{f"Must be {op} {{bound}}.": f"Должно быть {ru} {{bound}}." for op, ru in _OPS.items()},
    # the kit's own
    "Some fields are invalid; see errors.": "Некоторые поля заполнены неверно: см. errors.",
    "The body is not valid JSON.": "Тело запроса — не корректный JSON.",
    "The body must be JSON (Content-Type: application/json).":
        "Тело запроса должно быть в формате JSON (Content-Type: application/json).",
    "A bearer access token is required.": "Нужен токен доступа (Authorization: Bearer).",
    "This service answers only requests forwarded by the gateway.":
        "Эта служба отвечает только на запросы, пришедшие через шлюз.",
    "The requested URL was not found on the server. If you entered the URL manually please check your "
    "spelling and try again.": "Такого адреса нет. Проверьте путь запроса.",
    "The method is not allowed for the requested URL.": "Этот метод для этого адреса не поддерживается.",
    "The data value transmitted exceeds the capacity limit.": "Запрос больше допустимого размера.",
    "A JSON body is required.": "Нужно тело запроса в формате JSON.",
    "This request needs a JSON body.": "Этому запросу нужно тело в формате JSON.",
    "At most 200 characters.": "Не больше 200 символов.",
    "Idempotency-Key is too long": "Слишком длинный Idempotency-Key",
    "This Idempotency-Key was used for a different request.":
        "Этот Idempotency-Key уже использован для другого запроса.",
    "The response to this Idempotency-Key can no longer be replayed.":
        "Ответ на этот Idempotency-Key больше не может быть повторён.",
    "The request failed; it has been logged with its request id.":
        "Запрос не выполнен; ошибка записана в журнал с идентификатором запроса.",
    "The change conflicts with the current state; reload and retry.":
        "Изменение противоречит текущему состоянию; обновите данные и повторите.",
    "The database is unavailable; retry later.": "База данных недоступна; повторите позже.",
    "Required header.": "Обязательный заголовок.",
    "Read the document first and send its ETag in the If-Match header.":
        "Сначала прочитайте документ и пришлите его ETag в заголовке If-Match.",
    "The document changed after you read it: compare with the current version (current) and save again "
    "with its ETag.": "Документ изменился после того, как вы его прочитали: сравните с текущей версией "
                      "(current) и сохраните снова с её ETag.",
    # tokens (kabinet_kit.tokens), as services and the gateway report them
    "signing keys unavailable: {exc}": "ключи подписи недоступны: {exc}",
    "unknown signing key": "неизвестный ключ подписи",
    "malformed token: {exc}": "токен повреждён: {exc}",
    "unexpected signing algorithm": "неожиданный алгоритм подписи",
    "token names no key": "в токене не указан ключ",
    "token expired": "срок действия токена истёк",
    "invalid token: {exc}": "недействительный токен: {exc}",
    "not an access token": "это не токен доступа",
    "token revoked": "токен отозван",
})
