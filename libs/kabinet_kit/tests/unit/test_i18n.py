"""Error texts in Russian by default and in English for a client that asks for it."""
from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from kabinet_kit import i18n
from kabinet_kit.errors import InvalidInput, NotFound
from kabinet_kit.i18n import KIT_MESSAGES, Messages
from kabinet_kit.schemas import Schema
from kabinet_kit.testing.messages import error_texts, untranslated
from kabinet_kit.web import create_base_app

SERVICE_MESSAGES = Messages({
    "No such term.": "Такого периода нет.",
    "Lesson {number} of the year; the plan has {len(hours)} hours.":
        "Урок {number} в году; в плане {len(hours)} часов.",
    "Consent missing.": "Нет согласия.",
})


@pytest.fixture
def app() -> Flask:
    from marshmallow import fields, validate

    from kabinet_kit.openapi import Blueprint

    app, api = create_base_app("kittest", title="t", messages=SERVICE_MESSAGES)
    blp = Blueprint("things", __name__)

    class Page(Schema):
        limit = fields.Integer(required=True, validate=validate.Range(min=1, max=200))

    @blp.get("/terms/<int:term_id>")
    def term(term_id: int) -> None:
        raise NotFound("No such term.")

    @blp.get("/plan")
    def plan() -> None:
        hours = [1, 2, 3]
        raise InvalidInput(f"Lesson 40 of the year; the plan has {len(hours)} hours.")

    @blp.get("/pages")
    @blp.arguments(Page, location="query")
    def pages(query: dict[str, int]) -> dict[str, int]:
        return query

    api.register_blueprint(blp)
    return app


def test_russian_is_the_default(app):
    response = app.test_client().get("/terms/7")
    assert response.status_code == 404 and response.headers["Content-Language"] == "ru"
    assert response.json["title"] == "Не найдено" and response.json["detail"] == "Такого периода нет."
    assert "Accept-Language" in response.headers["Vary"]


def test_english_on_request(app):
    response = app.test_client().get("/terms/7", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert response.headers["Content-Language"] == "en"
    assert response.json["title"] == "Not found" and response.json["detail"] == "No such term."
    ranked = app.test_client().get("/terms/7", headers={"Accept-Language": "de, ru;q=0.5, en;q=0.4"})
    assert ranked.json["detail"] == "Такого периода нет."


def test_texts_with_variable_parts(app):
    assert app.test_client().get("/plan").json["detail"] == "Урок 40 в году; в плане 3 часов."


def test_field_messages_follow_the_language(app):
    russian = app.test_client().get("/pages?limit=900")
    assert russian.status_code == 422
    assert russian.json["errors"] == {"limit": ["Должно быть не меньше 1 и не больше 200."]}
    assert app.test_client().get("/pages").json["errors"] == {"limit": ["Обязательное поле."]}
    english = app.test_client().get("/pages?limit=x", headers={"Accept-Language": "en"})
    assert english.json["errors"] == {"limit": ["Not a valid integer."]}


def test_a_text_written_in_russian_is_translated_for_english_clients():
    assert SERVICE_MESSAGES.translate("Нет согласия.", "en") == "Consent missing."
    assert SERVICE_MESSAGES.translate("Something new.", "ru") == "Something new."  # unknown stays as it is


def test_the_completeness_check_finds_an_untranslated_text(tmp_path: Path):
    module = tmp_path / "pkg" / "rules.py"
    module.parent.mkdir()
    module.write_text('def f(x):\n    raise NotFound(f"No such pupil {x.id}.")\n'
                      'def g():\n    raise InvalidInput("Bad.", errors={"when": ["Not after today."]})\n')
    assert sorted(error_texts(module.read_text())) == ["Bad.", "No such pupil {x.id}.", "Not after today."]
    missing = untranslated(module.parent, KIT_MESSAGES + Messages({"Bad.": "Плохо."}))
    assert sorted(missing) == ["pkg/rules.py: 'No such pupil {x.id}.'", "pkg/rules.py: 'Not after today.'"]


def test_the_kit_translates_its_own_texts():
    assert untranslated(Path(i18n.__file__).parent, KIT_MESSAGES) == []
