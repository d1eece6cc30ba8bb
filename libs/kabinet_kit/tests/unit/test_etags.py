"""If-Match on saves: a save over a version someone else replaced is refused with the current one."""
from __future__ import annotations

import pytest
from flask import Flask

from kabinet_kit.errors import PreconditionFailed, PreconditionRequired
from kabinet_kit.etags import etag_of, require_if_match
from kabinet_kit.web import register_error_handlers

GRID = {"lessons": [{"date": "2026-09-01", "marks": {"p1": 5}}]}


def test_the_tag_follows_what_a_reader_sees():
    assert etag_of(GRID) == etag_of({"lessons": [{"marks": {"p1": 5}, "date": "2026-09-01"}]})
    assert etag_of(GRID) != etag_of({"lessons": [{"date": "2026-09-01", "marks": {"p1": 4}}]})
    assert etag_of(GRID).startswith('"') and etag_of(GRID).endswith('"')


def test_a_save_with_the_current_tag_passes():
    app = Flask(__name__)
    with app.test_request_context(headers={"If-Match": etag_of(GRID)}):
        assert require_if_match(GRID) == etag_of(GRID)
    with app.test_request_context(headers={"If-Match": f'"other", W/{etag_of(GRID)}'}):
        require_if_match(GRID)


def test_a_save_over_another_version_gets_the_current_one():
    app = Flask(__name__)
    register_error_handlers(app)
    stale = etag_of({"lessons": []})
    with app.test_request_context(headers={"If-Match": stale}):
        with pytest.raises(PreconditionFailed) as refused:
            require_if_match(GRID)
        assert refused.value.extra["current"] == GRID and refused.value.etag == etag_of(GRID)
        response = app.handle_user_exception(refused.value)
    assert response.status_code == 412 and response.headers["ETag"] == etag_of(GRID)
    assert response.json["current"] == GRID and response.json["type"].endswith("/precondition-failed")


def test_a_save_without_if_match_is_428():
    app = Flask(__name__)
    with app.test_request_context():
        with pytest.raises(PreconditionRequired) as refused:
            require_if_match(GRID)
    assert "If-Match" in refused.value.errors
