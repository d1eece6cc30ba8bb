"""The demo city as the matrix needs it, read through the gateway by the roles that may read it:
every demo login's account and grants, and the ids of organisations, groups, children, guardians,
accounts, role assignments, teaching loads, lessons, marks, terms, subjects, fee exemptions,
monitoring rounds, with where each one belongs (institution, group, teacher)."""
from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field

import requests

from kabinet_identity.seed import DEMO_LOGINS, DEMO_PASSWORD


@dataclass(frozen=True)
class Obj:
    """One object of the city and what decides who reaches it."""
    kind: str
    id: str
    org: str | None = None
    group: str | None = None
    teacher: str | None = None          # loads, lessons, marks: the load's teacher account
    account: str | None = None          # accounts and role assignments: the account
    orgs: frozenset[str] = frozenset()  # accounts and assignments: every institution the account belongs to
    person: str | None = None           # portfolio objects: the pupil they belong to
    state: str = ""                     # petitions: who sees one depends on its state
    label: str = ""


@dataclass
class Login:
    login: str
    access_token: str
    refresh_token: str
    account_id: str
    person_id: str
    person_kind: str
    roles: list[dict]
    children: list[dict]


class Clients:
    """A keep-alive ``requests.Session`` per login and thread, with that login's token."""

    def __init__(self, base: str, logins: dict[str, Login]):
        self.base = base
        self.logins = logins
        self._local = threading.local()

    def session(self, login: str | None) -> requests.Session:
        sessions = self._local.__dict__.setdefault("sessions", {})
        if login not in sessions:
            s = requests.Session()
            if login is not None:
                s.headers["Authorization"] = f"Bearer {self.logins[login].access_token}"
            sessions[login] = s
        return sessions[login]

    def call(self, login: str | None, method: str, path: str, **kwargs) -> requests.Response:
        return self.session(login).request(method, self.base + path, timeout=20, allow_redirects=False, **kwargs)

    def read(self, login: str, path: str, **params) -> object:
        response = self.call(login, "GET", path, params=params or None)
        assert response.status_code == 200, f"{login} GET {path} {params}: {response.status_code} {response.text[:300]}"
        return response.json()


@dataclass
class World:
    clients: Clients
    logins: dict[str, Login]
    objects: dict[str, list[Obj]] = field(default_factory=lambda: defaultdict(list))
    shared: dict[str, str] = field(default_factory=dict)   # kinds every caller may name (year, purpose, …)
    admins: dict[str, str] = field(default_factory=dict)   # organisation → its administrator's login
    org_kinds: dict[str, str] = field(default_factory=dict)

    def add(self, obj: Obj) -> None:
        if all(o.id != obj.id for o in self.objects[obj.kind]):
            self.objects[obj.kind].append(obj)


def log_in(base: str, login: str) -> Login:
    tokens = requests.post(f"{base}/api/identity/auth/token", json={"login": login, "password": DEMO_PASSWORD},
                           timeout=20)
    assert tokens.status_code == 200, f"demo login {login} refused: {tokens.status_code} {tokens.text[:200]}"
    body = tokens.json()
    me = requests.get(f"{base}/api/identity/me", headers={"Authorization": f"Bearer {body['access_token']}"},
                      timeout=20)
    assert me.status_code == 200, me.text
    m = me.json()
    return Login(login, body["access_token"], body["refresh_token"], m["account_id"], m["person_id"], m["kind"],
                 [r for r in m["roles"] if r.get("revoked_at") is None], m["children"])


def read_world(base: str) -> World:
    logins = {login: log_in(base, login) for login, _ in DEMO_LOGINS}
    world = World(Clients(base, logins), logins)
    department = next(name for name, lg in logins.items() if any(r["role"] == "department_officer" for r in lg.roles))
    for name, lg in logins.items():
        for role in lg.roles:
            if role["role"] == "institution_admin" and role["organisation_id"]:
                world.admins.setdefault(role["organisation_id"], name)
    _identity(world, department)
    _journal(world)
    _preschool(world)
    _portfolio(world, department)
    return world


def _pages(world: World, login: str, path: str) -> list[dict]:
    items: list[dict] = []
    while True:
        page = world.clients.read(login, path, limit=50, offset=len(items))
        items += page["items"]
        if not page["items"] or len(items) >= page["total"]:
            return items


