"""Preschool benchmark: a city of 150 kindergartens × 8 groups × 25 children with two rounds of
full cards (about 1.26 million observations), generated straight into a PostgreSQL database
built by the service's migrations, then timed through the Flask app (test client):

* city-level statistics for one round (goal ≤ 300 ms), and with the change against round 1;
* one child's full card — the cabinet (goal ≤ 30 ms p95);
* saving a whole card for a child (goal ≤ 50 ms);
* kindergarten completeness for the city and one analytical report (for information).

Run: .venv/bin/python tests/perf/preschool_city.py   (PERF_PG=postgresql://postgres@127.0.0.1:5432)
"""
from __future__ import annotations

import os
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, date, datetime

from sqlalchemy import create_engine, text

from kabinet_kit.migrations import upgrade
from kabinet_kit.service import app_deps
from kabinet_kit.testing.client import signed_client
from kabinet_kit.testing.tokens import TokenMinter
from kabinet_preschool.bootstrap import create_app
from kabinet_preschool.config import SERVICE_DIR

SERVER = os.environ.get("PERF_PG", "postgresql://postgres@127.0.0.1:5432").rstrip("/")
KINDERGARTENS, GROUPS, CHILDREN = 150, 8, 25
BANDS = ("middle", "senior", "preparatory")


def uid() -> str:
    return str(uuid.uuid4())


def copy_rows(raw, table: str, columns: tuple[str, ...], rows) -> None:
    with raw.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def seed_city(url: str) -> dict:
    engine = create_engine(url)
    now = datetime.now(UTC)
    with engine.connect() as conn:
        indicators = {band: [r[0] for r in conn.execute(text(
            "SELECT i.id FROM indicators i JOIN cards c ON c.id = i.card_id JOIN catalogue_versions v "
            "ON v.id = c.version_id WHERE v.number = 1 AND i.age_band = :b ORDER BY i.id"), {"b": band})]
            for band in BANDS}
        version_id = conn.execute(text("SELECT id FROM catalogue_versions WHERE number = 1")).scalar_one()
    year = uid()
    orgs, groups, children, educators, rounds = [], [], [], {}, {}
    for k in range(KINDERGARTENS):
        org = uid()
        orgs.append((org, "kindergarten", f"МАДОУ «Детский сад № {k + 1}»", f"Детский сад № {k + 1}"))
        rounds[org] = (uid(), uid())
        for g in range(GROUPS):
            group = uid()
            band = BANDS[g % 3]
            groups.append((group, org, year, f"Группа {g + 1}", band))
            educators[group] = (uid(), uid())
            for n in range(CHILDREN):
                children.append((uid(), org, group, n % 3 == 0, n + 1, band))
    raw = engine.raw_connection()
    try:
        dbapi = raw.driver_connection
        copy_rows(dbapi, "organisations", ("id", "kind", "name", "short_name"), orgs)
        copy_rows(dbapi, "academic_years", ("id", "name", "starts_on", "ends_on"),
                  [(year, "2026/2027", date(2026, 9, 1), date(2027, 8, 31))])
        copy_rows(dbapi, "groups", ("id", "organisation_id", "academic_year_id", "name", "age_band"), groups)
        department = (uid(), uid())
        assignments = [(uid(), department[0], department[1], "department_officer", None, None, True)]
        assignments += [(uid(), acc, pid, "educator", g[1], g[0], True)
                        for g in groups for acc, pid in [educators[g[0]]]]
        copy_rows(dbapi, "role_assignments", ("id", "account_id", "person_id", "role", "organisation_id", "group_id",
                                              "active"), assignments)
        copy_rows(dbapi, "children", ("id", "organisation_id", "group_id", "consent"),
                  [(c[0], c[1], c[2], c[3]) for c in children])
        copy_rows(dbapi, "child_numbers", ("group_id", "child_id", "number"), [(c[2], c[0], c[4]) for c in children])
        copy_rows(dbapi, "child_names", ("child_id", "last_name", "first_name"),
                  [(c[0], f"Фамилия{c[4]}", f"Имя{c[4]}") for c in children if c[3]])
        copy_rows(dbapi, "rounds", ("id", "organisation_id", "academic_year_id", "number", "title", "deadline",
                                    "catalogue_version_id", "status", "opened_at"),
                  [(r, org, year, n + 1, f"Мониторинг № {n + 1}", date(2026, 10, 15) if n == 0 else date(2027, 4, 15),
                    version_id, "open", now) for org, pair in rounds.items() for n, r in enumerate(pair)])
        rng = random.Random(7)

        def observations():
            for child, org, group, _consent, _n, band in children:
                educator = educators[group][0]
                for n, round_id in enumerate(rounds[org]):
                    for ind in indicators[band]:
                        yield (child, round_id, ind, group, min(3, rng.randint(1, 3) + n * rng.randint(0, 1)), None,
                               educator, now, now)
        copy_rows(dbapi, "observations", ("child_id", "round_id", "indicator_id", "group_id", "level", "note",
                                          "recorded_by", "recorded_at", "updated_at"), observations())
        raw.commit()
    finally:
        raw.close()
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO level_counts (round_id, group_id, indicator_id, level, children) "
                          "SELECT round_id, group_id, indicator_id, level, count(*) FROM observations "
                          "GROUP BY round_id, group_id, indicator_id, level"))
        conn.execute(text("ANALYZE"))
        total = conn.execute(text("SELECT count(*) FROM observations")).scalar_one()
    engine.dispose()
    return {"year": year, "children": children, "educators": educators, "rounds": rounds, "indicators": indicators,
            "department": department, "observations": total}


