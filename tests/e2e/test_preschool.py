"""The preschool cabinet end to end, through the gateway only: identity, its relay, the broker,
the preschool consumer, web and relay as real processes (see conftest), with the demo city and
the preschool demo data (``kabinet_preschool.seed``) set up the way ``make run`` does it."""
import time

import requests

_TOKENS: dict[str, str] = {}  # one login per user: the gateway rate-limits logins


def _token(stack, login: str) -> str:
    if login not in _TOKENS:
        _TOKENS[login] = stack.token(login)
    return _TOKENS[login]


def _call(stack, login, method, path, **kwargs):
    return requests.request(method, f"{stack.gateway}{path}", timeout=10,
                            headers={"Authorization": f"Bearer {_token(stack, login)}"}, **kwargs)


def _sunshine(stack) -> str:
    """educator1's group, as identity tells it."""
    me = stack.get("/api/identity/me", _token(stack, "educator1")).json()
    return next(r["group_id"] for r in me["roles"] if r["role"] == "educator")


def test_the_demo_group_its_rounds_and_observations_through_the_gateway(stack):
    group = _sunshine(stack)
    listing = _call(stack, "educator1", "GET", f"/api/preschool/groups/{group}/children")
    assert listing.status_code == 200, listing.text
    shown = {c["display_name"]: c for c in listing.json()["children"]}
    assert "Соколов Миша" in shown and "Воспитанник №1" in shown  # Анна has no preschool_cabinet consent
    assert not any("Петрова" in name or "Хохлов" in name for name in shown)

    rounds = {r["number"]: r for r in _call(stack, "educator1", "GET", "/api/preschool/rounds").json()}
    assert rounds[1]["status"] == "closed" and rounds[2]["status"] == "open"
    child = shown["Соколов Миша"]["child_id"]
    sport = [i for c in _call(stack, "educator1", "GET", "/api/preschool/catalogue?age_band=senior&version="
                              f"{rounds[2]['catalogue_version']}").json()["cards"] if c["code"] == "sport"
             for i in c["indicators"]]
    saved = _call(stack, "educator1", "PUT", f"/api/preschool/children/{child}/rounds/{rounds[2]['id']}/cards/sport",
                  json={"observations": [{"indicator_id": i["id"], "level": 3} for i in sport]})
    assert saved.status_code == 200, saved.text
    closed = _call(stack, "educator1", "PUT", f"/api/preschool/children/{child}/rounds/{rounds[1]['id']}/cards/sport",
                   json={"observations": [{"indicator_id": i["id"], "level": 3} for i in sport]})
    assert closed.status_code == 409 and closed.headers["Content-Type"].startswith("application/problem+json")


def test_the_guardians_home_screen_shows_the_preschool_recommendations(stack):
    body = stack.get("/api/me/overview", _token(stack, "guardian1")).json()
    children = {c["first_name"]: c for c in body["children"]}
    anna = children["Анна"]["recommendations"]
    assert anna["status"] == "ok", anna
    assert any("Читайте вместе" in r["text"] for r in anna["data"])
    # Иван is at school: the preschool part is present and empty, not an error.
    assert children["Иван"]["recommendations"]["status"] == "ok" and children["Иван"]["recommendations"]["data"] == []
    cabinet = _call(stack, "guardian1", "GET", f"/api/preschool/children/{children['Анна']['child_id']}/cabinet")
    assert cabinet.status_code == 200 and cabinet.json()["routes"][0]["published"]
    assert cabinet.json()["display_name"] == "Воспитанник №1"


def test_a_consent_revoked_in_identity_hides_the_name_within_seconds(stack):
    group = _sunshine(stack)
    listing = _call(stack, "educator1", "GET", f"/api/preschool/groups/{group}/children").json()["children"]
    vera = next(c for c in listing if c["display_name"] == "Тимофеева Вера")
    revoked = _call(stack, "kg1-admin", "POST",
                    f"/api/identity/children/{vera['child_id']}/consents/preschool_cabinet/revoke",
                    json={"reason": "заявление родителя"})
    assert revoked.status_code == 200, revoked.text
    deadline = time.monotonic() + 5
    while True:
        listing = _call(stack, "educator1", "GET", f"/api/preschool/groups/{group}/children").json()["children"]
        now = next(c for c in listing if c["child_id"] == vera["child_id"])
        if not now["named"]:
            break
        assert time.monotonic() < deadline, "the name was still shown 5 s after the revocation"
        time.sleep(0.1)
    assert now["display_name"] == f"Воспитанник №{vera['number']}"
    cabinet = _call(stack, "educator1", "GET", f"/api/preschool/children/{vera['child_id']}/cabinet").json()
    assert cabinet["display_name"] == now["display_name"] and not cabinet["named"]