def _identity(world: World, department: str) -> None:
    read = world.clients.read
    orgs = {o["organisation_id"]: o for o in _pages(world, department, "/api/identity/organisations")}
    for org_id, org in orgs.items():
        world.org_kinds[org_id] = org["kind"]
        world.add(Obj("organisation", org_id, org=org_id, label=org["short_name"]))
    world.shared["year"] = read(department, "/api/identity/academic-years")["items"][0]["academic_year_id"]
    child_orgs: dict[str, tuple[str, str]] = {}
    for g in _pages(world, department, "/api/identity/groups"):
        org = g["organisation_id"]
        label = f"{orgs[org]['short_name']} {g['name']}"
        world.add(Obj("group", g["group_id"], org=org, group=g["group_id"], label=label))
        assert org in world.admins, f"no demo administrator for {orgs[org]['short_name']}: the matrix cannot read it"
        for member in _pages(world, world.admins[org], f"/api/identity/groups/{g['group_id']}/members"):
            if member["kind"] == "child":
                child_orgs[member["person_id"]] = (org, g["group_id"])
                label = f"child of {orgs[org]['short_name']} {g['name']}"
                world.add(Obj("child", member["person_id"], org=org, group=g["group_id"], label=label))
                world.add(Obj("person", member["person_id"], org=org, group=g["group_id"], label=label))
    for child in list(world.objects["child"]):
        for consent in _pages(world, world.admins[child.org], f"/api/identity/children/{child.id}/consents"):
            world.shared.setdefault("purpose", consent["purpose"])
            guardian = consent["given_by_person_id"]
            label = f"guardian registered by {orgs[child.org]['short_name']}"
            world.add(Obj("guardian", guardian, org=child.org, group=child.group, label=label))
            world.add(Obj("person", guardian, org=child.org, group=child.group, label=label))
    for name, lg in world.logins.items():
        owned = {r["organisation_id"] for r in lg.roles if r["organisation_id"]}
        owned |= {child_orgs[c["child_id"]][0] for c in lg.children if c["child_id"] in child_orgs}
        acc = Obj("account", lg.account_id, account=lg.account_id, orgs=frozenset(owned), label=f"account of {name}")
        world.add(acc)
        if lg.person_kind == "staff":
            world.add(Obj("person", lg.person_id, org=next(iter(sorted(owned)), None), label=f"person of {name}"))
        for role in lg.roles:
            world.add(Obj("assignment", role["assignment_id"], account=lg.account_id, orgs=acc.orgs,
                          label=f"{role['role']} of {name}"))


def _journal(world: World) -> None:
    read = world.clients.read
    for org, admin in sorted(world.admins.items()):
        terms = _pages(world, admin, f"/api/journal/terms?organisation_id={org}")
        for t in terms:
            world.add(Obj("term", t["id"], org=org, label=f"term {t['number']}"))
        for s in _pages(world, admin, f"/api/journal/subjects?organisation_id={org}"):
            world.add(Obj("subject", s["id"], org=org, label=s["name"]))
        # The open term the demo journal is filled in: writes into it are not refused for being late.
        open_terms = [t for t in sorted(terms, key=lambda t: t["number"]) if not t.get("closed_at")]
        for load in _pages(world, admin, "/api/journal/loads"):
            assert load["organisation_id"] == org, load
            teacher = load["teacher_account_id"]
            world.add(Obj("load", load["id"], org=org, group=load["group_id"], teacher=teacher, label="load"))
            if not open_terms:
                continue
            grid = read(admin, f"/api/journal/loads/{load['id']}/grid", term_id=open_terms[0]["id"])
            for lesson in grid["lessons"][:2]:
                world.add(Obj("lesson", lesson["id"], org=org, group=load["group_id"], teacher=teacher, label="lesson"))
            marks = [m for p in grid["pupils"] for m in p["marks"]]
            for mark in marks[:2]:
                world.add(Obj("mark", mark["id"], org=org, group=load["group_id"], teacher=teacher, label="mark"))
    # Parent fees are a kindergarten's.
    for org in sorted(o for o, kind in world.org_kinds.items() if kind == "kindergarten" and o in world.admins):
        exemptions = _pages(world, world.admins[org], f"/api/journal/fee-exemptions?organisation_id={org}")
        for e in exemptions or [_exempt_one(world, org)]:
            world.add(Obj("exemption", e["id"], org=org, label="fee exemption"))


def _exempt_one(world: World, org: str) -> dict:
    """The demo city has no fee exemption: its administrator grants one, so that withdrawing it is
    in the matrix (made before the matrix's first snapshot)."""
    child = next(c for c in world.objects["child"] if c.org == org)
    response = world.clients.call(world.admins[org], "POST", "/api/journal/fee-exemptions", json={
        "organisation_id": org, "child_id": child.id, "kind": "large_family", "basis": "Справка № 1 (матрица)",
        "starts_on": "2026-09-01"})
    assert response.status_code in (200, 201), response.text
    return response.json()


