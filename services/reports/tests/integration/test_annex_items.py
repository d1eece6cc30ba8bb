"""Identity's and the journal's events, through the real broker and this service's consumer,
move the annex 3 items of the right school and class."""
from __future__ import annotations

import json

from .conftest import days_ago


def test_applications_codes_and_activation_move_the_items_of_the_right_class(api, world):
    before = api.school("admin1")
    assert before["status"] == "draft" and before["pupils"] == 3
    assert before["item8"] == {"count": 0, "of": 3, "percent": 0.0}
    assert before["item14"] == {"count": 0, "of": 0, "percent": None}

    world.consent("ivan")                      # 5А of school 1
    world.consent("eva")                       # school 2: not school 1's figure
    world.consent("olga", purpose="portfolio")  # another purpose: not an application
    report = api.school("admin1")
    assert report["item8"] == {"count": 1, "of": 3, "percent": 33.3}
    assert api.klass(report, "s1-5a")["item8"]["percent"] == 50.0
    assert api.klass(report, "s1-5b")["item8"]["percent"] == 0.0
    # Ivan's guardian may now use the service, and has not activated his account yet.
    assert report["item14"] == {"count": 0, "of": 1, "percent": 0.0}

    world.activate("guardian1")
    world.activate("guardian3")  # Olga has no application: not among those who may use it
    report = api.school("admin1")
    assert report["item14"] == {"count": 1, "of": 1, "percent": 100.0}
    assert api.klass(report, "s1-5a")["item14"]["percent"] == 100.0
    assert api.klass(report, "s1-5b")["item14"]["percent"] is None

    # Every school 1 pupil's guardian holds an account: 12.1 counts them all; 12.3 counts none.
    assert report["item12"]["parents"]["percent"] == 100.0
    assert report["item12"]["pupils"]["count"] == 0
    assert report["item12"]["teachers"]["count"] == 2

    world.consent("ivan", action="revoked")
    report = api.school("admin1")
    assert report["item8"]["count"] == 0 and report["item14"]["of"] == 0


def test_an_access_code_counts_as_a_parents_login_issued(api, world):
    world.identity.send(world.movement("new-pupil", "school2", "s2-5a"))
    before = api.school("admin2", "school2")["item12"]["parents"]
    assert before == {"count": 1, "of": 2, "percent": 50.0}
    world.access_code("new-pupil")
    assert api.school("admin2", "school2")["item12"]["parents"]["count"] == 2


def test_lessons_of_the_last_thirty_days_give_items_9_and_13(api, world):
    assert api.school("admin1")["item13"] == {"count": 0, "of": 2, "percent": 0.0}
    late = world.lesson("teacher1", "s1-5a", "school1", days_ago(world, 3), has_topic=False)
    world.lesson("teacher1", "s1-5b", "school1", days_ago(world, 1))
    world.lesson("teacher3", "s1-5a", "school1", days_ago(world, 40))   # out of the window
    world.lesson("teacher2", "s2-5a", "school2", days_ago(world, 1))   # another school
    report = api.school("admin1")
    assert report["item13"] == {"count": 1, "of": 2, "percent": 50.0}
    assert report["item9"] == {"count": 1, "of": 2, "percent": 50.0}
    # The topic entered later: the lesson's update fills the row.
    world.lesson("teacher1", "s1-5a", "school1", days_ago(world, 3), lesson_id=late, updated=True)
    assert api.school("admin1")["item9"]["percent"] == 100.0


def test_the_city_report_sums_the_schools_and_names_nobody(api, world):
    city = api.ok("dept", "GET", "/diary/city/report")
    assert {s["short_name"] for s in city["schools"]} == {"Школа № 1", "Школа № 2"}  # no kindergarten
    assert city["totals"]["pupils"] == sum(s["pupils"] for s in city["schools"])
    text = json.dumps([city, api.school("dept"), api.school("dept", "school2")])
    # No person or account id anywhere in the reports: counts only.
    for login, (account_id, person_id) in world.accounts.items():
        assert account_id not in text and person_id not in text, login
    for child in ("ivan", "maria", "olga", "eva", "new-pupil"):
        assert world.id(child) not in text
