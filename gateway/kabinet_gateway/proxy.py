"""Forwarding to the services over pooled keep-alive connections, streaming both ways.

Request bodies are sent as a stream (read in blocks as the upstream takes them; wire.py)
and response bodies are passed to the client block by block as they arrive, so an upload or a
download of any size costs the gateway a few blocks of memory.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

import urllib3
from urllib3.exceptions import LocationValueError

from kabinet_kit import gateway_proof

from .browser import without_our_cookies
from .wire import Response, WireError, WirePool

log = logging.getLogger("kabinet.gateway.proxy")

BLOCK = 64 * 1024
# Bodies up to this size are read whole (one write, no generator): most API calls.
SMALL_BODY = 64 * 1024

HOP_BY_HOP = frozenset({
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer", "trailers",
    "transfer-encoding", "upgrade", "proxy-connection",
})
# Request headers the gateway sets itself (or that belong to this hop only).
DROP_REQUEST = HOP_BY_HOP | {
    "host", "content-length", "expect", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto",
    "x-forwarded-prefix", "forwarded", "x-real-ip", "x-request-id", "x-correlation-id", "x-csrf-token",
}


class UpstreamFailure(Exception):
    """An upstream could not give an answer: ``status`` is what the client gets."""

    def __init__(self, service: str, status: int, detail: str):
        super().__init__(detail)
        self.service = service
        self.status = status
        self.detail = detail


class BodyTooLarge(Exception):
    pass


@dataclass
class Upstream:
    name: str
    url: str
    #: The health probes' pool (upstream_health).
    pool: urllib3.HTTPConnectionPool
    #: Signs every request forwarded here (kabinet_kit.gateway_proof); the service refuses unsigned ones.
    proof_secret: str = ""
    #: The forwarded requests' keep-alive connections (wire.py).
    wire: WirePool = None  # type: ignore[assignment]  # always set by make_upstream

    @property
    def base_path(self) -> str:
        return urlsplit(self.url).path.rstrip("/")


def make_upstream(name: str, url: str, *, maxsize: int, connect_timeout: float, read_timeout: float,
                  proof_secret: str = "") -> Upstream:
    parts = urlsplit(url)
    if not parts.hostname:
        # What urllib3 would raise for the missing host, naming the upstream.
        raise LocationValueError(f"The {name} upstream's URL names no host: {url!r}")
    timeout = urllib3.Timeout(connect=connect_timeout, read=read_timeout)
    cls = urllib3.HTTPSConnectionPool if parts.scheme == "https" else urllib3.HTTPConnectionPool
    port = parts.port or (443 if parts.scheme == "https" else 80)
    pool = cls(parts.hostname, port, maxsize=maxsize, block=False, timeout=timeout, retries=False)
    wire = WirePool(parts.hostname, port, maxsize=maxsize, connect_timeout=connect_timeout,
                    read_timeout=read_timeout, tls=parts.scheme == "https")
    return Upstream(name, url, pool, proof_secret, wire)


def filter_request_headers(headers) -> dict[str, str]:
    """Client headers worth forwarding: no hop-by-hop, no forged identity, no forwarding info,
    none of the gateway's own cookies (the browser session's token goes as Authorization)."""
    connection_listed = {h.strip().lower() for h in headers.get("Connection", "").split(",") if h.strip()}
    out = {}
    for key, value in headers.items():
        lower = key.lower()
        if lower in DROP_REQUEST or lower in connection_listed or lower.startswith("x-kabinet-"):
            continue
        if lower == "cookie":
            value = without_our_cookies(value)
            if value is None:
                continue
        out[key] = value
    return out


def filter_response_headers(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    connection = next((v for k, v in headers if k.lower() == "connection"), "")
    connection_listed = {h.strip().lower() for h in connection.split(",") if h.strip()}
    return [(k, v) for k, v in headers if k.lower() not in HOP_BY_HOP and k.lower() not in connection_listed]


def quote_path(path: str) -> str:
    """Encode the decoded path the gateway checked so the service decodes exactly that string:
    '%' is not safe here, a literal one goes as %25 (the routes refuse it before this anyway)."""
    return quote(path, safe="/:@!$&'()*+,;=-._~")


def _classify(service: str, exc: WireError) -> UpstreamFailure:
    if exc.kind == "timeout":
        return UpstreamFailure(service, 504, f"The {service} service did not answer in time.")
    if exc.kind == "connect":
        return UpstreamFailure(service, 503, f"The {service} service is unreachable; retry later.")
    return UpstreamFailure(service, 502, f"The {service} service gave an invalid response.")


def counted(stream, limit: int, block: int = BLOCK):
    """Yield a request body in blocks, stopping with BodyTooLarge past ``limit`` bytes."""
    total = 0
    while True:
        chunk = stream.read(block)
        if not chunk:
            return
        total += len(chunk)
        if total > limit:
            raise BodyTooLarge()
        yield chunk


class Forwarded:
    """An upstream response: headers now, body either whole (``body``) or streamed (``iter``)."""

    def __init__(self, upstream: Upstream, response: Response, started: float):
        self.upstream = upstream
        self.response = response
        self.status = response.status
        self.headers = filter_response_headers(response.headers)
        self.started = started
        self.body: bytes | None = None
        if response.length is not None and response.length <= SMALL_BODY:
            try:
                self.body = response.read()
            except WireError as exc:
                raise _classify(upstream.name, exc) from None

    def discard(self) -> None:
        if self.body is None:
            self.response.close()

    def iter(self) -> Iterator[bytes]:
        try:
            yield from self.response.stream()
        except WireError as exc:
            # Headers are gone already: all we can do is cut the stream short and say so.
            log.warning("upstream stream broke", extra={"upstream": self.upstream.name, "error": repr(exc)})


def forward(upstream: Upstream, method: str, path: str, query: bytes, headers: dict[str, str],
            body: bytes | Iterable[bytes] | None, *, chunked: bool = False,
            timeout: float | None = None) -> Forwarded:
    """Send one request, with the gateway's proof for exactly this request line and token;
    raises UpstreamFailure (502/503/504) or BodyTooLarge. ``timeout``: for the answer (seconds)."""
    target = upstream.base_path + "/" + quote_path(path)
    if query:
        target += "?" + query.decode("latin-1")
    if upstream.proof_secret:
        authorization = headers.get("Authorization")
        if authorization is None:
            authorization = next((v for k, v in headers.items() if k.lower() == "authorization"), None)
        # Signed as the service decodes it: the path it routes on, the query as sent.
        signed = gateway_proof.request_target(unquote(upstream.base_path) + "/" + path, query)
        headers = {**headers, gateway_proof.HEADER: gateway_proof.sign(upstream.proof_secret, method, signed,
                                                                       authorization)}
    started = time.perf_counter()
    try:
        response = upstream.wire.request(method, target, headers, body, chunked=chunked, read_timeout=timeout)
    except WireError as exc:
        raise _classify(upstream.name, exc) from None
    return Forwarded(upstream, response, started)
