"""Statistics by role with small cells suppressed, completeness control, and the analytical
report as a Russian PDF with charts."""
import io

import pytest
from pypdf import PdfReader


@pytest.fixture(scope="module")
def communication(world, rounds):
    """Seven children of «Солнышко» on the card «Общение»: on its first indicator all at level 1
    in round 1, five at level 2 and two at level 3 in round 2; on the second, level 1 then 2."""
    listing = world.as_("educator1", "GET", f"/groups/{world.group('Солнышко')}/children").json["children"][:7]
    first, second = world.indicators("senior", "communication")[:2]
    for i, child in enumerate(listing):
        for round_number, level, then in ((1, 1, 1), (2, 2 if i < 5 else 3, 2)):
            response = world.save("educator1", "PUT", f"/children/{child['child_id']}/rounds/{rounds[round_number]}"
                                  "/cards/communication", json={"observations": [
                                     {"indicator_id": first["id"], "level": level},
                                     {"indicator_id": second["id"], "level": then}]})
            assert response.status_code == 200, response.json
    return first


def _find(stats, indicator_id):
    return next(i for c in stats["cards"] for i in c["indicators"] if i["indicator_id"] == indicator_id)


def test_the_educator_sees_the_group_unsuppressed_with_the_change_between_rounds(world, communication):
    stats = world.as_("educator1", "GET", f"/statistics?academic_year_id={world.year()}&round_number=2"
                                          f"&compare_round_number=1&group_id={world.group('Солнышко')}")
    assert stats.status_code == 200, stats.json
    row = _find(stats.json, communication["id"])
    assert row["levels"] == {"1": 0, "2": 5, "3": 2} and row["children"] == 7 and not row["suppressed"]
    assert row["compare"]["levels"] == {"1": 7, "2": 0, "3": 0}
    assert row["change"] == {"1": -100.0, "2": 71.4, "3": 28.6}
    assert stats.json["suppression_threshold"] is None


def test_kindergarten_and_city_figures_suppress_cells_under_five(world, communication):
    year, kg1 = world.year(), world.org("Детский сад № 1")
    for login, scope in (("kg1-admin", f"&organisation_id={kg1}"), ("department", f"&organisation_id={kg1}"),
                         ("department", "")):
        stats = world.as_(login, "GET", f"/statistics?academic_year_id={year}&round_number=2"
                                        f"&compare_round_number=1{scope}")
        assert stats.status_code == 200, stats.json
        row = _find(stats.json, communication["id"])
        assert row["levels"] == {"1": 0, "2": 5, "3": None}  # 2 children: hidden
        assert row["children"] is None and row["suppressed"]  # the total would give the hidden cell away
        assert row["change"] == {"1": None, "2": None, "3": None}
        assert row["compare"]["levels"] == {"1": 7, "2": 0, "3": 0}
        assert stats.json["suppression_threshold"] == 5
    city = world.as_("department", "GET", f"/statistics?academic_year_id={year}&round_number=2").json
    assert city["scope"] == {"level": "city", "name": "Город"}
    # No ranking: the city figures do not list kindergartens at all.
    assert "kindergartens" not in city and all("organisation_id" not in i for c in city["cards"]
                                               for i in c["indicators"])


def test_statistics_input_is_checked(world):
    bad = world.as_("department", "GET", "/statistics?academic_year_id=nope&round_number=0")
    assert bad.status_code == 422 and "round_number" in bad.json["errors"]
    unknown = world.as_("department", "GET", "/statistics?academic_year_id=nope&round_number=1")
    assert unknown.status_code == 422 and "academic_year_id" in unknown.json["errors"]


def test_completeness_per_kindergarten_and_group_with_the_guardians_activity(world, communication):
    anna = world.children_of("guardian1")["Анна"]
    assert world.as_("guardian1", "GET", f"/children/{anna}/cabinet").status_code == 200
    response = world.as_("department", "GET", f"/control/completeness?academic_year_id={world.year()}&round_number=2")
    assert response.status_code == 200, response.json
    kg = next(k for k in response.json["kindergartens"] if k["name"] == "Детский сад № 1")
    sunshine = next(g for g in kg["groups"] if g["name"] == "Солнышко")
    per_child = len(world.indicators("senior", version=1))
    assert sunshine["expected"] == sunshine["children"] * per_child
    assert sunshine["filled"] >= 7 and 0 < sunshine["percent"] < 100
    assert kg["deadline"] == "2027-04-15" and kg["overdue"] is False
    assert kg["guardian_activity"]["children_with_guardian_visits"] >= 1
    own = world.as_("kg1-admin", "GET", f"/control/completeness?academic_year_id={world.year()}&round_number=2"
                                        f"&organisation_id={world.org('Детский сад № 1')}")
    assert own.status_code == 200 and len(own.json["kindergartens"]) == 1


def test_the_analytical_report_is_a_russian_pdf_with_charts(world, rounds, communication):
    response = world.as_("kg1-admin", "GET", f"/reports/analytical?round_id={rounds[2]}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) > 1
    assert sum(len(page.images) for page in reader.pages) >= 2  # distribution and dynamics charts
    for words in ("Аналитическая справка", "Детский сад № 1", "Заполнение карт наблюдений", "Общение",
                  "Динамика освоения программы", "Солнышко"):
        assert words in text, words
    assert "Воспитанник" not in text and "Соколов" not in text  # aggregates only, no child
    by_department = world.as_("department", "GET", f"/reports/analytical?round_id={rounds[2]}")
    assert by_department.status_code == 200
    bad = world.as_("department", "GET", "/reports/analytical?round_id=not-an-id")
    assert bad.status_code == 422 and "round_id" in bad.json["errors"]
