"""Kindergartens and supplementary associations (JRN-08, JRN-09): attendance of the group per
day and the monthly parent fee computed from it.

The fee rule (JRN-09; the figures are the institution's order, this is the rule the journal
applies):
- a day is charged when the child attended it, or was absent without a valid reason; days
  absent through illness or for a valid reason (leave, quarantine, …) are not charged;
- the day's rate is the group's own rate in force that day, else the institution's;
- an exemption in force that day lowers the day's fee by its percent — 100 (full: disabled
  children, orphans and children without parental care, tuberculosis intoxication) or partial
  (large families: 50 by default; "other" with the percent of the order); when several apply,
  the largest counts, they do not add up;
- the month's fee is the sum, rounded half up to the kopeck once at the end; when a charged
  day has no rate in force the fee cannot be computed and is reported as missing.
"""
from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import delete, insert, or_, select
from sqlalchemy.orm import Session

from kabinet_kit.errors import InvalidInput, NotFound, PermissionDenied
from kabinet_kit.events import utcnow
from kabinet_kit.paging import paginate

from .deps import Deps, local_today
from .models import DayAttendance, FeeExemption, FeeRate, Group, Holiday, Membership, PersonName, TeachingLoad
from .yearend import require_open_year

DAY_STATUSES = ("present", "absent_ill", "absent_valid", "absent_unexcused")
CHARGED = ("present", "absent_unexcused")
DAY_GROUP_KINDS = ("kindergarten_group", "association")
# Default percent of each kind of exemption; "other" takes the percent of the order.
EXEMPTION_KINDS = {"disability": 100, "orphan": 100, "tuberculosis": 100, "large_family": 50, "other": None}
KOPECK = Decimal("0.01")


# -- the rule (pure) ------------------------------------------------------------------------
@dataclass(frozen=True)
class Rate:
    starts_on: date
    daily_rate: Decimal
    group_specific: bool


