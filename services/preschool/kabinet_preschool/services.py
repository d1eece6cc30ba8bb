"""The preschool cabinet's rules: the catalogue, rounds, observations, routes, recommendations
and the child's cabinet. Every function that touches a child checks the caller against it."""
from __future__ import annotations

import copy
import uuid
from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from kabinet_kit.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from kabinet_kit.events import utcnow

from .access import Caller, Grant, can_read_child, can_read_group, can_write_child, pseudonym
from .models import (AcademicYear, CatalogueVersion, Child, ChildName, ChildNumber, Group, Guardianship, Indicator,
                     IndicatorLevel, LevelCount, Observation, Organisation, RoleAssignment, Round, Route, RouteGoal,
                     Recommendation, Card, Visit)

BANDS = {"middle": "средняя (4–5 лет)", "senior": "старшая (5–6 лет)", "preparatory": "подготовительная (6–7 лет)"}


# -- the caller -----------------------------------------------------------------------------
def load_caller(session: Session, account_id: str, person_id: str) -> Caller:
    grants = tuple(Grant(r.role, r.organisation_id, r.group_id) for r in session.scalars(
        select(RoleAssignment).where(RoleAssignment.account_id == account_id, RoleAssignment.active.is_(True))))
    children = frozenset(session.scalars(select(Guardianship.child_id).where(
        Guardianship.guardian_person_id == person_id))) if person_id else frozenset()
    return Caller(account_id, person_id, grants, children)


def require_department(caller: Caller) -> None:
    if not caller.is_department:
        raise PermissionDenied("Only the education department may do this.")


# -- the catalogue --------------------------------------------------------------------------
def current_version(session: Session) -> CatalogueVersion:
    version = session.scalar(select(CatalogueVersion).where(CatalogueVersion.status == "published")
                             .order_by(CatalogueVersion.number.desc()).limit(1))
    if version is None:
        raise NotFound("No catalogue version is published.")
    return version


def version_by_number(session: Session, number: int) -> CatalogueVersion:
    version = session.scalar(select(CatalogueVersion).where(CatalogueVersion.number == number))
    if version is None:
        raise NotFound(f"Catalogue version {number} does not exist.")
    return version


# Published versions never change, so their trees are kept per database (url), version and band.
_PUBLISHED_TREES: dict[tuple[str, int, str | None], dict] = {}


def catalogue_tree(session: Session, version: CatalogueVersion, band: str | None = None) -> dict:
    if version.status != "published":
        return _build_tree(session, version, band)
    key = (str(session.get_bind().url), version.id, band)
    tree = _PUBLISHED_TREES.get(key)
    if tree is None:
        tree = _PUBLISHED_TREES[key] = _build_tree(session, version, band)
    return copy.deepcopy(tree)  # callers add per-child data to it


def _build_tree(session: Session, version: CatalogueVersion, band: str | None) -> dict:
    cards = list(session.scalars(select(Card).where(Card.version_id == version.id).order_by(Card.position)))
    query = select(Indicator).where(Indicator.card_id.in_([c.id for c in cards]))
    if band:
        query = query.where(Indicator.age_band == band)
    indicators = list(session.scalars(query.order_by(Indicator.age_band, Indicator.position)))
    levels = defaultdict(list)
    for lv in session.scalars(select(IndicatorLevel).where(IndicatorLevel.indicator_id.in_([i.id for i in indicators]))
                              .order_by(IndicatorLevel.level)):
        levels[lv.indicator_id].append({"level": lv.level, "description": lv.description})
    by_card = defaultdict(list)
    for i in indicators:
        by_card[i.card_id].append({"id": i.id, "code": i.code, "age_band": i.age_band, "title": i.title,
                                   "max_level": i.max_level, "levels": levels[i.id]})
    return {"number": version.number, "title": version.title, "basis": version.basis, "status": version.status,
            "published_at": version.published_at,
            "cards": [{"id": c.id, "code": c.code, "title": c.title, "indicators": by_card[c.id]} for c in cards]}