def timed(client, n: int, make_request) -> list[float]:
    times = []
    for i in range(n):
        started = time.perf_counter()
        response = make_request(i)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (response.status_code, response.get_data(as_text=True)[:300])
    return times


def report(name: str, times: list[float], goal: str) -> None:
    times = sorted(times)
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    print(f"{name:<52} n={len(times):<4} p50={statistics.median(times):7.1f} ms  p95={p95:7.1f} ms  "
          f"max={times[-1]:7.1f} ms   goal {goal}")


def main() -> None:
    name = f"kt_preschool_perf_{uuid.uuid4().hex[:8]}"
    admin = create_engine(f"{SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = f"{SERVER}/{name}"
    try:
        started = time.perf_counter()
        upgrade(SERVICE_DIR, url)
        city = seed_city(url)
        print(f"seeded {KINDERGARTENS} kindergartens × {GROUPS} groups × {CHILDREN} children = {len(city['children'])} "
              f"children, {city['observations']} observations (two rounds of full cards) "
              f"in {time.perf_counter() - started:.1f} s")
        minter = TokenMinter("perf-key")
        # Signed as the gateway signs what it forwards (the service answers nothing else).
        app = create_app({"database_url": url, "key_source": minter.key_source, "gateway_proof": "perf"})
        client = signed_client(app)

        def token(account: str, person: str) -> str:
            return minter.token(account, person, ttl=3600)

        department = {"Authorization": f"Bearer {token(*city['department'])}"}
        year = city["year"]
        rng = random.Random(11)
        # Warm-up: connection pool, first queries.
        client.get(f"/statistics?academic_year_id={year}&round_number=2", headers=department)

        report("city statistics, one round (department)", timed(client, 20, lambda i: client.get(
            f"/statistics?academic_year_id={year}&round_number={1 + i % 2}", headers=department)), "≤ 300 ms")
        report("city statistics, round 2 with change against round 1", timed(client, 20, lambda i: client.get(
            f"/statistics?academic_year_id={year}&round_number=2&compare_round_number=1", headers=department)),
            "(info)")
        org = next(iter(city["rounds"]))
        report("kindergarten statistics with change", timed(client, 20, lambda i: client.get(
            f"/statistics?academic_year_id={year}&round_number=2&compare_round_number=1&organisation_id={org}",
            headers=department)), "(info)")

        sample = rng.sample(city["children"], 200)
        tokens = {g: token(*acc) for g, acc in city["educators"].items()}
        report("one child's full card (cabinet, educator)", timed(client, len(sample), lambda i: client.get(
            f"/children/{sample[i][0]}/cabinet", headers={"Authorization": f"Bearer {tokens[sample[i][2]]}"})),
            "p95 ≤ 30 ms")

        def card_path(i):
            child, org_id, *_ = sample[i]
            return f"/children/{child}/rounds/{city['rounds'][org_id][1]}/cards/sport"

        # Every client reads the card's version before saving it (If-Match); the read is timed apart.
        versions = {}

        def read_card(i):
            response = client.get(card_path(i), headers={"Authorization": f"Bearer {tokens[sample[i][2]]}"})
            versions[i] = response.headers["ETag"]
            return response
        report("one child's card «Спорт» with its version (ETag)", timed(client, len(sample), read_card), "(info)")

        def save(i):
            _child, _org, group, _c, _n, band = sample[i]
            card = city["indicators"][band][:3]  # the three indicators of the card «Спорт» for the band
            return client.put(card_path(i), headers={"Authorization": f"Bearer {tokens[group]}",
                                                     "If-Match": versions[i]},
                              json={"observations": [{"indicator_id": ind, "level": 1 + (i + k) % 3}
                                                     for k, ind in enumerate(card)]})
        report("saving a whole card (3 indicators, changes + events)", timed(client, len(sample), save), "≤ 50 ms")

        report("completeness, city (150 kindergartens, 1200 groups)", timed(client, 5, lambda i: client.get(
            f"/control/completeness?academic_year_id={year}&round_number=2", headers=department)), "(info)")
        report("analytical report PDF, one kindergarten", timed(client, 3, lambda i: client.get(
            f"/reports/analytical?round_id={city['rounds'][org][1]}", headers=department)), "(info)")
        app_deps(app).session_factory.kw["bind"].dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    sys.exit(main())
