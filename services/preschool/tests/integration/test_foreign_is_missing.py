"""A child, group or round of another group, family or kindergarten, named by its id, is
answered exactly like an id that does not exist: the same status and problem body, never a 403
that would say it is there (issue 11, Low 3). 403 stays for what the caller sees but may not do."""
import uuid

FIELDS = ("status", "type", "title", "detail")


def _answer(world, login: str, method: str, path: str, status: int, **kwargs) -> dict:
    response = world.as_(login, method, path, **kwargs)
    assert response.status_code == status, (method, path, response.status_code, response.json)
    assert response.mimetype == "application/problem+json"
    return {k: response.json.get(k) for k in FIELDS}


def same_as_missing(world, login: str, method: str, foreign: str, missing: str, status: int = 404, **kwargs):
    answers = [_answer(world, login, method, path, status, **kwargs) for path in (foreign, missing)]
    assert answers[0] == answers[1], answers


def _stars_child(world) -> str:
    from sqlalchemy import select

    from kabinet_preschool import models as m
    with world.session() as s:
        return str(s.scalar(select(m.Child.id).where(m.Child.group_id == world.group("Звёздочки"))
                            .order_by(m.Child.id).limit(1)))


def test_another_groups_child_is_missing_to_the_educator_and_another_familys_to_the_guardian(world, rounds):
    foreign, missing = _stars_child(world), str(uuid.uuid4())
    speech = world.indicators("senior", "speech")[0]
    route = {"goals": [{"card_code": "speech", "goal": "Говорить", "activities": "Игры", "review_on": "2027-01-15"}]}
    calls = [("GET", "/children/{}/cabinet", {}), ("GET", "/children/{}/routes", {}),
             ("GET", "/children/{}/recommendations", {}),
             ("POST", "/children/{}/recommendations", {"json": {"text": "Читать вместе"}}),
             ("PUT", f"/children/{{}}/routes/{rounds[1]}", {"json": route}),
             ("PUT", f"/children/{{}}/rounds/{rounds[1]}/cards/speech",
              {"json": {"observations": [{"indicator_id": speech["id"], "level": 2}]}})]
    for login in ("educator1", "guardian1"):
        for method, path, kwargs in calls:
            same_as_missing(world, login, method, path.format(foreign), path.format(missing), **kwargs)
    # The child named in a body: the same.
    answers = [_answer(world, "educator1", "POST", "/observations", 404, json={
        "child_id": child, "round_id": rounds[1], "indicator_id": speech["id"], "level": 2})
        for child in (foreign, missing)]
    assert answers[0] == answers[1]
    # Who sees the child but may not write for it is refused, not misled.
    anna = world.children_of("guardian1")["Анна"]
    _answer(world, "guardian1", "POST", f"/children/{anna}/recommendations", 403, json={"text": "x"})


def test_another_groups_group_is_missing(world, rounds):
    foreign, missing = world.group("Звёздочки"), str(uuid.uuid4())
    same_as_missing(world, "educator1", "GET", f"/groups/{foreign}/children", f"/groups/{missing}/children")
    stats = f"/statistics?academic_year_id={world.year()}&round_number=1&group_id="
    same_as_missing(world, "educator1", "GET", stats + foreign, stats + missing)


def test_another_kindergartens_round_is_missing(world, rounds):
    foreign, missing = rounds[1], str(uuid.uuid4())
    # School 1's administrator has no post in the kindergarten: its rounds are none of theirs.
    same_as_missing(world, "school1-admin", "GET", f"/reports/analytical?round_id={foreign}",
                    f"/reports/analytical?round_id={missing}")
    same_as_missing(world, "school1-admin", "PATCH", f"/rounds/{foreign}", f"/rounds/{missing}",
                    json={"deadline": "2026-10-20"})
    # The kindergarten's own staff see the round: refused what is the department's, not misled.
    _answer(world, "kg1-admin", "PATCH", f"/rounds/{foreign}", 403, json={"deadline": "2026-10-20"})
    _answer(world, "educator1", "GET", f"/reports/analytical?round_id={foreign}", 403)