def list_versions(session: Session) -> list[CatalogueVersion]:
    return list(session.scalars(select(CatalogueVersion).order_by(CatalogueVersion.number)))


def create_version(session: Session, caller: Caller, data: dict) -> CatalogueVersion:
    """A new draft version (seed 000 §2.5), by default a copy of the current one to extend."""
    require_department(caller)
    if session.scalar(select(CatalogueVersion.id).where(CatalogueVersion.status == "draft")):
        raise Conflict("A draft catalogue version already exists; publish it first.")
    top = session.scalar(select(func.max(CatalogueVersion.number))) or 0
    version = CatalogueVersion(number=top + 1, title=data["title"], basis=data.get("basis"), status="draft",
                               created_at=utcnow())
    session.add(version)
    session.flush()
    if data.get("copy_current", True):
        source = current_version(session)
        for card in session.scalars(select(Card).where(Card.version_id == source.id)):
            new_card = Card(version_id=version.id, code=card.code, title=card.title, position=card.position)
            session.add(new_card)
            session.flush()
            for ind in session.scalars(select(Indicator).where(Indicator.card_id == card.id)):
                new_ind = Indicator(card_id=new_card.id, age_band=ind.age_band, code=ind.code, title=ind.title,
                                    position=ind.position, max_level=ind.max_level)
                session.add(new_ind)
                session.flush()
                for lv in session.scalars(select(IndicatorLevel).where(IndicatorLevel.indicator_id == ind.id)):
                    session.add(IndicatorLevel(indicator_id=new_ind.id, level=lv.level, description=lv.description))
    session.flush()
    return version


def _draft(session: Session, caller: Caller, number: int) -> CatalogueVersion:
    require_department(caller)
    version = version_by_number(session, number)
    if version.status != "draft":
        # Published versions are frozen: observations made under them must keep their meaning.
        raise Conflict(f"Catalogue version {number} is published and cannot change; create a new version.")
    return version


def add_card(session: Session, caller: Caller, number: int, data: dict) -> Card:
    version = _draft(session, caller, number)
    if session.scalar(select(Card.id).where(Card.version_id == version.id, Card.code == data["code"])):
        raise InvalidInput("The card exists.", errors={"code": ["A card with this code is already in this version."]})
    top = session.scalar(select(func.max(Card.position)).where(Card.version_id == version.id)) or 0
    card = Card(version_id=version.id, code=data["code"], title=data["title"], position=top + 1)
    session.add(card)
    session.flush()
    return card


def add_indicator(session: Session, caller: Caller, number: int, data: dict) -> Indicator:
    version = _draft(session, caller, number)
    card = session.scalar(select(Card).where(Card.version_id == version.id, Card.code == data["card_code"]))
    if card is None:
        raise InvalidInput("Unknown card.", errors={"card_code": [f"No card with this code in version {number}."]})
    levels = sorted(lv["level"] for lv in data["levels"])
    if levels != list(range(1, len(levels) + 1)):
        raise InvalidInput("Bad level scale.", errors={"levels": ["Levels must be numbered 1, 2, … without gaps."]})
    if session.scalar(select(Indicator.id).where(Indicator.card_id == card.id, Indicator.age_band == data["age_band"],
                                                 Indicator.code == data["code"])):
        raise InvalidInput("The indicator exists.", errors={"code": ["Already in this card and age band."]})
    top = session.scalar(select(func.max(Indicator.position)).where(
        Indicator.card_id == card.id, Indicator.age_band == data["age_band"])) or 0
    indicator = Indicator(card_id=card.id, age_band=data["age_band"], code=data["code"], title=data["title"],
                          position=top + 1, max_level=len(levels))
    session.add(indicator)
    session.flush()
    for lv in data["levels"]:
        session.add(IndicatorLevel(indicator_id=indicator.id, level=lv["level"], description=lv["description"]))
    session.flush()
    return indicator


