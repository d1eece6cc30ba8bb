"""Login and code redemption are limited per client address."""
from kabinet_gateway.ratelimit import RateLimiter


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_token_bucket_refills():
    clock = Clock()
    limiter = RateLimiter(3, 60, clock=clock)
    assert [limiter.hit("a")[0] for _ in range(3)] == [True, True, True]
    allowed, retry = limiter.hit("a")
    assert not allowed and retry == 20  # one token per 20 s
    assert limiter.hit("b")[0]  # another address is not affected
    clock.now += 20
    assert limiter.hit("a")[0] and not limiter.hit("a")[0]


def test_eviction_keeps_memory_bounded():
    clock = Clock()
    limiter = RateLimiter(1, 1, clock=clock, max_keys=10)
    for i in range(10):
        limiter.hit(f"k{i}")
    clock.now += 5
    limiter.hit("new")
    assert len(limiter._buckets) <= 2


def test_login_and_redeem_get_429_with_retry_after(make_app):
    client = make_app(login_rate="2/60", redeem_rate="1/300").test_client()
    codes = [client.post("/api/identity/auth/token", json={}).status_code for _ in range(3)]
    assert codes == [503, 503, 429]  # the first two reach the (absent) upstream
    response = client.post("/api/identity/auth/token", json={})
    assert response.status_code == 429 and response.mimetype == "application/problem+json"
    assert int(response.headers["Retry-After"]) >= 1
    assert [client.post("/api/identity/access-codes/redeem", json={}).status_code for _ in range(2)] == [503, 429]
    # Another client address has its own budget.
    other = client.post("/api/identity/auth/token", json={}, environ_base={"REMOTE_ADDR": "10.1.1.1"})
    assert other.status_code == 503
    # Other endpoints are not limited.
    assert client.post("/api/identity/auth/refresh", json={}).status_code == 503
