"""Issue 11, finding 2: an access code names only a guardian the child's own institution linked to
that child, and redeeming a code never hands a stranger an existing guardian's account or children."""
from kabinet_identity.models import OUTBOX
from kabinet_identity.seed import DEMO_PASSWORD


def _org(api, short):
    return next(o for o in api.as_("department", "GET", "/organisations").json["items"] if o["short_name"] == short)


def _group(api, admin, name):
    return next(g for g in api.as_(admin, "GET", "/groups").json["items"] if g["name"] == name)


def _child_in(api, admin, school, group, last="Кодова"):
    child = api.as_(admin, "POST", "/people", json={
        "kind": "child", "organisation_id": _org(api, school)["organisation_id"], "last_name": last,
        "first_name": "Вера", "birth_date": "2015-03-03"}).json["person_id"]
    assert api.as_(admin, "POST", "/movements", json={
        "kind": "enrol", "child_id": child, "group_id": _group(api, admin, group)["group_id"],
        "order_number": "200-у", "order_date": "2026-10-01"}).status_code == 201
    return child


def _guardian_of(api, admin, school, child, last):
    guardian = api.as_(admin, "POST", "/people", json={
        "kind": "guardian", "organisation_id": _org(api, school)["organisation_id"], "last_name": last,
        "first_name": "Олег"}).json["person_id"]
    linked = api.as_(admin, "POST", f"/children/{child}/guardians", json={"guardian_person_id": guardian})
    assert linked.status_code == 201, linked.json
    return guardian


def _problem_names(response, field):
    assert response.status_code in (403, 422), (response.status_code, response.json)
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert field in response.json.get("errors", {}), response.json


def test_tutor_cannot_bind_a_code_to_another_schools_guardian(fresh_api):
    """Issue 11, finding 2: the attack as written, and the two-step variant through linking."""
    api = fresh_api
    pupil = _child_in(api, "school1-admin", "Школа № 1", "5А")
    # A guardian of Gymnasium No. 2 without an account yet: whoever got his account would see his child.
    gym_child = _child_in(api, "school2-admin", "Гимназия № 2", "5А", last="Чужая")
    stranger = _guardian_of(api, "school2-admin", "Гимназия № 2", gym_child, "Чужой")

    code = api.as_("tutor1", "POST", "/access-codes", json={
        "child_id": pupil, "channel": "phone", "guardian_person_id": stranger})
    _problem_names(code, "guardian_person_id")
    linked = api.as_("tutor1", "POST", f"/children/{pupil}/guardians", json={"guardian_person_id": stranger})
    _problem_names(linked, "guardian_person_id")
    # Neither step left a trace a code could use.
    code = api.as_("tutor1", "POST", "/access-codes", json={
        "child_id": pupil, "channel": "phone", "guardian_person_id": stranger})
    _problem_names(code, "guardian_person_id")
    assert "identity.access_code.issued.v1" not in api.outbox_types()


def test_a_code_names_a_guardian_of_that_child_or_a_new_guardian(fresh_api):
    """Issue 11, finding 2: the lawful codes still work: a linked guardian gets his own account, and a code
    naming nobody creates a new guardian person of the child's institution."""
    api = fresh_api
    pupil = _child_in(api, "school1-admin", "Школа № 1", "5А")
    father = _guardian_of(api, "school1-admin", "Школа № 1", pupil, "Кодов")
    # Another guardian of School No. 1, not linked to this pupil, may not be named either.
    other = _guardian_of(api, "school1-admin", "Школа № 1", _child_in(api, "school1-admin", "Школа № 1", "5А"),
                         "Другой")
    _problem_names(api.as_("tutor1", "POST", "/access-codes", json={
        "child_id": pupil, "channel": "phone", "guardian_person_id": other}), "guardian_person_id")

    named = api.as_("tutor1", "POST", "/access-codes", json={
        "child_id": pupil, "channel": "in_person", "guardian_person_id": father})
    assert named.status_code == 201, named.json
    redeemed = api.client.post("/access-codes/redeem", json={
        "code": named.json["code"], "login": "kodov-father", "password": DEMO_PASSWORD})
    assert redeemed.status_code == 201, redeemed.json
    assert redeemed.json["person_id"] == father
    assert [c["child_id"] for c in api.me("kodov-father")["children"]] == [pupil]

    fresh = api.as_("tutor1", "POST", "/access-codes", json={"child_id": pupil, "channel": "phone"}).json
    mother = api.client.post("/access-codes/redeem", json={
        "code": fresh["code"], "login": "kodova-mother", "password": DEMO_PASSWORD,
        "last_name": "Кодова", "first_name": "Мария"})
    assert mother.status_code == 201, mother.json
    assert mother.json["person_id"] not in (father, other)
    assert [c["child_id"] for c in api.me("kodova-mother")["children"]] == [pupil]
    # Recorded as a new guardian person of the child's school, whose administrator manages the account.
    account = api.as_("school1-admin", "GET", f"/accounts/{mother.json['account_id']}")
    assert account.status_code == 200 and account.json["person_id"] == mother.json["person_id"]
    registered = [d for t, d in api.outbox(OUTBOX) if t == "identity.person.registered.v1"
                  and d["person_id"] == mother.json["person_id"]]
    assert registered and registered[0]["kind"] == "guardian" and registered[0]["last_name"] == "Кодова"


def test_redeeming_never_takes_over_an_existing_account(fresh_api):
    """Issue 11, finding 2: a code naming a guardian is that guardian's alone: a stranger with the code can
    neither take the guardian's account nor attach the child to an account of his own."""
    api = fresh_api
    pupil = _child_in(api, "school1-admin", "Школа № 1", "5А")
    guardian2 = api.me("guardian2")["person_id"]
    assert api.as_("school1-admin", "POST", f"/children/{pupil}/guardians",
                   json={"guardian_person_id": guardian2}).status_code == 201
    code = api.as_("tutor1", "POST", "/access-codes", json={
        "child_id": pupil, "channel": "phone", "guardian_person_id": guardian2}).json["code"]
    # A new login does not make the stranger guardian2.
    taken = api.client.post("/access-codes/redeem", json={
        "code": code, "login": "stranger", "password": DEMO_PASSWORD, "last_name": "Чужой", "first_name": "Ян"})
    assert taken.status_code == 409 and "login" in taken.json["errors"]
    assert api.login("stranger").status_code == 401
    # Nor does the stranger's own guardian account get the child by the code issued to guardian2.
    own = api.client.post("/access-codes/redeem", json={"code": code, "login": "guardian1", "password": DEMO_PASSWORD})
    assert own.status_code in (403, 409, 422), own.json
    assert pupil not in [c["child_id"] for c in api.me("guardian1")["children"]]
    # guardian2 himself redeems it with his login.
    mine = api.client.post("/access-codes/redeem", json={"code": code, "login": "guardian2", "password": DEMO_PASSWORD})
    assert mine.status_code == 201, mine.json
    assert mine.json["person_id"] == guardian2
