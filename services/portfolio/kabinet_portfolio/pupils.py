"""Reaching a pupil: the replica row, how the caller relates to him, the first-use consent gate
(seed 003 §4.3) and the names the caller may see."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from kabinet_kit.errors import NotFound, PermissionDenied

from .access import Caller, PupilFacts, consent_missing, relation
from .models import Pupil, PupilName


class ConsentRequired(PermissionDenied):
    code = "consent-required"


def facts(pupil: Pupil) -> PupilFacts:
    return PupilFacts(pupil.id, pupil.organisation_id, pupil.group_id, pupil.consent)


def reach(session: Session, caller: Caller, pupil_id: str, *, for_update: bool = False) -> tuple[Pupil, str]:
    """The pupil and the caller's relation to him; 404 for a pupil out of reach (as for one who
    does not exist), 403 ``consent required`` for the pupil or family before the consent."""
    query = select(Pupil).where(Pupil.id == pupil_id)
    pupil = session.scalar(query.with_for_update() if for_update else query)
    how = relation(caller, facts(pupil)) if pupil is not None else None
    if pupil is None or how is None:
        raise NotFound("No such pupil.")
    if consent_missing(how, facts(pupil)):
        if how == "self":
            raise ConsentRequired(
                "Портфолио открывается после согласия на обработку персональных данных (Положение, п. 4.3). "
                f"Дайте его: POST /api/identity/children/{pupil.id}/consents с purpose=portfolio.",
                purpose="portfolio",
                accept={"method": "POST", "href": f"/api/identity/children/{pupil.id}/consents",
                        "body": {"purpose": "portfolio"}})
        raise ConsentRequired("Нет согласия на обработку персональных данных в портфолио (purpose=portfolio).",
                              purpose="portfolio")
    return pupil, how


def full_name(name: PupilName | None) -> str | None:
    if name is None:
        return None
    return " ".join(p for p in (name.last_name, name.first_name, name.middle_name) if p)


def names_of(session: Session, ids: Iterable[str]) -> dict[str, PupilName]:
    wanted = list(set(ids))
    if not wanted:
        return {}
    return {n.pupil_id: n for n in session.scalars(select(PupilName).where(PupilName.pupil_id.in_(wanted)))}
