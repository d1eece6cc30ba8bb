"""The movement register of an institution (seed 004): its book by period, as the institution
reads each entry (enrolled, transferred in or out, moved between its groups, withdrawn, released),
and the same as a printable PDF in Russian."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from kabinet_kit.documents import tabular_pdf
from kabinet_kit.errors import InvalidInput
from kabinet_kit.paging import paginate

from .access import Caller
from .audit import audit, deny
from .deps import Deps
from .models import Group, Movement, Organisation, Person

REGISTER_KINDS = ("enrolled", "transferred_in", "transferred_out", "transferred_within", "withdrawn", "released")
KIND_TITLES = {"enrolled": "Зачислен", "transferred_in": "Прибыл", "transferred_out": "Выбыл (перевод)",
               "transferred_within": "Переведён", "withdrawn": "Выбыл",
               "released": "Отчислен в порядке перевода (приказ)"}
#: The register's table may run long; a printed book of more is asked for by a shorter period.
PDF_MAX_ROWS = 5000


def register_kind(entry: Movement, organisation_id: str) -> str:
    """How the institution's own book reads a movement."""
    if entry.kind == "release":
        return "released"
    if entry.kind == "enrol":
        return "enrolled"
    if entry.kind == "withdraw":
        return "withdrawn"
    if entry.organisation_id == entry.from_organisation_id:
        return "transferred_within"
    return "transferred_in" if entry.organisation_id == organisation_id else "transferred_out"


def _kind_clause(organisation_id: str, kind: str) -> ColumnElement[bool]:
    m = Movement
    here, came_from = m.organisation_id == organisation_id, m.from_organisation_id == organisation_id
    return {
        "enrolled": and_(m.kind == "enrol", here),
        "withdrawn": and_(m.kind == "withdraw", here),
        "released": and_(m.kind == "release", came_from),
        "transferred_within": and_(m.kind == "transfer", here, came_from),
        "transferred_in": and_(m.kind == "transfer", here, or_(m.from_organisation_id.is_(None),
                                                               m.from_organisation_id != organisation_id)),
        "transferred_out": and_(m.kind == "transfer", came_from, m.organisation_id != organisation_id),
    }[kind]


def _statement(organisation_id: str, date_from: date | None, date_to: date | None, kind: str | None) -> Any:
    to_group, from_group = aliased(Group), aliased(Group)
    where = [_kind_clause(organisation_id, kind)] if kind else [
        or_(*(_kind_clause(organisation_id, k) for k in REGISTER_KINDS))]
    if date_from:
        where.append(Movement.effective_on >= date_from)
    if date_to:
        where.append(Movement.effective_on <= date_to)
    return (select(Movement, Person, to_group.name, from_group.name)
            .join(Person, Person.id == Movement.child_id)
            .outerjoin(to_group, to_group.id == Movement.group_id)
            .outerjoin(from_group, from_group.id == Movement.from_group_id)
            .where(*where)
            .order_by(Movement.effective_on, Movement.recorded_at, Movement.id))


def _check(deps: Deps, caller: Caller, organisation_id: str, date_from: date | None, date_to: date | None) -> None:
    if not (caller.is_department or caller.administers(organisation_id)):
        deny(deps, caller, "read_movement_register", f"movements?organisation_id={organisation_id}",
             organisation_id=organisation_id, not_found=False)
    if date_from and date_to and date_from > date_to:
        raise InvalidInput("The period is wrong.", errors={"from": ["The period starts after it ends."]})


def _entry(organisation_id: str, row: Any) -> dict[str, Any]:
    movement, person, group_name, from_group_name = row
    kind = register_kind(movement, organisation_id)
    other = {"transferred_in": movement.from_organisation_id, "transferred_out": movement.organisation_id,
             "released": movement.organisation_id}.get(kind)
    return {"movement_id": movement.id, "kind": kind, "child_id": person.id, "last_name": person.last_name,
            "first_name": person.first_name, "middle_name": person.middle_name, "birth_date": person.birth_date,
            "group_id": movement.group_id, "group_name": group_name, "from_group_id": movement.from_group_id,
            "from_group_name": from_group_name, "other_organisation_id": other,
            "order_number": movement.order_number, "order_date": movement.order_date,
            "effective_on": movement.effective_on}