def publish_version(session: Session, caller: Caller, number: int) -> CatalogueVersion:
    version = _draft(session, caller, number)
    cards = list(session.scalars(select(Card.id).where(Card.version_id == version.id)))
    if not cards or not session.scalar(select(Indicator.id).where(Indicator.card_id.in_(cards)).limit(1)):
        raise InvalidInput("An empty catalogue cannot be published.", errors={"number": ["The version has no indicators."]})
    version.status, version.published_at = "published", utcnow()
    return version


# -- rounds ---------------------------------------------------------------------------------
def _round_event(r: Round, version_number: int) -> dict:
    return {"round_id": r.id, "organisation_id": r.organisation_id, "academic_year_id": r.academic_year_id,
            "number": r.number, "deadline": r.deadline, "catalogue_version": version_number}


def open_round(deps, session: Session, caller: Caller, data: dict) -> Round:
    """The department opens a monitoring round for a kindergarten with its deadline (§3.5, §4.3.1)."""
    require_department(caller)
    org = session.get(Organisation, str(data["organisation_id"]))
    if org is None or org.kind != "kindergarten":
        raise InvalidInput("Unknown kindergarten.", errors={"organisation_id": ["Not a known kindergarten."]})
    year = session.get(AcademicYear, str(data["academic_year_id"]))
    if year is None:
        raise InvalidInput("Unknown academic year.", errors={"academic_year_id": ["Not a known academic year."]})
    if not year.starts_on <= data["deadline"] <= year.ends_on:
        raise InvalidInput("Deadline outside the year.", errors={"deadline": ["Must fall within the academic year."]})
    if session.scalar(select(Round.id).where(Round.organisation_id == org.id, Round.academic_year_id == year.id,
                                             Round.number == data["number"])):
        raise Conflict(f"Round {data['number']} of this year is already open for this kindergarten.")
    version = current_version(session)
    r = Round(id=str(uuid.uuid4()), organisation_id=org.id, academic_year_id=year.id, number=data["number"],
              title=data.get("title") or f"Мониторинг № {data['number']}", deadline=data["deadline"],
              catalogue_version_id=version.id, status="open", opened_at=utcnow())
    session.add(r)
    session.flush()
    deps.events.record(session, "preschool.round.opened.v1", _round_event(r, version.number))
    return r


def get_round(session: Session, round_id: str) -> Round:
    r = session.get(Round, round_id)
    if r is None:
        raise NotFound("No such round.")
    return r


def round_out(session: Session, r: Round) -> dict:
    return {"id": r.id, "organisation_id": r.organisation_id, "academic_year_id": r.academic_year_id,
            "number": r.number, "title": r.title, "deadline": r.deadline, "status": r.status,
            "catalogue_version": session.get(CatalogueVersion, r.catalogue_version_id).number,
            "opened_at": r.opened_at, "closed_at": r.closed_at}


def list_rounds(session: Session, caller: Caller, organisation_id: str | None, academic_year_id: str | None) -> list:
    query = select(Round)
    if not caller.is_department:
        orgs = caller.staff_orgs
        if organisation_id and organisation_id not in orgs:
            raise PermissionDenied("Not your kindergarten.")
        query = query.where(Round.organisation_id.in_(orgs))
    if organisation_id:
        query = query.where(Round.organisation_id == organisation_id)
    if academic_year_id:
        query = query.where(Round.academic_year_id == academic_year_id)
    return [round_out(session, r) for r in session.scalars(query.order_by(Round.organisation_id, Round.number))]


def change_round(deps, session: Session, caller: Caller, round_id: str, data: dict) -> Round:
    require_department(caller)
    r = get_round(session, round_id)
    if "deadline" in data:
        year = session.get(AcademicYear, r.academic_year_id)
        if not year.starts_on <= data["deadline"] <= year.ends_on:
            raise InvalidInput("Deadline outside the year.", errors={"deadline": ["Must fall within the academic year."]})
        r.deadline = data["deadline"]
    if data.get("status") == "closed" and r.status == "open":
        r.status, r.closed_at = "closed", utcnow()
        deps.events.record(session, "preschool.round.closed.v1",
                           _round_event(r, session.get(CatalogueVersion, r.catalogue_version_id).number))
    elif data.get("status") == "open" and r.status == "closed":
        raise Conflict("A closed round is not reopened; its figures are final.")
    return r