@dataclass(frozen=True)
class Exemption:
    starts_on: date
    ends_on: date | None
    percent: int
    kind: str

    def covers(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


@dataclass
class MonthFee:
    days: dict[str, int] = field(default_factory=lambda: {s: 0 for s in DAY_STATUSES})
    charged_days: int = 0
    days_without_rate: list[date] = field(default_factory=list)
    full_amount: Decimal | None = Decimal(0)
    amount: Decimal | None = Decimal(0)
    exemption_percent: int = 0
    exemption_kind: str | None = None


def rate_on(day: date, rates: list[Rate]) -> Decimal | None:
    for specific in (True, False):
        in_force = [r for r in rates if r.group_specific == specific and r.starts_on <= day]
        if in_force:
            return max(in_force, key=lambda r: r.starts_on).daily_rate
    return None


def exemption_on(day: date, exemptions: list[Exemption]) -> Exemption | None:
    covering = [e for e in exemptions if e.covers(day)]
    return max(covering, key=lambda e: e.percent) if covering else None


def month_fee(days: dict[date, str], rates: list[Rate], exemptions: list[Exemption]) -> MonthFee:
    fee = MonthFee()
    full = amount = Decimal(0)
    for day in sorted(days):
        status = days[day]
        fee.days[status] = fee.days.get(status, 0) + 1
        if status not in CHARGED:
            continue
        fee.charged_days += 1
        rate = rate_on(day, rates)
        if rate is None:
            fee.days_without_rate.append(day)
            continue
        exemption = exemption_on(day, exemptions)
        percent = exemption.percent if exemption else 0
        if exemption and percent > fee.exemption_percent:
            fee.exemption_percent, fee.exemption_kind = percent, exemption.kind
        full += rate
        amount += rate * (100 - percent) / 100
    if fee.days_without_rate:
        fee.full_amount = fee.amount = None
    else:
        fee.full_amount = full.quantize(KOPECK, rounding=ROUND_HALF_UP)
        fee.amount = amount.quantize(KOPECK, rounding=ROUND_HALF_UP)
    return fee


def parse_month(text: str) -> tuple[date, date]:
    try:
        year, month = (int(p) for p in text.split("-"))
        first = date(year, month, 1)
    except (ValueError, TypeError):
        raise InvalidInput("The month is YYYY-MM.", errors={"month": ["The month is YYYY-MM, e.g. 2026-09."]}) from None
    return first, date(year, month, calendar.monthrange(year, month)[1])


# -- access ---------------------------------------------------------------------------------
# A group, child or exemption the caller may not see is answered like a missing one (the same
# 404), so ids cannot be probed for existence; 403 only for what the caller sees but may not do.


def keeps_group(session: Session, caller, group: Group) -> bool:
    """The group's educator (or tutor), a teacher of the association, the administrator."""
    if caller.administers(group.organisation_id):
        return True
    if any(g.role in ("educator", "tutor") and g.group_id == group.id for g in caller.grants):
        return True
    return caller.teaches_in(group.organisation_id) and session.scalar(select(TeachingLoad.id).where(
        TeachingLoad.group_id == group.id, TeachingLoad.teacher_account_id == caller.account_id)) is not None


def _readable_group(session: Session, caller, group_id: str) -> Group:
    group = session.get(Group, group_id)
    if group is None or not (keeps_group(session, caller, group) or caller.manages(group.organisation_id)):
        raise NotFound("No such group.")
    return group


def _day_group(group: Group) -> None:
    if group.kind not in DAY_GROUP_KINDS:
        raise InvalidInput("Day attendance is kept for kindergarten groups and associations.",
                           errors={"group_id": ["A school class keeps attendance per lesson."]})


# -- day attendance -------------------------------------------------------------------------
def save_day_attendance(deps: Deps, session: Session, caller, group_id: str, body: dict,
                        precondition: Callable[[], object] | None = None) -> list[dict]:
    """One day of the group, all entries valid or nothing written. ``precondition``: checked once
    the caller may mark the group's days (the month sheet's If-Match)."""
    group = _readable_group(session, caller, group_id)
    if not keeps_group(session, caller, group):
        raise PermissionDenied("Only the group's educator or teacher, or the administrator, marks its days.")
    _day_group(group)
    if precondition is not None:
        precondition()
    require_open_year(session, group.organisation_id, group.academic_year_id)
    on = body["date"]
    errors: dict = {}
    if on > local_today(deps):
        errors["date"] = ["A day that has not come yet cannot be marked."]
    holiday = session.scalar(select(Holiday).where(Holiday.organisation_id == group.organisation_id,
                                                   Holiday.starts_on <= on, Holiday.ends_on >= on))
    if holiday is not None:
        errors.setdefault("date", []).append(f"Holiday: {holiday.name}.")
    members = set(session.scalars(select(Membership.child_id).where(
        Membership.group_id == group.id, Membership.starts_on <= on,
        or_(Membership.ends_on.is_(None), Membership.ends_on >= on))))
    seen = set()
    rows = []
    now = utcnow()
    for i, entry in enumerate(body["entries"]):
        child_id = str(entry["child_id"])
        if child_id not in members:
            errors.setdefault("entries", {}).setdefault(str(i), {})["child_id"] = [
                f"The child was not in the group on {on.isoformat()}."]
        elif child_id in seen:
            errors.setdefault("entries", {}).setdefault(str(i), {})["child_id"] = ["The child is listed twice."]
        seen.add(child_id)
        reason = (entry.get("reason") or "").strip() or None
        rows.append({"group_id": group.id, "date": on, "child_id": child_id, "organisation_id": group.organisation_id,
                     "status": entry["status"], "reason": None if entry["status"] == "present" else reason,
                     "author_account_id": caller.account_id, "recorded_at": now})
    if errors:
        raise InvalidInput("Nothing was saved; see errors.", errors=errors)
    session.execute(delete(DayAttendance).where(DayAttendance.group_id == group.id, DayAttendance.date == on,
                                                DayAttendance.child_id.in_(seen)))
    session.execute(insert(DayAttendance), rows)
    return [{k: r[k] for k in ("child_id", "date", "status", "reason", "author_account_id")} for r in rows]


def _names(session: Session, ids) -> dict:
    ids = list(ids)
    if not ids:
        return {}
    return {r.person_id: r for r in session.execute(select(PersonName.person_id, PersonName.last_name,
                                                           PersonName.first_name)
                                                    .where(PersonName.person_id.in_(ids)))}


def _members_during(session: Session, group_id: str, first: date, last: date) -> dict[str, list[tuple]]:
    stays = defaultdict(list)
    for child_id, start, end in session.execute(select(Membership.child_id, Membership.starts_on, Membership.ends_on)
                                                .where(Membership.group_id == group_id, Membership.starts_on <= last,
                                                       or_(Membership.ends_on.is_(None), Membership.ends_on >= first))):
        stays[child_id].append((start, end))
    return stays


def day_attendance_month(session: Session, caller, group_id: str, month: str) -> dict:
    group = _readable_group(session, caller, group_id)
    _day_group(group)
    first, last = parse_month(month)
    stays = _members_during(session, group.id, first, last)
    marks: defaultdict[str, dict[str, dict[str, str | None]]] = defaultdict(dict)
    for row in session.execute(select(DayAttendance.child_id, DayAttendance.date, DayAttendance.status,
                                      DayAttendance.reason).where(DayAttendance.group_id == group.id,
                                                                  DayAttendance.date.between(first, last))):
        marks[row.child_id][row.date.isoformat()] = {"status": row.status, "reason": row.reason}
    names = _names(session, stays)
    children = [{"child_id": c, "last_name": names[c].last_name if c in names else None,
                 "first_name": names[c].first_name if c in names else None, "days": marks.get(c, {})}
                for c in stays]
    children.sort(key=lambda c: (c["last_name"] is None, c["last_name"] or "", c["first_name"] or "", c["child_id"]))
    return {"group_id": group.id, "month": month, "children": children}


# -- rates and exemptions -------------------------------------------------------------------
def set_fee_rate(session: Session, caller, body: dict) -> FeeRate:
    org = str(body["organisation_id"])
    if not caller.administers(org):
        raise PermissionDenied("Only the institution's administrator sets the parent fee.")
    group_id = str(body["group_id"]) if body.get("group_id") else None
    if group_id:
        group = session.get(Group, group_id)
        if group is None or group.organisation_id != org:
            raise InvalidInput("Unknown group.", errors={"group_id": ["Not a group of this institution."]})
        _day_group(group)
    same_group = FeeRate.group_id == group_id if group_id else FeeRate.group_id.is_(None)
    rate = session.scalar(select(FeeRate).where(FeeRate.organisation_id == org, FeeRate.starts_on == body["starts_on"],
                                                same_group))
    if rate is None:
        rate = FeeRate(organisation_id=org, group_id=group_id, starts_on=body["starts_on"],
                       daily_rate=body["daily_rate"], created_by=caller.account_id, created_at=utcnow())
        session.add(rate)
    else:
        rate.daily_rate, rate.created_by, rate.created_at = body["daily_rate"], caller.account_id, utcnow()
    session.flush()
    return rate


def list_fee_rates(session: Session, caller, query: dict[str, Any]) -> dict[str, Any]:
    organisation_id = str(query["organisation_id"])
    if not (caller.works_in(organisation_id) or caller.is_department):
        raise PermissionDenied("This institution's fees are not yours to see.")
    statement = select(FeeRate).where(FeeRate.organisation_id == organisation_id)
    if query.get("group_id"):
        statement = statement.where(FeeRate.group_id == str(query["group_id"]))
    return paginate(session, statement.order_by(FeeRate.group_id, FeeRate.starts_on, FeeRate.id), query)


def add_exemption(session: Session, caller, body: dict) -> FeeExemption:
    org = str(body["organisation_id"])
    if not caller.administers(org):
        raise PermissionDenied("Only the institution's administrator grants exemptions from the fee.")
    child_id = str(body["child_id"])
    errors = {}
    if session.scalar(select(Membership.id).where(Membership.child_id == child_id,
                                                  Membership.organisation_id == org).limit(1)) is None:
        errors["child_id"] = ["Not a child of this institution."]
    percent = body.get("percent") or EXEMPTION_KINDS[body["kind"]]
    if percent is None:
        errors["percent"] = ["The percent of the order is required for this kind of exemption."]
    if body.get("ends_on") and body["ends_on"] < body["starts_on"]:
        errors["ends_on"] = ["Ends before it starts."]
    if errors:
        raise InvalidInput("The exemption was not saved; see errors.", errors=errors)
    exemption = FeeExemption(organisation_id=org, child_id=child_id, kind=body["kind"], percent=percent,
                             starts_on=body["starts_on"], ends_on=body.get("ends_on"), basis=body["basis"].strip(),
                             created_by=caller.account_id, created_at=utcnow())
    session.add(exemption)
    session.flush()
    return exemption


def list_exemptions(session: Session, caller, query: dict[str, Any]) -> dict[str, Any]:
    organisation_id = str(query["organisation_id"])
    if not caller.administers(organisation_id):
        raise PermissionDenied("Exemptions are the administrator's to see.")
    statement = select(FeeExemption).where(FeeExemption.organisation_id == organisation_id)
    if query.get("child_id"):
        statement = statement.where(FeeExemption.child_id == str(query["child_id"]))
    return paginate(session, statement.order_by(FeeExemption.starts_on, FeeExemption.id), query)


def delete_exemption(session: Session, caller, exemption_id: str) -> None:
    exemption = session.get(FeeExemption, exemption_id)
    # Exemptions are the administrator's alone to see (list_exemptions).
    if exemption is None or not caller.administers(exemption.organisation_id):
        raise NotFound("No such exemption.")
    session.delete(exemption)


# -- the fee ----------------------------------------------------------------------------------
def _fees(session: Session, groups: list[Group], child_filter: str | None, first: date, last: date,
          with_names: bool) -> list[dict]:
    out = []
    for group in groups:
        stays = _members_during(session, group.id, first, last)
        children = [c for c in stays if child_filter in (None, c)]
        if not children:
            continue
        days: defaultdict[str, dict[date, str]] = defaultdict(dict)
        for row in session.execute(select(DayAttendance.child_id, DayAttendance.date, DayAttendance.status).where(
                DayAttendance.group_id == group.id, DayAttendance.date.between(first, last),
                DayAttendance.child_id.in_(children))):
            days[row.child_id][row.date] = row.status
        rates = [Rate(r.starts_on, r.daily_rate, r.group_id is not None) for r in session.scalars(
            select(FeeRate).where(FeeRate.organisation_id == group.organisation_id, FeeRate.starts_on <= last,
                                  or_(FeeRate.group_id.is_(None), FeeRate.group_id == group.id)))]
        exemptions = defaultdict(list)
        for e in session.scalars(select(FeeExemption).where(
                FeeExemption.organisation_id == group.organisation_id, FeeExemption.child_id.in_(children),
                FeeExemption.starts_on <= last, or_(FeeExemption.ends_on.is_(None), FeeExemption.ends_on >= first))):
            exemptions[e.child_id].append(Exemption(e.starts_on, e.ends_on, e.percent, e.kind))
        names = _names(session, children) if with_names else {}
        for child_id in children:
            fee = month_fee(days.get(child_id, {}), rates, exemptions.get(child_id, []))
            name = names.get(child_id)
            out.append({"child_id": child_id, "group_id": group.id, "group": group.name,
                        "last_name": name.last_name if name else None, "first_name": name.first_name if name else None,
                        "days_present": fee.days["present"], "days_absent_ill": fee.days["absent_ill"],
                        "days_absent_valid": fee.days["absent_valid"],
                        "days_absent_unexcused": fee.days["absent_unexcused"], "charged_days": fee.charged_days,
                        "days_without_rate": len(fee.days_without_rate),
                        "full_amount": None if fee.full_amount is None else str(fee.full_amount),
                        "exemption_percent": fee.exemption_percent, "exemption_kind": fee.exemption_kind,
                        "amount": None if fee.amount is None else str(fee.amount)})
    out.sort(key=lambda r: (r["group"], r["last_name"] is None, r["last_name"] or "", r["first_name"] or "",
                            r["child_id"]))
    return out


def group_fees(session: Session, caller, group_id: str, month: str) -> dict:
    group = _readable_group(session, caller, group_id)
    _day_group(group)
    first, last = parse_month(month)
    return {"month": month, "group_id": group.id, "children": _fees(session, [group], None, first, last, True)}


def child_fees(session: Session, caller, child_id: str, month: str) -> dict:
    """A child's fee for the month in each of its groups: the guardian sees their own child's;
    the group's staff and the administration see it too; anyone else is refused."""
    first, last = parse_month(month)
    group_ids = set(session.scalars(select(Membership.group_id).where(
        Membership.child_id == child_id, Membership.starts_on <= last,
        or_(Membership.ends_on.is_(None), Membership.ends_on >= first))))
    groups = [g for g in session.scalars(select(Group).where(Group.id.in_(group_ids))) if g.kind in DAY_GROUP_KINDS] \
        if group_ids else []
    own = caller.person_kind == "guardian" and child_id in caller.children
    if not own:
        staff_groups = [g for g in groups if keeps_group(session, caller, g) or caller.manages(g.organisation_id)]
        if not groups or len(staff_groups) != len(groups):
            raise NotFound("No such child in your groups.")
    return {"month": month, "child_id": child_id, "groups": _fees(session, groups, child_id, first, last, not own)}
