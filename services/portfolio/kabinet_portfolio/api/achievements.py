"""Achievements with their evidence documents (POR-09..17)."""
from __future__ import annotations

from typing import IO, Any

from flask import Response, request, send_file

from kabinet_kit.idempotency import idempotent
from kabinet_kit.openapi import Blueprint

from .. import achievements, capital
from ..clock import local_today
from ..models import IDEMPOTENCY
from . import schemas as s
from .common import caller, db, deps, idempotency_scope

blp = Blueprint("achievements", __name__, description="Achievements, evidence documents, review")
once = idempotent(IDEMPOTENCY, idempotency_scope)


def _today() -> Any:
    return local_today(deps().settings.timezone)


def _document() -> IO[bytes] | None:
    upload = request.files.get("document")
    return upload.stream if upload is not None and upload.filename is not None else None


def _one(achievement: Any) -> dict[str, Any]:
    return capital.present(db(), [achievement], _today())[0]


@blp.post("/pupils/<uuid:pupil_id>/achievements")
@once
@blp.arguments(s.AchievementForm, location="form")
@blp.arguments(s.DocumentFile, location="files")
@blp.response(201, s.AchievementOut)
def create(form: dict[str, Any], _files: dict[str, Any], pupil_id: Any) -> Any:
    """The pupil records an achievement against a catalogue activity with its evidence document
    (multipart: the fields and ``document``); ``submit=true`` submits it at once."""
    made = achievements.create(deps(), db(), caller(), str(pupil_id), form, _document(), _today())
    return _one(made)


@blp.get("/pupils/<uuid:pupil_id>/achievements")
@blp.arguments(s.AchievementListQuery, location="query")
@blp.response(200, s.AchievementPage)
def list_for_pupil(query: dict[str, Any], pupil_id: Any) -> Any:
    return capital.pupil_achievements(db(), caller(), str(pupil_id), query["state"], query["limit"], query["offset"],
                                      _today())


@blp.get("/achievements/<uuid:achievement_id>")
@blp.response(200, s.AchievementOut)
def get_one(achievement_id: Any) -> Any:
    achievement, _pupil, how = achievements.load(db(), caller(), str(achievement_id))
    if achievement.state == "draft" and how != "self":
        from kabinet_kit.errors import NotFound
        raise NotFound("No such achievement.")
    return _one(achievement)


@blp.patch("/achievements/<uuid:achievement_id>")
@blp.arguments(s.AchievementChangeForm, location="form")
@blp.arguments(s.DocumentFile, location="files")
@blp.response(200, s.AchievementOut)
def edit(form: dict[str, Any], _files: dict[str, Any], achievement_id: Any) -> Any:
    """The pupil edits a draft or returned achievement (and may replace the document); the
    reviewer corrects the categorisation of a submitted one (§7.1). An approved one is locked."""
    return _one(achievements.edit(deps(), db(), caller(), str(achievement_id), form, _document(), _today()))


@blp.post("/achievements/<uuid:achievement_id>/submit")
@blp.response(200, s.AchievementOut)
def submit(achievement_id: Any) -> Any:
    return _one(achievements.submit(deps(), db(), caller(), str(achievement_id)))


def _review(action: str, body: dict[str, Any], achievement_id: Any) -> Any:
    done = achievements.review(deps(), db(), caller(), str(achievement_id), action, body.get("reason"),
                               bool(body.get("unreadable")), _today())
    return _one(done)


@blp.post("/achievements/<uuid:achievement_id>/approve")
@blp.arguments(s.ReviewIn)
@blp.response(200, s.AchievementOut)
def approve(body: dict[str, Any], achievement_id: Any) -> Any:
    """The tutor of the class or the school administration approves: the achievement scores."""
    return _review("approve", body, achievement_id)


@blp.post("/achievements/<uuid:achievement_id>/return")
@blp.arguments(s.ReviewIn)
@blp.response(200, s.AchievementOut)
def return_(body: dict[str, Any], achievement_id: Any) -> Any:
    """Back to the pupil for revision, with a reason; ``unreadable`` deletes the document (§2.7)."""
    return _review("return", body, achievement_id)


@blp.post("/achievements/<uuid:achievement_id>/delete")
@blp.arguments(s.ReviewIn)
@blp.response(200, s.AchievementOut)
def delete(body: dict[str, Any], achievement_id: Any) -> Any:
    """The tutor or the school administration deletes an achievement, with a reason."""
    return _review("delete", body, achievement_id)


@blp.get("/achievements/<uuid:achievement_id>/document")
@blp.response(200, content_type="application/octet-stream", description="The evidence document (JPG or PDF)")
def document(achievement_id: Any) -> Response:
    """Streamed only to those who reach the pupil; the department never receives documents."""
    achievement = achievements.document_of(db(), caller(), str(achievement_id))
    path = deps().store.path(str(achievement.document_sha256))
    extension = "pdf" if achievement.document_type == "application/pdf" else "jpg"
    response = send_file(path, mimetype=achievement.document_type, as_attachment=True,
                         download_name=f"achievement-{achievement.id}.{extension}", conditional=False, etag=False)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@blp.get("/review")
@blp.arguments(s.ReviewQueueQuery, location="query")
@blp.response(200, s.AchievementPage)
def review_queue(query: dict[str, Any]) -> Any:
    """Submitted achievements awaiting the caller (tutor: own class; administrator: own school)."""
    group = str(query["group_id"]) if query["group_id"] else None
    return capital.review_queue(db(), caller(), group, query["limit"], query["offset"], _today())