# -- children -------------------------------------------------------------------------------
def _child(session: Session, caller: Caller, child_id: str, *, write: bool = False) -> Child:
    """The child if the caller may reach it. Unknown and foreign children look the same, so an
    id cannot be probed."""
    child = session.get(Child, child_id)
    allowed = child is not None and (can_write_child(caller, child.group_id) if write else
                                     can_read_child(caller, child.id, child.organisation_id, child.group_id))
    if not allowed:
        raise PermissionDenied("This child is not in your group or family." if not write else
                               "Only the educator of the child's own group may record this.")
    return child


def display_name(session: Session, child: Child) -> tuple[str, bool]:
    name = session.get(ChildName, child.id) if child.consent else None
    if name is not None:
        return " ".join(p for p in (name.last_name, name.first_name) if p), True
    number = session.scalar(select(ChildNumber.number).where(ChildNumber.child_id == child.id,
                                                             ChildNumber.group_id == child.group_id)) if child.group_id else None
    return pseudonym(number or 0), False


def group_children(session: Session, caller: Caller, group_id: str) -> dict:
    group = session.get(Group, group_id)
    if group is None or not can_read_group(caller, group.organisation_id, group.id):
        raise PermissionDenied("This group is not yours.")
    rows = session.execute(
        select(Child, ChildNumber.number, ChildName).join(ChildNumber, (ChildNumber.child_id == Child.id) &
                                                          (ChildNumber.group_id == group.id))
        .outerjoin(ChildName, (ChildName.child_id == Child.id) & Child.consent.is_(True))
        .where(Child.group_id == group.id).order_by(ChildNumber.number)).all()
    children = [{"child_id": c.id, "number": n,
                 "display_name": f"{name.last_name} {name.first_name}" if name else pseudonym(n),
                 "named": name is not None} for c, n, name in rows]
    return {"group_id": group.id, "name": group.name, "age_band": group.age_band, "children": children}


def _obs_event(r: Round, child: Child, obs: Observation, card: Card, version: int, previous: int | None) -> dict:
    return {"observation_id": str(obs.id), "child_id": child.id, "round_id": r.id, "organisation_id": r.organisation_id,
            "group_id": obs.group_id, "card_code": card.code, "indicator_id": obs.indicator_id,
            "catalogue_version": version, "level": obs.level, "previous_level": previous}


def _bump(session: Session, round_id: str, group_id: str, indicator_id: int, level: int, delta: int) -> None:
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(LevelCount).values(round_id=round_id, group_id=group_id, indicator_id=indicator_id,
                                             level=level, children=delta)
    session.execute(stmt.on_conflict_do_update(
        index_elements=["round_id", "group_id", "indicator_id", "level"],
        set_={"children": LevelCount.children + delta}))


