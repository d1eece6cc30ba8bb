"""What the fault load writes on, found in the demo city through the gateway: teacher1's maths
journal of 5А (fresh lessons per scenario, so every cell is new), educator1's group «Солнышко»
(a fresh monitoring round whenever the cells of the last one run out) and three consent chains
(a guardian gives and revokes one purpose for one child, over and over)."""
from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

import requests

from kabinet_stack import DEMO_PASSWORD, Stack

TIMEOUT = 20  # longer than a proxy delay, shorter than a database outage


class Caller:
    """One demo login through the gateway; logs in again when its token is refused."""

    def __init__(self, stack: Stack, login: str):
        self.stack, self.login = stack, login
        self.session = requests.Session()
        self._token: str | None = None
        self._lock = threading.Lock()

    def _fresh_token(self) -> str:
        response = self.session.post(f"{self.stack.gateway}/api/identity/auth/token",
                                     json={"login": self.login, "password": DEMO_PASSWORD}, timeout=TIMEOUT)
        response.raise_for_status()
        return response.json()["access_token"]

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        with self._lock:
            if self._token is None:
                self._token = self._fresh_token()
            token = self._token
        headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
        response = self.session.request(method, f"{self.stack.gateway}{path}", headers=headers,
                                        timeout=kwargs.pop("timeout", TIMEOUT), **kwargs)
        if response.status_code == 401:
            with self._lock:
                self._token = None
        return response

    def ok(self, method: str, path: str, **kwargs) -> dict | list:
        """A set-up call that must succeed (no fault is injected while the city is prepared)."""
        response = self.call(method, path, **kwargs)
        assert response.status_code < 300, f"{method} {path}: {response.status_code} {response.text[:500]}"
        return response.json() if response.content else {}


@dataclass
class Chain:
    """One guardian's consent for one purpose of one child: given and revoked in turn."""
    guardian: str
    child_id: str
    purpose: str
    active: bool


@dataclass
class City:
    stack: Stack
    callers: dict[str, Caller] = field(default_factory=dict)
    load_id: str = ""
    pupils: list[str] = field(default_factory=list)
    lesson_dates: list[date] = field(default_factory=list)
    group_children: list[str] = field(default_factory=list)
    round_template: dict = field(default_factory=dict)
    rounds_opened: list[int] = field(default_factory=list)
    observation_cells: list[tuple[str, str, int]] = field(default_factory=list)  # child, round, indicator
    indicator_cards: dict[int, str] = field(default_factory=dict)  # the card whose version a save names
    chains: list[Chain] = field(default_factory=list)

    def caller(self, login: str) -> Caller:
        if login not in self.callers:
            self.callers[login] = Caller(self.stack, login)
        return self.callers[login]

    # -- discovery -------------------------------------------------------------------
    @classmethod
    def discover(cls, stack: Stack) -> City:
        city = cls(stack)
        teacher = city.caller("teacher1")
        loads = teacher.ok("GET", "/api/journal/loads?mine=true&limit=200")["items"]
        school = loads[0]["organisation_id"]
        subjects = {s["id"]: s["name"]
                    for s in teacher.ok("GET", f"/api/journal/subjects?organisation_id={school}&limit=200")["items"]}
        terms = teacher.ok("GET", f"/api/journal/terms?organisation_id={school}&limit=200")["items"]
        term = next(t for t in terms if t["closed_at"] is None)
        for load in loads:
            if subjects[load["subject_id"]] != "Математика":
                continue
            grid = teacher.ok("GET", f"/api/journal/loads/{load['id']}/grid?term_id={term['id']}")
            if any(p["last_name"] == "Петров" for p in grid["pupils"]):
                city.load_id, city.pupils = load["id"], [p["child_id"] for p in grid["pupils"]]
        assert city.load_id and len(city.pupils) >= 6, "5А's maths journal was not found"
        start, end = date.fromisoformat(term["starts_on"]), date.fromisoformat(term["ends_on"])
        # Weekdays of the open term that have passed, latest first (the seed fills the journal only up
        # to November; attendance is of lessons that took place); a day may have several lessons,
        # each scenario's are new ones.
        last = min(end, date.today() - timedelta(days=1))
        city.lesson_dates = [d for d in (last - timedelta(n) for n in range((last - start).days)) if d.weekday() < 5]

        educator = city.caller("educator1")
        me = educator.ok("GET", "/api/identity/me")
        group = next(r["group_id"] for r in me["roles"] if r["role"] == "educator")
        listing = educator.ok("GET", f"/api/preschool/groups/{group}/children")
        city.group_children = [c["child_id"] for c in listing["children"]]
        rounds = educator.ok("GET", "/api/preschool/rounds", params={"limit": 200})["items"]
        city.round_template = next(r for r in rounds if r["status"] == "open")
        city.rounds_opened = [r["number"] for r in rounds]

        overview = {login: city.caller(login).ok("GET", "/api/me/overview") for login in ("guardian1", "guardian2")}
        for guardian, first_name, purpose in (("guardian1", "Анна", "preschool_cabinet"),
                                              ("guardian1", "Иван", "portfolio"),
                                              ("guardian2", "Ольга", "portfolio")):
            child = next(c for c in overview[guardian]["children"] if c["first_name"] == first_name)
            held = city.caller(guardian).ok("GET", f"/api/identity/children/{child['child_id']}/consents")["items"]
            active = any(c["purpose"] == purpose and c["status"] == "active" for c in held)
            city.chains.append(Chain(guardian, child["child_id"], purpose, active))
        return city

    # -- fresh cells -----------------------------------------------------------------
    def new_lessons(self, count: int) -> list[str]:
        teacher, made = self.caller("teacher1"), []
        while len(made) < count:
            on = self.lesson_dates.pop(0)
            self.lesson_dates.append(on)
            response = teacher.call("POST", f"/api/journal/loads/{self.load_id}/lessons", json={"date": on.isoformat()},
                                    headers={"Idempotency-Key": f"chaos-lesson-{on}-{uuid.uuid4().hex[:6]}"})
            if response.status_code == 201:
                made.append(response.json()["id"])
            else:  # a holiday: never again
                assert response.status_code == 422, response.text
                self.lesson_dates.remove(on)
        return made

    def take_observation_cells(self, count: int) -> list[tuple[str, str, int]]:
        while len(self.observation_cells) < count:
            self._open_round()
        taken, self.observation_cells = self.observation_cells[:count], self.observation_cells[count:]
        return taken

    def _open_round(self) -> None:
        template = self.round_template
        number = next(n for n in range(1, 13) if n not in self.rounds_opened)
        self.rounds_opened.append(number)
        opened = self.caller("department").ok("POST", "/api/preschool/rounds", json={
            "organisation_id": template["organisation_id"], "academic_year_id": template["academic_year_id"],
            "number": number, "deadline": template["deadline"], "title": f"Проверка отказов {number}"})
        catalogue = self.caller("educator1").ok(
            "GET", f"/api/preschool/catalogue?age_band=senior&version={opened['catalogue_version']}")
        indicators = [i["id"] for card in catalogue["cards"] for i in card["indicators"]]
        self.indicator_cards.update({i["id"]: card["code"] for card in catalogue["cards"] for i in card["indicators"]})
        # Child by child across indicators, so that a scenario's cells spread over the group.
        self.observation_cells += [(child, opened["id"], indicator) for indicator in indicators
                                   for child in self.group_children]
