"""What the gateway forwards and what it drops."""
from werkzeug.datastructures import Headers

from kabinet_gateway.auth import has_dot_segments, is_blocked, is_public
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
    import kabinet_gateway.routing as routing
    seen = {}

    def fake_forward(upstream, method, path, query, headers, body, chunked=False):
        seen.update(headers=headers, path=path, query=query, method=method)
        from kabinet_gateway.proxy import UpstreamFailure
        raise UpstreamFailure("identity", 503, "Service unavailable", "stop here")
    monkeypatch.setattr(routing, "forward", fake_forward)
    token, claims = mint()
    client = make_app().test_client()
    client.get("/api/identity/children/42?x=1&y=%20z", headers={
        "Authorization": f"Bearer {token}", "X-Kabinet-Account-Id": "forged", "X-Forwarded-For": "6.6.6.6",
        "X-Request-ID": "req-123", "X-Correlation-ID": "corr-9"})
    h = seen["headers"]
    assert h["X-Kabinet-Account-Id"] == claims["sub"]
    assert h["X-Kabinet-Session-Id"] == claims["sid"]
    assert h["Authorization"] == f"Bearer {token}"  # services verify too
    assert h["X-Forwarded-For"] == "127.0.0.1"
    assert h["X-Request-ID"] == "req-123" and h["X-Correlation-ID"] == "corr-9"
    assert h["X-Forwarded-Prefix"] == "/api/identity"
    assert seen["path"] == "children/42" and seen["query"] == b"x=1&y=%20z" and seen["method"] == "GET"


def test_public_blocked_and_dot_segments():
    assert is_public("identity", "auth/token") and is_public("journal", "openapi.json")
    assert not is_public("identity", "me") and not is_public("journal", "auth/token")
    assert is_blocked("metrics")
    assert has_dot_segments("../x") and has_dot_segments("a/./b") and has_dot_segments("a/..")
    assert not has_dot_segments(".well-known/jwks.json") and not has_dot_segments("a..b/c")
    assert quote_path("a b/ц/%2F") == "a%20b/%D1%86/%2F"
