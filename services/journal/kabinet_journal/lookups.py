"""Facts every use case looks up: groups, loads, terms, lessons, who is in a group on a day,
and the access checks built on them."""
from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kabinet_kit.errors import NotFound, PermissionDenied

from . import access
from .access import Caller, LoadFacts
from .models import Group, Lesson, MarkKind, Membership, Substitution, TeachingLoad, Term


def get_group(session: Session, group_id: str) -> Group:
    group = session.get(Group, group_id)
    if group is None:
        raise NotFound("No such group.")
    return group


def get_load(session: Session, load_id: str) -> TeachingLoad:
    load = session.get(TeachingLoad, load_id)
    if load is None:
        raise NotFound("No such teaching load.")
    return load


def load_facts(session: Session, load: TeachingLoad) -> LoadFacts:
    subs = tuple((r.account_id, r.starts_on, r.ends_on) for r in session.execute(
        select(Substitution.account_id, Substitution.starts_on, Substitution.ends_on)
        .where(Substitution.load_id == load.id)))
    return LoadFacts(load.organisation_id, load.group_id, load.teacher_account_id, subs)


def readable_load(session: Session, caller: Caller, load_id: str,
                  missing: str = "No such teaching load.") -> tuple[TeachingLoad, LoadFacts]:
    """The load, if the caller may read it. One they may not is answered like a missing one
    (``missing``: the detail for the object asked for), so ids cannot be probed for existence."""
    load = session.get(TeachingLoad, load_id)
    if load is None:
        raise NotFound(missing)
    facts = load_facts(session, load)
    if not access.can_read_load(caller, facts):
        raise NotFound(missing)
    return load, facts


def term_of(session: Session, organisation_id: str, academic_year_id: str, on: date) -> Term | None:
    return session.scalar(select(Term).where(Term.organisation_id == organisation_id,
                                             Term.academic_year_id == academic_year_id,
                                             Term.starts_on <= on, Term.ends_on >= on))


def get_term(session: Session, term_id: str) -> Term:
    term = session.get(Term, term_id)
    if term is None:
        raise NotFound("No such term.")
    return term


def visible_term(session: Session, caller: Caller, term_id: str) -> Term:
    """The term, if the caller may see its institution's structure; another institution's term
    is answered like a missing one, so ids cannot be probed for existence."""
    term = session.get(Term, term_id)
    if term is None or not structure_readable(session, caller, term.organisation_id):
        raise NotFound("No such term.")
    return term


def get_lesson(session: Session, lesson_id: str) -> Lesson:
    lesson = session.get(Lesson, lesson_id)
    if lesson is None:
        raise NotFound("No such lesson.")
    return lesson


def pupils_on(session: Session, group_id: str, on: date) -> set[str]:
    return set(session.scalars(select(Membership.child_id).where(
        Membership.group_id == group_id, Membership.starts_on <= on,
        or_(Membership.ends_on.is_(None), Membership.ends_on >= on))))


def require_manager(caller: Caller, organisation_id: str) -> None:
    if not caller.manages(organisation_id):
        raise PermissionDenied("Only the institution's administrator or deputy director may do this.")


def structure_readable(session: Session, caller: Caller, organisation_id: str) -> bool:
    children = set(caller.children) | ({caller.person_id} if caller.person_kind == "child" else set())
    families = set(session.scalars(select(Membership.organisation_id).where(Membership.child_id.in_(children)))) \
        if children else set()
    return access.can_read_structure(caller, organisation_id, families)


def require_structure_reader(session: Session, caller: Caller, organisation_id: str) -> None:
    # A collection named by its institution (a public fact): refused, not hidden.
    if not structure_readable(session, caller, organisation_id):
        raise PermissionDenied("This institution's journal is not yours to see.")


def mark_kinds(session: Session, organisation_id: str) -> dict[str, MarkKind]:
    """Kinds valid in an institution: the defaults, overridden by the institution's own."""
    kinds = session.scalars(select(MarkKind).where(or_(MarkKind.organisation_id.is_(None),
                                                       MarkKind.organisation_id == organisation_id))).all()
    result: dict[str, MarkKind] = {}
    for kind in sorted(kinds, key=lambda k: k.organisation_id is not None):
        result[kind.code] = kind
    return result
