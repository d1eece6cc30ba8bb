"""Corrections of a person's record, the movement register and the year transition."""
from flask import Response

from kabinet_kit.etags import ETAG_HEADER_DOC, etag_of, guarded_by_if_match, require_if_match
from kabinet_kit.events import utcnow
from kabinet_kit.openapi import ATTACHMENT, FILE, Blueprint
from kabinet_kit.paging import page_schema

from .. import corrections, register, year_transition
from . import record_schemas as rs
from .common import caller, db, deps, once, request_id

blp = Blueprint("records", __name__, description="Corrections, the movement register, the year transition")
RegisterPage = page_schema(rs.RegisterEntryOut, "MovementRegisterPage")


@blp.get("/people/<uuid:person_id>")
@blp.response(200, rs.PersonRecordOut, headers=ETAG_HEADER_DOC)
def read_person(person_id):
    """A person's record as those who correct it read it, with its ETag (send it back as If-Match
    to correct it): the administrator of the institution keeping the record, or the department.
    Every read is audited."""
    return _versioned(corrections.read_person(deps(), db(), caller(), str(person_id), request_id()))


@blp.patch("/people/<uuid:person_id>")
@guarded_by_if_match
@blp.arguments(rs.PersonCorrectionIn, example={"last_name": "Иванова"})
@blp.response(200, rs.PersonRecordOut, headers=ETAG_HEADER_DOC)
def correct_person(body, person_id):
    """Correct a person's record (surname, name, patronymic, birth date, contacts): the
    administrator of the person's institution, or the department. Audited (the fields, not the
    values); every service holding the person's name receives the correction. If-Match: the ETag
    of ``GET /people/{person_id}``; answers the record as corrected with its new ETag."""
    return _versioned(corrections.correct_person(deps(), db(), caller(), str(person_id), body, request_id(),
                                                 utcnow().date(), check=require_if_match))


@blp.get("/movements")
@blp.arguments(rs.RegisterQuery, location="query")
@blp.response(200, RegisterPage)
def movement_register(query):
    """The movement book of an institution by period (effective dates): enrolled, transferred
    in, out and between its groups, withdrawn, released. Its administrators and the department.
    Each pupil's record read is audited."""
    return register.movement_register(deps(), db(), caller(), query, request_id())


@blp.get("/movements/register.pdf")
@blp.arguments(rs.RegisterPdfQuery, location="query")
@blp.response(200, FILE, content_type="application/pdf", headers=ATTACHMENT,
              description="The printable movement book in Russian")
def movement_register_pdf(query):
    """The same book as a printable PDF (Книга движения обучающихся)."""
    pdf = register.register_pdf(deps(), db(), caller(), query, request_id())
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": 'attachment; filename="movement-register.pdf"'})


@blp.post("/organisations/<uuid:organisation_id>/year-transition")
@once
@blp.arguments(rs.YearTransitionIn, example={
    "from_year_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "to_year_id": "9b2d5c1a-2f3e-4c8d-8f6a-1b2c3d4e5f60",
    "mode": "apply", "order_number": "120-у", "order_date": "2027-08-30"})
@blp.response(200, rs.YearTransitionOut)
def year_transition_of(body, organisation_id):
    """Move the whole institution to the next academic year by one order: each group to the next
    grade's (age band's) group of the new year, created if missing; the last grade leaves.
    ``preview`` only answers what would happen; ``apply`` records all of it or nothing."""
    return year_transition.year_transition(deps(), db(), caller(), str(organisation_id), body)


def _versioned(document):
    return document, 200, {"ETag": etag_of(document)}
