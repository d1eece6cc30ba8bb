"""The city-wide activity catalogue (seed 003 §2.6, §5.2.2, POR-06..08), its versions, the
coefficient table (§7.4) and the department's settings.

Every change the department makes is a new catalogue version; the activity's values at that
version are kept in ``activity_revisions``. Categories and subsections are exactly those of
§5.2.2.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kabinet_kit.db import new_id
from kabinet_kit.errors import InvalidInput, NotFound
from kabinet_kit.events import utcnow
from kabinet_kit.paging import paginate

from .access import Caller, require_department
from .deps import Deps
from .models import Activity, ActivityRevision, CatalogueVersion, CoefficientTable, Setting
from .points import DEFAULT_COEFFICIENTS, LEVELS, validate_table

LEVEL_NAMES = {"international": "международный", "all_russian": "всероссийский / всемирный",
               "interregional": "межрегиональный / окружной", "regional": "региональный",
               "municipal": "муниципальный / городской", "inter_school": "межшкольный / районный"}
# §5.2.2: categories with their subsections (sport: kinds of sport, events, sports ranks;
# social activity has none).
CATEGORIES: dict[str, tuple[str, dict[str, str]]] = {
    "intellect": ("Интеллект", {
        "humanities": "гуманитарные", "natural_sciences": "естественно-научные",
        "information_technology": "информационно-технологические", "physics_mathematics": "физико-математические",
        "philology": "филологические", "other": "прочие"}),
    "arts": ("Художественное творчество", {
        "visual": "изобразительное", "literary": "литературное", "music": "музыкальное",
        "choreography": "хореографическое", "other": "прочие"}),
    "technical": ("Техническое творчество", {
        "profile_camps": "Профильные смены", "technical_creativity": "Техническое творчество"}),
    "sport": ("Спорт", {"kind_of_sport": "вид спорта", "sport_event": "спортивное мероприятие",
                        "sports_rank": "спортивный разряд"}),
    "social": ("Социальная деятельность", {}),
}
SETTINGS_DEFAULTS = {"grace_days": "30", "profstrategy_url": "https://profstrategy.permedu.example/anketa"}
ACTIVITY_FIELDS = ("title", "organiser", "starts_on", "ends_on", "level", "category", "subsection", "base_points",
                   "register_url")


def check_activity(values: dict[str, Any]) -> None:
    """Pure: the level, the category and its subsection as §5.2.2 lists them, a date range."""
    errors: dict[str, list[str]] = {}
    if values["level"] not in LEVELS:
        errors["level"] = [f"One of: {', '.join(LEVELS)}."]
    category = CATEGORIES.get(values["category"])
    if category is None:
        errors["category"] = [f"One of: {', '.join(CATEGORIES)}."]
    else:
        subsections = category[1]
        if not subsections and values.get("subsection"):
            errors["subsection"] = ["Социальная деятельность has no subsections."]
        elif subsections and values.get("subsection") not in subsections:
            errors["subsection"] = [f"One of: {', '.join(subsections)}."]
    if values["ends_on"] < values["starts_on"]:
        errors["ends_on"] = ["Not before starts_on."]
    if not 0 < float(values["base_points"]) <= 1000:
        errors["base_points"] = ["Between 0 (exclusive) and 1000."]
    if errors:
        raise InvalidInput("The activity is invalid.", errors=errors)


def _new_version(session: Session, caller: Caller | None, note: str) -> int:
    number = (session.scalar(select(func.max(CatalogueVersion.number))) or 0) + 1
    session.add(CatalogueVersion(number=number, note=note[:300], published_by=caller.account_id if caller else None,
                                 published_at=utcnow()))
    session.flush()
    return number


def current_version(session: Session) -> int:
    return session.scalar(select(func.max(CatalogueVersion.number))) or 0


def _revision(session: Session, activity: Activity) -> None:
    session.add(ActivityRevision(activity_id=activity.id, version=activity.version, values={
        **{f: getattr(activity, f) for f in ACTIVITY_FIELDS if f not in ("starts_on", "ends_on")},
        "starts_on": activity.starts_on.isoformat(), "ends_on": activity.ends_on.isoformat(),
        "active": activity.active}))


def _publish_event(deps: Deps, session: Session, activity: Activity) -> None:
    deps.events.record(session, "portfolio.activity.published.v1", {
        "activity_id": activity.id, "catalogue_version": activity.version, "category": activity.category,
        "level": activity.level, "base_points": activity.base_points, "active": activity.active})


def add_activity(deps: Deps, session: Session, caller: Caller | None, values: dict[str, Any], *,
                 petition_id: str | None = None) -> Activity:
    """The department adds an activity (directly or by including a petition)."""
    if caller is not None:
        require_department(caller)
    check_activity(values)
    version = _new_version(session, caller, f"добавлено: {values['title']}")
    activity = Activity(id=new_id(), **{f: values.get(f) for f in ACTIVITY_FIELDS}, active=True, version=version,
                        petition_id=petition_id)
    session.add(activity)
    session.flush()
    _revision(session, activity)
    _publish_event(deps, session, activity)
    return activity


def change_activity(deps: Deps, session: Session, caller: Caller, activity_id: str,
                    changes: dict[str, Any]) -> Activity:
    require_department(caller)
    activity = session.get(Activity, activity_id)
    if activity is None:
        raise NotFound("No such activity.")
    merged = {f: changes.get(f, getattr(activity, f)) for f in ACTIVITY_FIELDS}
    check_activity(merged)
    for name, value in merged.items():
        setattr(activity, name, value)
    if "active" in changes:
        activity.active = bool(changes["active"])
    activity.version = _new_version(session, caller, f"изменено: {activity.title}")
    _revision(session, activity)
    _publish_event(deps, session, activity)
    return activity


def list_activities(session: Session, filters: dict[str, Any]) -> dict[str, Any]:
    """A page of the catalogue by category, level or a word of the title (``filters`` also pages)."""
    category, level, search = filters.get("category"), filters.get("level"), filters.get("search")
    query = select(Activity)
    if not filters.get("include_withdrawn"):
        query = query.where(Activity.active.is_(True))
    if category:
        query = query.where(Activity.category == category)
    if level:
        query = query.where(Activity.level == level)
    if search:
        query = query.where(Activity.title.ilike(f"%{search}%", escape="\\") if "\\" not in search
                            else Activity.title.contains(search, autoescape=True))
    return paginate(session, query.order_by(Activity.category, Activity.title, Activity.id), filters)


def get_activity(session: Session, activity_id: str) -> Activity:
    activity = session.get(Activity, activity_id)
    if activity is None:
        raise NotFound("No such activity.")
    return activity


def revisions(session: Session, activity_id: str, query: dict[str, Any]) -> dict[str, Any]:
    get_activity(session, activity_id)
    return paginate(session, select(ActivityRevision).where(ActivityRevision.activity_id == activity_id)
                    .order_by(ActivityRevision.version), query)


# -- the coefficient table --------------------------------------------------------------------
def current_table(session: Session) -> CoefficientTable:
    table = session.scalar(select(CoefficientTable).order_by(CoefficientTable.version.desc()).limit(1))
    if table is None:  # the migration publishes version 1; a bare database still scores
        table = CoefficientTable(version=1, coefficients=DEFAULT_COEFFICIENTS, published_by=None,
                                 published_at=utcnow())
        session.add(table)
        session.flush()
    return table


def publish_table(deps: Deps, session: Session, caller: Caller, coefficients: Any) -> CoefficientTable:
    """A new version of the table; every pupil's points are recomputed by the jobs process
    (``kabinet_portfolio.jobs``), each change a ``portfolio.points.changed.v1``."""
    require_department(caller)
    clean = validate_table(coefficients)
    version = current_table(session).version + 1
    table = CoefficientTable(version=version, coefficients=clean, published_by=caller.account_id,
                             published_at=utcnow())
    session.add(table)
    session.flush()
    deps.events.record(session, "portfolio.coefficients.published.v1",
                       {"version": version, "published_at": table.published_at})
    return table


def list_tables(session: Session, query: dict[str, Any]) -> dict[str, Any]:
    current_table(session)
    return paginate(session, select(CoefficientTable).order_by(CoefficientTable.version.desc()), query)


# -- department settings ---------------------------------------------------------------------
def settings_of(session: Session) -> dict[str, str]:
    stored = {s.key: s.value for s in session.scalars(select(Setting))}
    return {**SETTINGS_DEFAULTS, **stored}


def grace_days(session: Session) -> int:
    return int(settings_of(session)["grace_days"])


def change_settings(session: Session, caller: Caller, changes: dict[str, Any]) -> dict[str, str]:
    require_department(caller)
    for key, value in changes.items():
        row = session.get(Setting, key)
        if row is None:
            session.add(Setting(key=key, value=str(value)))
        else:
            row.value = str(value)
    session.flush()
    return settings_of(session)
