"""The preschool API behind the real gateway at /api/preschool: a token issued by identity,
verified by the gateway and again by this service; the guardian's recommendations path that
the gateway's home screen calls; and nothing for a caller that goes round the gateway."""
import time

import pytest
import requests

from kabinet_gateway.bootstrap import create_app as create_gateway_app
from kabinet_gateway.config import SERVICE_DIR as GATEWAY_DIR
from kabinet_gateway.revocations import record_heartbeat
from kabinet_kit.events import utcnow
from kabinet_kit.gateway_proof import HEADER, sign
from kabinet_kit.service import app_deps
from kabinet_kit.testing import migrated_database
from kabinet_kit.testing.http import serve
from kabinet_kit.tokens import LocalKeySource


@pytest.fixture(scope="module")
def gateway_url(world):
    keys = app_deps(world.identity_app).keys
    with migrated_database(GATEWAY_DIR, "gateway") as gateway_db, serve(world.app) as preschool_url:
        gateway = create_gateway_app({
            "database_url": gateway_db, "upstreams": {"preschool": preschool_url},
            "key_source": LocalKeySource(keys.public_key), "revocation_feed_max_age": 3600})
        # No revocation feed runs here: its heartbeat as the gateway's consumer would record it.
        with gateway.extensions["kabinet.gateway"].session_factory.begin() as session:
            record_heartbeat(session, utcnow())
        with serve(gateway) as url:
            yield url
        gateway.extensions["kabinet.gateway"].close()


def _call(world, url, login, method, path, extra=None, **kwargs):
    return requests.request(method, f"{url}/api/preschool{path}", timeout=10,
                            headers={"Authorization": f"Bearer {world.token(login)}", **(extra or {})}, **kwargs)


def test_observations_through_the_gateway(world, rounds, gateway_url):
    children = _call(world, gateway_url, "educator1", "GET", f"/groups/{world.group('Солнышко')}/children")
    assert children.status_code == 200, children.text
    child = next(c["child_id"] for c in children.json()["children"] if c["display_name"] == "Уткин Дима")
    technoworld = world.indicators("senior", "technoworld")
    path = f"/children/{child}/rounds/{rounds[1]}/cards/technoworld"
    body = {"observations": [{"indicator_id": i["id"], "level": 3} for i in technoworld]}
    assert _call(world, gateway_url, "educator1", "PUT", path, json=body).status_code == 428
    read = _call(world, gateway_url, "educator1", "GET", path)
    assert read.status_code == 200 and read.headers["ETag"], read.text  # the gateway passes the version on
    saved = _call(world, gateway_url, "educator1", "PUT", path, json=body, extra={"If-Match": read.headers["ETag"]})
    assert saved.status_code == 200 and saved.headers["ETag"] != read.headers["ETag"], saved.text
    stale = _call(world, gateway_url, "educator1", "PUT", path, json=body, extra={"If-Match": read.headers["ETag"]})
    assert stale.status_code == 412 and stale.headers["ETag"] == saved.headers["ETag"]
    cabinet = _call(world, gateway_url, "educator1", "GET", f"/children/{child}/cabinet").json()
    card = next(c for c in cabinet["catalogues"][0]["cards"] if c["code"] == "technoworld")
    assert all(i["observations"][0]["level"] == 3 for i in card["indicators"])
    bad = _call(world, gateway_url, "educator1", "POST", "/observations", extra={"If-Match": saved.headers["ETag"]},
                json={"child_id": child, "round_id": rounds[1], "indicator_id": technoworld[0]["id"], "level": 9})
    assert bad.status_code == 422 and bad.headers["Content-Type"].startswith("application/problem+json")
    assert "level" in bad.json()["errors"]


def test_the_guardians_recommendations_path_through_the_gateway(world, gateway_url):
    anna = world.children_of("guardian1")["Анна"]
    assert world.as_("educator1", "POST", f"/children/{anna}/recommendations",
                     json={"text": "Больше гулять и играть в подвижные игры."}).status_code == 201
    mine = _call(world, gateway_url, "guardian1", "GET", f"/children/{anna}/recommendations")
    assert mine.status_code == 200 and any("подвижные игры" in r["text"] for r in mine.json()["items"])
    assert _call(world, gateway_url, "guardian2", "GET", f"/children/{anna}/recommendations").status_code == 404
    assert requests.get(f"{gateway_url}/api/preschool/me/children", timeout=10).status_code == 401


def test_a_logged_out_token_sent_straight_to_the_preschool_is_refused(world, gateway_url):
    """issue 11, finding 4: the gateway refuses a logged-out token; going round it gets nothing."""
    token = world.identity.post("/auth/token", json={"login": "educator1", "password": "kabinet-demo"}).json[
        "access_token"]
    bearer = f"Bearer {token}"
    path = f"/groups/{world.group('Солнышко')}/children"
    through = requests.get(f"{gateway_url}/api/preschool{path}", headers={"Authorization": bearer}, timeout=10)
    assert through.status_code == 200, through.text
    assert world.identity.post("/auth/logout", headers={"Authorization": bearer}).status_code == 204

    direct = world.app.test_client()  # unsigned: a caller that bypasses the gateway
    secret = app_deps(world.app).settings.gateway_proof
    other = f"Bearer {world.token('educator1')}"
    for headers in ({"Authorization": bearer},
                    {"Authorization": bearer, HEADER: sign(secret, "GET", path, other)},
                    {"Authorization": other, HEADER: sign(secret, "GET", path, bearer)},
                    {"Authorization": bearer, HEADER: sign(secret, "GET", path, bearer, now=time.time() - 90)}):
        response = direct.get(path, headers=headers)
        assert response.status_code == 401, (headers.keys(), response.json)
        assert response.headers["Content-Type"].startswith("application/problem+json")
    signed = direct.get(path, headers={"Authorization": other, HEADER: sign(secret, "GET", path, other)})
    assert signed.status_code == 200
