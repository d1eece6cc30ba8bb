"""Which upstreams the gateway has, from the environment."""
from kabinet_gateway.config import default_upstreams, parse_upstreams


def test_only_deployed_services_have_default_urls():
    """issue 11, finding 7: reports (not deployed) is an upstream only when its URL is given;
    portfolio is deployed since issue 13."""
    assert default_upstreams({}) == {"identity": "http://127.0.0.1:8101", "journal": "http://127.0.0.1:8102",
                                     "preschool": "http://127.0.0.1:8103", "portfolio": "http://127.0.0.1:8104"}
    # A port alone says where a service would listen, not that it is deployed.
    assert "reports" not in default_upstreams({"PORTFOLIO_PORT": "9104", "REPORTS_PORT": "9105"})
    assert default_upstreams({"PORTFOLIO_PORT": "9104"})["portfolio"] == "http://127.0.0.1:9104"
    assert default_upstreams({"REPORTS_URL": "http://10.0.0.7:8105"})["reports"] == "http://10.0.0.7:8105"
    assert "portfolio" not in default_upstreams({"PORTFOLIO_URL": ""})
    assert "journal" not in default_upstreams({"JOURNAL_URL": ""})
    assert default_upstreams({"JOURNAL_PORT": "9102"})["journal"] == "http://127.0.0.1:9102"


def test_gateway_upstreams_add_and_remove():
    base = default_upstreams({})
    assert parse_upstreams("portfolio=http://p:1,journal=", base) == {
        "identity": "http://127.0.0.1:8101", "preschool": "http://127.0.0.1:8103", "portfolio": "http://p:1"}
    assert "reports" not in parse_upstreams("identity=http://i:1", base)