def record_observations(deps, session: Session, caller: Caller, child_id: str, round_id: str, items: list[dict],
                        *, card_code: str | None = None, field_prefix: str | None = None) -> list[Observation]:
    """Record or change levels for one child in one round, all or nothing. Every item is checked
    before anything is written; errors name the field (``observations.2.level`` for a card)."""
    child = _child(session, caller, child_id, write=True)
    group = session.get(Group, child.group_id)
    r = session.get(Round, round_id)
    if r is None or r.organisation_id != child.organisation_id:
        raise InvalidInput("Unknown round.", errors={"round_id": ["No such round for this child's kindergarten."]})
    if r.status != "open":
        raise Conflict("The round is closed: its observations can no longer change.", errors={"round_id": ["Closed."]})
    version = session.get(CatalogueVersion, r.catalogue_version_id)
    wanted = {int(i["indicator_id"]) for i in items}
    found = {i.id: (i, c) for i, c in session.execute(
        select(Indicator, Card).join(Card, Card.id == Indicator.card_id).where(Indicator.id.in_(wanted)))}
    errors: dict = {}

    def err(index: int, field: str, message: str) -> None:
        key = field if field_prefix is None else f"{field_prefix}.{index}.{field}"
        errors.setdefault(key, []).append(message)

    seen = set()
    for index, item in enumerate(items):
        pair = found.get(int(item["indicator_id"]))
        if pair is None:
            err(index, "indicator_id", "No such indicator.")
            continue
        ind, card = pair
        if card.version_id != version.id:
            err(index, "indicator_id", f"The indicator is not in catalogue version {version.number} of this round.")
        elif ind.age_band != group.age_band:
            err(index, "indicator_id", f"The indicator is for the {ind.age_band} age band; the child's group is "
                                       f"{group.age_band}.")
        elif card_code is not None and card.code != card_code:
            err(index, "indicator_id", f"The indicator is not on the card «{card_code}».")
        if not 1 <= item["level"] <= ind.max_level:
            err(index, "level", f"The level must be between 1 and {ind.max_level}.")
        if ind.id in seen:
            err(index, "indicator_id", "The indicator appears twice.")
        seen.add(ind.id)
    if errors:
        raise InvalidInput("Nothing was recorded; see errors.", errors=errors)

    existing = {o.indicator_id: o for o in session.scalars(select(Observation).where(
        Observation.child_id == child.id, Observation.round_id == r.id, Observation.indicator_id.in_(wanted)))}
    now, saved = utcnow(), []
    for item in items:
        ind, card = found[int(item["indicator_id"])]
        obs = existing.get(ind.id)
        previous = None
        if obs is None:
            obs = Observation(child_id=child.id, round_id=r.id, indicator_id=ind.id, group_id=group.id,
                              level=item["level"], note=item.get("note"), recorded_by=caller.account_id,
                              recorded_at=now, updated_at=now)
            session.add(obs)
            session.flush()
            _bump(session, r.id, group.id, ind.id, obs.level, 1)
            deps.events.record(session, "preschool.observation.recorded.v1",
                               _obs_event(r, child, obs, card, version.number, None))
        else:
            previous = obs.level
            note_changed = item.get("note") != obs.note
            if previous == item["level"] and not note_changed:
                saved.append(obs)
                continue
            if previous != item["level"]:
                _bump(session, r.id, obs.group_id, ind.id, previous, -1)
                _bump(session, r.id, obs.group_id, ind.id, item["level"], 1)
            obs.level, obs.note, obs.recorded_by, obs.updated_at = item["level"], item.get("note"), caller.account_id, now
            deps.events.record(session, "preschool.observation.changed.v1",
                               _obs_event(r, child, obs, card, version.number, previous))
        saved.append(obs)
    session.flush()
    return saved


def observation_out(obs: Observation) -> dict:
    return {"id": obs.id, "child_id": obs.child_id, "round_id": obs.round_id, "indicator_id": obs.indicator_id,
            "level": obs.level, "note": obs.note, "recorded_at": obs.recorded_at, "updated_at": obs.updated_at}