def _audit_reads(session: Session, caller: Caller, organisation_id: str, entries: list[dict[str, Any]],
                 request_id: str | None) -> None:
    for child_id in dict.fromkeys(e["child_id"] for e in entries):
        audit(session, caller, "read_person", f"movements?organisation_id={organisation_id}", person_id=child_id,
              organisation_id=organisation_id, request_id=request_id)


def movement_register(deps: Deps, session: Session, caller: Caller, query: dict[str, Any],
                      request_id: str | None) -> dict[str, Any]:
    organisation_id = query["organisation_id"]
    _check(deps, caller, organisation_id, query["date_from"], query["date_to"])
    found = paginate(session, _statement(organisation_id, query["date_from"], query["date_to"], query["kind"]),
                     query, scalars=False)
    found["items"] = [_entry(organisation_id, row) for row in found["items"]]
    _audit_reads(session, caller, organisation_id, found["items"], request_id)
    return found


def _ru(day: date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


def register_pdf(deps: Deps, session: Session, caller: Caller, query: dict[str, Any],
                 request_id: str | None) -> bytes:
    organisation_id = query["organisation_id"]
    date_from, date_to = query["date_from"], query["date_to"]
    _check(deps, caller, organisation_id, date_from, date_to)
    rows = session.execute(_statement(organisation_id, date_from, date_to, None).limit(PDF_MAX_ROWS + 1)).all()
    if len(rows) > PDF_MAX_ROWS:
        raise InvalidInput("Too many entries for one book: choose a shorter period.",
                           errors={"from": [f"At most {PDF_MAX_ROWS} entries in one document."]})
    entries = [_entry(organisation_id, row) for row in rows]
    _audit_reads(session, caller, organisation_id, entries, request_id)
    organisation = session.get(Organisation, organisation_id)
    names: dict[str, str] = {o: n for o, n in session.execute(select(Organisation.id, Organisation.short_name))}
    period = f"с {_ru(date_from)} " if date_from else ""
    period += f"по {_ru(date_to)}" if date_to else ("" if date_from else "за всё время")
    table = [[str(n), _ru(e["effective_on"]), f"№ {e['order_number']} от {_ru(e['order_date'])}",
              " ".join(p for p in (e["last_name"], e["first_name"], e["middle_name"]) if p),
              _ru(e["birth_date"]), _movement_text(e, names)] for n, e in enumerate(entries, start=1)]
    return tabular_pdf(
        title="Книга движения обучающихся",
        lines=[organisation.name if organisation else "", f"Период: {period}", f"Записей: {len(entries)}"],
        header=["№", "Дата", "Приказ", "Фамилия, имя, отчество", "Дата рождения", "Движение"],
        rows=table, widths_cm=[1.0, 2.2, 4.0, 7.0, 2.6, 10.0], landscape=True)


def _movement_text(entry: dict[str, Any], names: dict[str, str]) -> str:
    title = KIND_TITLES[entry["kind"]]
    other = names.get(entry["other_organisation_id"] or "", "")
    group, came_from = entry["group_name"] or "", entry["from_group_name"] or ""
    if entry["kind"] == "enrolled":
        return f"{title} в {group}"
    if entry["kind"] == "transferred_within":
        return f"{title} из {came_from} в {group}"
    if entry["kind"] == "transferred_in":
        return f"{title} из {other} в {group}".replace("из  в", "в")
    if entry["kind"] in ("transferred_out", "released"):
        return f"{title}: {came_from} → {other}"
    return f"{title} из {came_from}" if came_from else title
