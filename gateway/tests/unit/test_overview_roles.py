"""The overview's sections: one per role held, each read made once, shared reads sliced to the
section's own class, group or institution, and a failed read marking its parts missing."""
from kabinet_gateway.overview_roles import assemble, grants_of, kind_lookups, kinds_from, sections_plan

ME = {"roles": [
    {"role": "teacher", "organisation_id": "s1", "group_id": None},
    {"role": "tutor", "organisation_id": "s1", "group_id": "5a"},
    {"role": "teacher", "organisation_id": "s1", "group_id": None},  # listed twice: one section
    {"role": "deputy_director", "organisation_id": "s1", "group_id": None},
    {"role": "institution_admin", "organisation_id": "kg", "group_id": None},
    {"role": "guardian", "organisation_id": None, "group_id": None},
]}


def test_a_section_per_role_held_and_each_read_once():
    grants = grants_of(ME)
    assert set(kind_lookups(grants).values()) == {("identity", "organisations/s1"), ("identity", "organisations/kg")}
    sections, jobs = sections_plan(grants, {"s1": "school", "kg": "kindergarten"}, "2026-12")
    assert [(s["view"], s["organisation_id"], s["group_id"]) for s in sections] == [
        ("teacher", "s1", None), ("tutor", "s1", "5a"), ("school_admin", "s1", None),
        ("kindergarten_head", "kg", None)]
    assert jobs == {"journal_today": ("journal", "me/today"), "preschool_round": ("preschool", "me/round"),
                    ("control", "s1"): ("journal", "control/completeness?organisation_id=s1&month=2026-12"),
                    ("activation", "s1"): ("identity", "organisations/s1/activation"),
                    ("activation", "kg"): ("identity", "organisations/kg/activation")}
    assert set(sections[2]["parts"]) == {"journal_control", "activation"}
    assert set(sections[3]["parts"]) == {"round", "activation"}


def test_an_institution_of_unknown_kind_counts_as_a_school():
    failed = {("organisation", "kg"): {"status": "missing", "service": "identity", "reason": "timeout"}}
    sections, _ = sections_plan(grants_of({"roles": [{"role": "institution_admin", "organisation_id": "kg"}]}),
                                kinds_from(failed), "2026-12")
    assert [s["view"] for s in sections] == ["school_admin"]


def test_the_department_reads_the_city_figures_of_both_services_and_its_activation():
    sections, jobs = sections_plan(grants_of({"roles": [{"role": "department_officer", "organisation_id": "d"}]}),
                                   {}, "2026-12")
    assert [s["view"] for s in sections] == ["department"]
    assert set(jobs) == {"journal_today", "preschool_round", ("activation", "d")}
    results = {"journal_today": {"status": "ok", "service": "journal", "data": {"city": {"month": "2026-12"}}},
               "preschool_round": {"status": "missing", "service": "preschool", "reason": "unavailable"},
               ("activation", "d"): {"status": "missing", "service": "identity", "reason": "not found"}}
    [section] = assemble(sections, results)
    assert section["parts"] == {
        "journal_control": {"status": "ok", "service": "journal", "data": {"month": "2026-12"}},
        "preschool_completeness": {"status": "missing", "service": "preschool", "reason": "unavailable"},
        "activation": {"status": "missing", "service": "identity", "reason": "not found"}}


def test_shared_reads_are_sliced_to_the_sections_own_class_and_institution():
    grants = grants_of({"roles": [{"role": "teacher", "organisation_id": "s1"}, {"role": "teacher",
                                                                               "organisation_id": "s2"},
                                  {"role": "tutor", "organisation_id": "s1", "group_id": "5a"},
                                  {"role": "tutor", "organisation_id": "s1", "group_id": "gone"},
                                  {"role": "educator", "organisation_id": "kg", "group_id": "sun"}]})
    sections, jobs = sections_plan(grants, {}, "2026-12")
    today = {"date": "2026-12-02", "lessons": [{"lesson_id": "l1", "organisation_id": "s1"},
                                               {"lesson_id": "l2", "organisation_id": "s2"}],
             "classes": [{"group_id": "5a", "pupils": 8}], "city": None}
    rounds = {"groups": [{"group_id": "sun", "cards_not_filled": 3}, {"group_id": "other"}]}
    out = assemble(sections, {"journal_today": {"status": "ok", "service": "journal", "data": today},
                              "preschool_round": {"status": "ok", "service": "preschool", "data": rounds}})
    s1, s2, klass, gone, group = (s["parts"] for s in out)
    assert [x["lesson_id"] for x in s1["lessons"]["data"]["lessons"]] == ["l1"]
    assert [x["lesson_id"] for x in s2["lessons"]["data"]["lessons"]] == ["l2"]
    assert klass["class"]["data"] == {"date": "2026-12-02", "group_id": "5a", "pupils": 8}
    assert gone["class"] == {"status": "missing", "service": "journal", "reason": "not found"}
    assert group["group"]["data"] == {"group_id": "sun", "cards_not_filled": 3}


def test_a_guardian_or_pupil_has_no_sections():
    sections, jobs = sections_plan(grants_of({"roles": [{"role": "guardian"}, {"role": "pupil"}]}), {}, "2026-12")
    assert sections == [] and jobs == {}