# -- routes and recommendations -------------------------------------------------------------
def save_route(deps, session: Session, caller: Caller, child_id: str, round_id: str, data: dict) -> dict:
    child = _child(session, caller, child_id, write=True)
    r = session.get(Round, round_id)
    if r is None or r.organisation_id != child.organisation_id:
        raise InvalidInput("Unknown round.", errors={"round_id": ["No such round for this child's kindergarten."]})
    cards = {c.code: c for c in session.scalars(select(Card).where(Card.version_id == r.catalogue_version_id))}
    errors = {f"goals.{i}.card_code": ["No such card in this round's catalogue."]
              for i, g in enumerate(data["goals"]) if g["card_code"] not in cards}
    if errors:
        raise InvalidInput("The route was not saved; see errors.", errors=errors)
    route = session.scalar(select(Route).where(Route.child_id == child.id, Route.round_id == r.id))
    now = utcnow()
    if route is None:
        route = Route(child_id=child.id, round_id=r.id, organisation_id=r.organisation_id, author=caller.account_id,
                      published=False, updated_at=now)
        session.add(route)
        session.flush()
    else:
        for goal in session.scalars(select(RouteGoal).where(RouteGoal.route_id == route.id)):
            session.delete(goal)
    for pos, g in enumerate(data["goals"], start=1):
        session.add(RouteGoal(route_id=route.id, card_id=cards[g["card_code"]].id, goal=g["goal"],
                              activities=g["activities"], review_on=g["review_on"], position=pos))
    route.author, route.updated_at = caller.account_id, now
    if data.get("publish"):
        route.published, route.published_at = True, now
        deps.events.record(session, "preschool.route.published.v1", {
            "route_id": str(route.id), "child_id": child.id, "round_id": r.id, "organisation_id": r.organisation_id,
            "goals": len(data["goals"])})
    session.flush()
    return routes_of(session, child.id, published_only=False, route_id=route.id)[0]


def routes_of(session: Session, child_id: str, *, published_only: bool, route_id: int | None = None) -> list[dict]:
    query = select(Route, Round).join(Round, Round.id == Route.round_id).where(Route.child_id == child_id)
    if published_only:
        query = query.where(Route.published.is_(True))
    if route_id is not None:
        query = query.where(Route.id == route_id)
    out = []
    for route, r in session.execute(query.order_by(Round.academic_year_id, Round.number)):
        goals = session.execute(select(RouteGoal, Card).join(Card, Card.id == RouteGoal.card_id)
                                .where(RouteGoal.route_id == route.id).order_by(RouteGoal.position)).all()
        out.append({"id": route.id, "round_id": r.id, "round_number": r.number, "published": route.published,
                    "published_at": route.published_at, "updated_at": route.updated_at,
                    "goals": [{"card_code": c.code, "card_title": c.title, "goal": g.goal, "activities": g.activities,
                               "review_on": g.review_on} for g, c in goals]})
    return out


def add_recommendation(deps, session: Session, caller: Caller, child_id: str, data: dict) -> dict:
    child = _child(session, caller, child_id, write=True)
    card = None
    if data.get("card_code"):
        version = current_version(session)
        card = session.scalar(select(Card).where(Card.version_id == version.id, Card.code == data["card_code"]))
        if card is None:
            raise InvalidInput("Unknown card.", errors={"card_code": ["No such card in the current catalogue."]})
    rec = Recommendation(child_id=child.id, organisation_id=child.organisation_id, card_id=card.id if card else None,
                         text=data["text"], author=caller.account_id, published_at=utcnow())
    session.add(rec)
    session.flush()
    deps.events.record(session, "preschool.recommendation.published.v1", {
        "recommendation_id": str(rec.id), "child_id": child.id, "organisation_id": child.organisation_id,
        "card_code": card.code if card else None})
    return _rec_out(rec, card)


def _rec_out(rec: Recommendation, card: Card | None) -> dict:
    return {"id": rec.id, "card_code": card.code if card else None, "card_title": card.title if card else None,
            "text": rec.text, "published_at": rec.published_at}


def recommendations(session: Session, caller: Caller, child_id: str) -> list[dict]:
    if child_id in caller.children and session.get(Child, child_id) is None:
        return []  # the guardian's own child who is not in a kindergarten (the home screen asks for every child)
    _child(session, caller, child_id)
    rows = session.execute(select(Recommendation, Card).outerjoin(Card, Card.id == Recommendation.card_id)
                           .where(Recommendation.child_id == child_id)
                           .order_by(Recommendation.published_at.desc(), Recommendation.id.desc())).all()
    return [_rec_out(rec, card) for rec, card in rows]


