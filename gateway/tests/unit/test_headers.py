"""What the gateway forwards and what it drops."""
from werkzeug.datastructures import Headers

from kabinet_gateway.auth import is_blocked, is_public, path_refusal
from kabinet_gateway.proxy import filter_request_headers, filter_response_headers, quote_path


def test_request_headers_drop_forged_identity_hop_by_hop_and_forwarding():
    incoming = Headers([
        ("Host", "gateway"), ("Authorization", "Bearer abc"), ("Accept", "application/json"),
        ("X-Kabinet-Account-Id", "forged"), ("x-kabinet-roles", "[{\"role\":\"department_officer\"}]"),
        ("X-KABINET-Anything", "x"), ("Connection", "keep-alive, X-Secret-Hop"), ("X-Secret-Hop", "1"),
        ("Keep-Alive", "timeout=5"), ("TE", "trailers"), ("Transfer-Encoding", "chunked"), ("Upgrade", "h2c"),
        ("Proxy-Authorization", "Basic x"), ("X-Forwarded-For", "6.6.6.6"), ("Forwarded", "for=6.6.6.6"),
        ("X-Real-IP", "6.6.6.6"), ("Content-Length", "10"), ("X-Request-ID", "client-chosen"),
        ("Idempotency-Key", "k1"), ("Accept-Encoding", "gzip"), ("Cookie", "a=b"),
    ])
    out = filter_request_headers(incoming)
    assert out == {"Authorization": "Bearer abc", "Accept": "application/json", "Idempotency-Key": "k1",
                   "Accept-Encoding": "gzip", "Cookie": "a=b"}


def test_response_headers_drop_hop_by_hop_only():
    upstream = Headers([("Content-Type", "application/json"), ("Content-Length", "12"), ("Connection", "close, X-Hop"),
                        ("X-Hop", "1"), ("Transfer-Encoding", "chunked"), ("Keep-Alive", "timeout=5"),
                        ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"), ("ETag", '"v1"')])
    assert filter_response_headers(upstream) == [("Content-Type", "application/json"), ("Content-Length", "12"),
                                                 ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"), ("ETag", '"v1"')]


def test_gateway_sets_its_own_identity_and_forwarding_headers(make_app, mint, monkeypatch):
    import kabinet_gateway.gateway as gateway
    seen = {}

    def fake_forward(upstream, method, path, query, headers, body, chunked=False):
        seen.update(headers=headers, path=path, query=query, method=method)
        from kabinet_gateway.proxy import UpstreamFailure
        raise UpstreamFailure("identity", 503, "stop here")
    monkeypatch.setattr(gateway, "forward", fake_forward)
    token, claims = mint()
    app = make_app()
    # The upstream is a closed port: taken as healthy here, so that the request is forwarded.
    monkeypatch.setattr(app.extensions["kabinet.gateway"].health, "is_healthy", lambda name: True)
    client = app.test_client()
    client.get("/api/identity/children/42?x=1&y=%20z", headers={
        "Authorization": f"Bearer {token}", "X-Kabinet-Account-Id": "forged", "X-Forwarded-For": "6.6.6.6",
        "X-Request-ID": "req-123", "X-Correlation-ID": "corr-9"})
    h = seen["headers"]
    assert h["X-Kabinet-Account-Id"] == claims["sub"]
    assert h["X-Kabinet-Session-Id"] == claims["sid"]
    assert h["Authorization"] == f"Bearer {token}"  # services verify too
    assert h["X-Forwarded-For"] == "127.0.0.1"
    # The gateway's own ids, never the client's (issue 11, finding 1).
    assert h["X-Request-ID"] not in ("req-123", "") and h["X-Correlation-ID"] == h["X-Request-ID"]
    assert h["X-Forwarded-Prefix"] == "/api/identity"
    assert seen["path"] == "children/42" and seen["query"] == b"x=1&y=%20z" and seen["method"] == "GET"


def test_public_blocked_and_dot_segments():
    assert is_public("identity", "auth/token") and is_public("journal", "openapi.json")
    assert not is_public("identity", "me") and not is_public("journal", "auth/token")
    assert is_blocked("metrics") and is_blocked("metrics/") and is_blocked("metrics/x")
    assert not is_blocked("x/metrics") and not is_blocked("metricsx")
    for bad in ("../x", "a/./b", "a/..", "%6detrics", "a%2Fb", "%", "a//b", "/metrics"):
        assert path_refusal(bad) is not None, bad
    for good in (".well-known/jwks.json", "a..b/c", "", "a/", "ц/a b;c"):
        assert path_refusal(good) is None, good


def test_quote_path_round_trips_to_the_checked_path():
    """issue 11, finding 3: the service decodes exactly the string the gateway checked."""
    from urllib.parse import unquote
    assert quote_path("a b/ц/%2F") == "a%20b/%D1%86/%252F"
    for path in ("a b/ц/%2F", "a?b#c", "x%256detrics", "a;b=c"):
        assert unquote(quote_path(path)) == path
