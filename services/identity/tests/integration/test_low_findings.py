"""Issue 11, "Low" findings: consent registration, appointing administrators, removing a guardian
link."""
from datetime import timedelta

from kabinet_kit.events import utcnow


def _child(api, guardian_login, first_name):
    return next(c for c in api.me(guardian_login)["children"] if c["first_name"] == first_name)["child_id"]


def _org_id(api, short):
    return next(o for o in api.as_("department", "GET", "/organisations").json["items"]
                if o["short_name"] == short)["organisation_id"]


def test_guardian_cannot_choose_or_backdate_the_registration(api):
    """Issue 11, finding 1: a guardian consenting online gets the institution's register number
    and today's date; a number or date of his own is refused."""
    anna = _child(api, "guardian1", "Анна")
    chosen = api.as_("guardian1", "POST", f"/children/{anna}/consents", json={
        "purpose": "preschool_cabinet", "registration_number": "ЛКД-2026/001", "registration_date": "2026-09-01"})
    assert chosen.status_code == 422
    assert set(chosen.json["errors"]) == {"registration_number", "registration_date"}
    given = api.as_("guardian1", "POST", f"/children/{anna}/consents", json={"purpose": "preschool_cabinet"})
    assert given.status_code == 201, given.json
    today = utcnow().date()
    assert given.json["registration_number"].startswith(f"ЭЛ-{today.year}/")
    assert given.json["registration_date"] == today.isoformat()


def test_staff_cannot_date_a_paper_consent_in_the_future_or_before_enrolment(api):
    """Issue 11, finding 1: staff give the paper application's number and date, but the date is
    neither in the future nor before the child entered the institution."""
    olga = _child(api, "guardian2", "Ольга")
    guardian = api.me("guardian2")["person_id"]
    paper = {"purpose": "portfolio", "given_by_person_id": guardian, "registration_number": "ПФ-2026/050"}
    tomorrow = (utcnow().date() + timedelta(days=1)).isoformat()
    for when in (tomorrow, "2020-01-10"):
        refused = api.as_("school1-admin", "POST", f"/children/{olga}/consents",
                          json={**paper, "registration_date": when})
        assert refused.status_code == 422, (when, refused.json)
        assert set(refused.json["errors"]) == {"registration_date"}
    registered = api.as_("school1-admin", "POST", f"/children/{olga}/consents",
                         json={**paper, "registration_date": "2026-09-05"})
    assert registered.status_code == 201, registered.json
    assert (registered.json["registration_number"], registered.json["registration_date"]) == (
        "ПФ-2026/050", "2026-09-05")


def test_institution_admin_cannot_appoint_administrators(api):
    """Issue 11, finding 2: only the department appoints institution administrators (IDN-01)."""
    school1 = _org_id(api, "Школа № 1")
    person = api.as_("school1-admin", "POST", "/people", json={
        "kind": "staff", "organisation_id": school1, "last_name": "Захаров", "first_name": "Олег"}).json
    admin_role = {"role": "institution_admin", "organisation_id": school1}
    create = api.as_("school1-admin", "POST", "/accounts", json={
        "person_id": person["person_id"], "login": "zakharov", "password": "Str0ng-pass-word", "roles": [admin_role]})
    assert create.status_code == 403, create.json
    teacher = api.me("teacher1")["account_id"]
    assert api.as_("school1-admin", "POST", f"/accounts/{teacher}/roles", json=admin_role).status_code == 403
    assert "institution_admin" not in [r["role"] for r in api.me("teacher1")["roles"]]
    # The department still appoints them.
    assert api.as_("department", "POST", f"/accounts/{teacher}/roles", json=admin_role).status_code == 201


def test_institution_removes_a_guardian_link(api):
    """Issue 11, finding 3: the child's institution removes a guardian link; the guardian loses
    the child at once, and the removal is audited and announced."""
    ivan = _child(api, "guardian1", "Иван")
    guardian = api.me("guardian1")["person_id"]
    path = f"/children/{ivan}/guardians/{guardian}"
    assert api.as_("kg1-admin", "DELETE", path).status_code == 404  # not the child's institution
    assert api.as_("guardian2", "DELETE", path).status_code == 404
    removed = api.as_("school1-admin", "DELETE", path)
    assert removed.status_code == 204, removed.json
    assert ivan not in [c["child_id"] for c in api.me("guardian1")["children"]]
    assert api.as_("guardian1", "GET", f"/children/{ivan}").status_code == 404
    assert api.as_("school1-admin", "DELETE", path).status_code == 404  # gone already
    assert "identity.guardianship.removed.v1" in api.outbox_types()
    admin = api.me("school1-admin")["account_id"]
    assert api.audit(actor_account_id=admin, action="unlink_guardian", person_id=ivan, outcome="allowed")
