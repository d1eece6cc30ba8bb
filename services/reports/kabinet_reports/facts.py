"""Loading what the projections know of a school on a report date (the load step of the
report's use cases; the computation is :mod:`kabinet_reports.diary`)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .diary import PupilFacts, SchoolFacts, window
from .models import Account, Group, Lesson, Organisation, Pupil, RoleAssignment
from .projections import guardians_of

TEACHER = "teacher"


def schools(session: Session) -> list[Organisation]:
    return list(session.scalars(select(Organisation).where(Organisation.kind == "school")
                                .order_by(Organisation.short_name, Organisation.id)))


def school_facts(session: Session, organisation_id: str, on: date) -> SchoolFacts:
    classes = [(g.id, g.name) for g in session.scalars(
        select(Group).where(Group.organisation_id == organisation_id).order_by(Group.name, Group.id))]
    pupils = [PupilFacts(p.id, p.group_id or "", p.e_diary, p.code_issued) for p in session.scalars(
        select(Pupil).where(Pupil.organisation_id == organisation_id, Pupil.group_id.is_not(None)))]
    guardians = guardians_of(session, [p.id for p in pupils])
    people = {p.id for p in pupils} | {g for found in guardians.values() for g in found}
    accounts: dict[str, bool] = {}
    for person_id, activated in session.execute(select(Account.person_id, Account.activated).where(
            Account.person_id.in_(people), Account.active.is_(True))):
        accounts[person_id] = accounts.get(person_id, False) or activated
    teachers = set(session.scalars(select(RoleAssignment.account_id).distinct().where(
        RoleAssignment.organisation_id == organisation_id, RoleAssignment.role == TEACHER,
        RoleAssignment.active.is_(True))))
    first, last = window(on)
    in_window = (Lesson.organisation_id == organisation_id, Lesson.date >= first, Lesson.date <= last)
    authors = set(session.scalars(select(Lesson.author_account_id).distinct().where(*in_window)))
    lessons, with_topic = session.execute(select(func.count(), func.count().filter(Lesson.has_topic.is_(True)))
                                          .where(*in_window)).one()
    return SchoolFacts(classes=classes, pupils=pupils, guardians=guardians, accounts=accounts, teachers=teachers,
                       authors=authors, lessons=int(lessons), lessons_with_topic=int(with_topic))