def _preschool(world: World) -> None:
    read = world.clients.read
    for org in sorted(o for o, kind in world.org_kinds.items() if kind == "kindergarten"):
        admin = world.admins[org]
        for r in read(admin, "/api/preschool/rounds", organisation_id=org, limit=200)["items"]:
            world.add(Obj("round", r["id"], org=org, label=f"monitoring round {r['number']}"))
        catalogue = read(admin, "/api/preschool/catalogue")
        card = catalogue["cards"][0]
        world.shared.setdefault("card", card["code"])
        world.shared.setdefault("indicator", str(card["indicators"][0]["id"]))
        versions = read(admin, "/api/preschool/catalogue/versions", limit=200)["items"]
        for child in (c for c in world.objects["child"] if c.org == org):
            for r in read(admin, f"/api/preschool/children/{child.id}/recommendations", limit=200)["items"]:
                world.add(Obj("recommendation", str(r["id"]), org=org, group=child.group, person=child.id,
                              label=f"recommendation to {child.label}"))
        world.shared.setdefault("catalogue_version", str(max(v["number"] for v in versions)))


def _portfolio(world: World, department: str) -> None:
    """Ivan Petrov's portfolio (the portfolio's demo seed) read as pupil1; a petition and a dispute
    made through the API when the city has none (before the matrix's first snapshot)."""
    read, call = world.clients.read, world.clients.call
    for child in world.objects["child"]:
        world.add(Obj("pupil", child.id, org=child.org, group=child.group, person=child.id, label=child.label))
    world.shared.setdefault("activity", read(department, "/api/portfolio/activities")["items"][0]["id"])
    pupil = world.logins["pupil1"]
    me = next(c for c in world.objects["pupil"] if c.id == pupil.person_id)
    where = {"org": me.org, "group": me.group, "person": me.id}
    achievements = read("pupil1", f"/api/portfolio/pupils/{me.id}/achievements")["items"]
    for a in achievements:
        world.add(Obj("achievement", a["id"], **where, label=f"{a['state']} achievement of pupil1"))
    for entries in read("pupil1", f"/api/portfolio/pupils/{me.id}/profi")["sections"].values():
        for e in entries:
            world.add(Obj("profi", e["id"], **where, label="Profi entry of pupil1"))
    disputes = read("pupil1", "/api/portfolio/disputes", pupil_id=me.id)["items"]
    if not disputes:
        approved = next(a for a in achievements if a["state"] == "approved")
        made = call("pupil1", "POST", f"/api/portfolio/achievements/{approved['id']}/disputes",
                    json={"subject": "categorisation", "text": "Спор матрицы безопасности"})
        assert made.status_code == 201, made.text
        disputes = [made.json()]
    for d in disputes:
        world.add(Obj("dispute", d["id"], **where, label="dispute of pupil1"))
    petitions = read("pupil1", "/api/portfolio/petitions")["items"]
    if not petitions:
        made = call("pupil1", "POST", "/api/portfolio/petitions", json=_proposal("заявка ученика"))
        assert made.status_code == 201, made.text
        petitions = [made.json()]
    for p in petitions:
        world.add(Obj("petition", p["id"], org=p["organisation_id"], person=p["requested_by_pupil"], state=p["state"],
                      label=f"{p['state']} petition of pupil1"))
    # A petition of another school, sent to the department.
    for org, admin in sorted(world.admins.items()):
        if org == me.org or world.org_kinds.get(org) != world.org_kinds.get(me.org):
            continue
        listed = read(admin, "/api/portfolio/petitions")["items"]
        if not listed:
            made = call(admin, "POST", "/api/portfolio/petitions", json={**_proposal("ходатайство школы"),
                                                                          "organisation_id": org})
            assert made.status_code == 201, made.text
            listed = [made.json()]
        for p in listed:
            world.add(Obj("petition", p["id"], org=p["organisation_id"], person=p["requested_by_pupil"],
                          state=p["state"], label=f"{p['state']} petition of {admin}"))


def _proposal(what: str) -> dict:
    return {"title": f"Конкурс матрицы безопасности ({what})", "organiser": "Матрица", "starts_on": "2026-01-01",
            "ends_on": "2026-12-31", "level": "municipal", "category": "social"}
