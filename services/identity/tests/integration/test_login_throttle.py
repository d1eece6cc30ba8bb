"""Failed logins are throttled per login and client address (issue 11, finding 4)."""
from kabinet_identity.seed import DEMO_PASSWORD


def _login_from(api, address, login, password):
    return api.client.post("/auth/token", json={"login": login, "password": password},
                           headers={"X-Forwarded-For": address})


def test_wrong_passwords_from_one_address_do_not_lock_the_owner_out(fresh_api):
    """Issue 11, finding 4: failed logins are throttled per login and address, so an attacker
    guessing from elsewhere cannot lock the owner out."""
    for _ in range(5):
        assert _login_from(fresh_api, "203.0.113.7", "teacher2", "wrong-password-1").status_code == 401
    assert _login_from(fresh_api, "203.0.113.7", "teacher2", DEMO_PASSWORD).status_code == 401
    assert _login_from(fresh_api, "198.51.100.20", "teacher2", DEMO_PASSWORD).status_code == 200
