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


def _call(stack, login, method, path, extra=None, **kwargs):
    return requests.request(method, f"{stack.gateway}{path}", timeout=10,
                            headers={"Authorization": f"Bearer {_token(stack, login)}", **(extra or {})}, **kwargs)


def _save(stack, login, method, path, **kwargs):
    """Read, then save naming the version read (If-Match), as every client of a card or route does."""
    read = _call(stack, login, "GET", path)
    assert read.status_code == 200 and read.headers.get("ETag"), read.text  # the gateway passes the ETag on
    return _call(stack, login, method, path, extra={"If-Match": read.headers["ETag"]}, **kwargs)


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

    rounds = {r["number"]: r for r in _call(stack, "educator1", "GET", "/api/preschool/rounds").json()["items"]}
    assert rounds[1]["status"] == "closed" and rounds[2]["status"] == "open"
    child = shown["Соколов Миша"]["child_id"]
    sport = [i for c in _call(stack, "educator1", "GET", "/api/preschool/catalogue?age_band=senior&version="
                              f"{rounds[2]['catalogue_version']}").json()["cards"] if c["code"] == "sport"
             for i in c["indicators"]]
    card = f"/api/preschool/children/{child}/rounds/{rounds[2]['id']}/cards/sport"
    body = {"observations": [{"indicator_id": i["id"], "level": 3} for i in sport]}
    assert _call(stack, "educator1", "PUT", card, json=body).status_code == 428
    first = _save(stack, "educator1", "PUT", card,
                  json={"observations": [{**o, "level": 2} for o in body["observations"]]})
    assert first.status_code == 200 and first.headers["ETag"], first.text
    saved = _save(stack, "educator1", "PUT", card, json=body)
    assert saved.status_code == 200 and saved.headers["ETag"] != first.headers["ETag"], saved.text
    # The gateway forwards If-Match: a save over an older version is refused with the current one.
    stale = _call(stack, "educator1", "PUT", card, json=body, extra={"If-Match": first.headers["ETag"]})
    assert stale.status_code == 412 and stale.headers["ETag"] == saved.headers["ETag"], stale.text
    assert [o["level"] for o in stale.json()["current"]["observations"]] == [3] * len(sport)
    closed = _save(stack, "educator1", "PUT", f"/api/preschool/children/{child}/rounds/{rounds[1]['id']}/cards/sport",
                   json={"observations": [{"indicator_id": i["id"], "level": 3} for i in sport]})
    assert closed.status_code == 409 and closed.headers["Content-Type"].startswith("application/problem+json")


def test_the_guardians_home_screen_shows_the_preschool_recommendations(stack):
    body = stack.get("/api/me/overview", _token(stack, "guardian1")).json()
    children = {c["first_name"]: c for c in body["children"]}
    anna = children["Анна"]["recommendations"]
    assert anna["status"] == "ok", anna
    assert any("Читайте вместе" in r["text"] for r in anna["data"]["items"])
    # Иван is at school: the preschool part is present and empty, not an error.
    ivan = children["Иван"]["recommendations"]
    assert ivan["status"] == "ok" and ivan["data"]["items"] == []
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
