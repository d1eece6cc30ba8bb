"""Which upstreams the gateway has, from the environment."""
from kabinet_gateway import config
from kabinet_gateway.config import default_upstreams, parse_upstreams


def test_only_deployed_services_have_default_urls(monkeypatch):
    """issue 11, finding 7: a service not deployed is an upstream only when its URL is given;
    portfolio is deployed since issue 13, reports since issue 14."""
    assert default_upstreams({}) == {"identity": "http://127.0.0.1:8101", "journal": "http://127.0.0.1:8102",
                                     "preschool": "http://127.0.0.1:8103", "portfolio": "http://127.0.0.1:8104",
                                     "reports": "http://127.0.0.1:8105"}
    monkeypatch.setattr(config, "UNDEPLOYED", ("archive",))
    # A port alone says where a service would listen, not that it is deployed.
    assert "archive" not in default_upstreams({"PORTFOLIO_PORT": "9104", "ARCHIVE_PORT": "9106"})
    assert default_upstreams({"PORTFOLIO_PORT": "9104"})["portfolio"] == "http://127.0.0.1:9104"
    assert default_upstreams({"ARCHIVE_URL": "http://10.0.0.7:8106"})["archive"] == "http://10.0.0.7:8106"
    assert "portfolio" not in default_upstreams({"PORTFOLIO_URL": ""})
    assert "journal" not in default_upstreams({"JOURNAL_URL": ""})
    assert default_upstreams({"JOURNAL_PORT": "9102"})["journal"] == "http://127.0.0.1:9102"


def test_gateway_upstreams_add_and_remove():
    base = default_upstreams({})
    assert parse_upstreams("portfolio=http://p:1,journal=,reports=", base) == {
        "identity": "http://127.0.0.1:8101", "preschool": "http://127.0.0.1:8103", "portfolio": "http://p:1"}
    assert "archive" not in parse_upstreams("identity=http://i:1", base)