# -- the cabinet: a child's cards across rounds ---------------------------------------------
def cabinet(deps, session: Session, caller: Caller, child_id: str) -> dict:
    child = _child(session, caller, child_id)
    guardian_view = child.id in caller.children and not can_read_child(
        Caller(caller.account_id, caller.person_id, caller.grants), child.id, child.organisation_id, child.group_id)
    group = session.get(Group, child.group_id) if child.group_id else None
    name, named = display_name(session, child)
    rounds = list(session.scalars(select(Round).where(
        Round.organisation_id == child.organisation_id,
        *( [Round.academic_year_id == group.academic_year_id] if group else [])).order_by(Round.number))) \
        if child.organisation_id else []
    observations = defaultdict(dict)
    for o in session.scalars(select(Observation).where(Observation.child_id == child.id,
                                                       Observation.round_id.in_([r.id for r in rounds]))):
        observations[o.indicator_id][o.round_id] = o
    versions = []
    by_version = defaultdict(list)
    for r in rounds:
        by_version[r.catalogue_version_id].append(r)
    if not by_version:
        by_version[current_version(session).id] = []
    band = group.age_band if group else None
    dynamics = []
    for version_id, vrounds in by_version.items():
        version = session.get(CatalogueVersion, version_id)
        tree = catalogue_tree(session, version, band)
        for card in tree["cards"]:
            for ind in card["indicators"]:
                ind["observations"] = [
                    {"round_id": r.id, "round_number": r.number, "level": o.level, "note": o.note,
                     "updated_at": o.updated_at}
                    for r in vrounds if (o := observations.get(ind["id"], {}).get(r.id)) is not None]
            for before, after in zip(vrounds, vrounds[1:]):
                change = {"improved": 0, "same": 0, "declined": 0}
                for ind in card["indicators"]:
                    a, b = observations.get(ind["id"], {}).get(before.id), observations.get(ind["id"], {}).get(after.id)
                    if a and b:
                        change["improved" if b.level > a.level else "declined" if b.level < a.level else "same"] += 1
                dynamics.append({"card_code": card["code"], "card_title": card["title"], "from_round": before.number,
                                 "to_round": after.number, **change})
        versions.append({**tree, "rounds": [{"id": r.id, "number": r.number, "title": r.title, "status": r.status,
                                             "deadline": r.deadline} for r in vrounds]})
    result = {"child_id": child.id, "display_name": name, "named": named,
              "group": {"id": group.id, "name": group.name, "age_band": group.age_band,
                        "age_band_title": BANDS.get(group.age_band)} if group else None,
              "organisation_id": child.organisation_id, "catalogues": versions, "dynamics": dynamics,
              "routes": routes_of(session, child.id, published_only=guardian_view),
              "recommendations": recommendations(session, caller, child.id)}
    if guardian_view and child.organisation_id:
        record_visit(deps, session, child)
    return result


def record_visit(deps, session: Session, child: Child) -> None:
    visit = Visit(id=str(uuid.uuid4()), child_id=child.id, organisation_id=child.organisation_id, visited_at=utcnow())
    session.add(visit)
    deps.events.record(session, "preschool.cabinet.viewed.v1", {
        "visit_id": visit.id, "child_id": child.id, "organisation_id": child.organisation_id,
        "group_id": child.group_id, "viewer": "guardian"})


def my_children(session: Session, caller: Caller) -> list[dict]:
    out = []
    for child_id in sorted(caller.children):
        child = session.get(Child, child_id)
        if child is None or child.group_id is None:
            continue  # not (or no longer) in a kindergarten group
        group = session.get(Group, child.group_id)
        org = session.get(Organisation, child.organisation_id)
        name, named = display_name(session, child)
        out.append({"child_id": child.id, "display_name": name, "named": named, "group_name": group.name,
                    "age_band": group.age_band, "kindergarten": org.short_name if org else None})
    return out
