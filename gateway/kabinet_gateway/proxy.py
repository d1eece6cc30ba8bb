"""Forwarding to the services over pooled keep-alive connections, streaming both ways.

Request bodies are handed to urllib3 as a stream (read in blocks as the upstream takes them)
and response bodies are passed to the client block by block as they arrive, so an upload or a
download of any size costs the gateway a few blocks of memory.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

import urllib3
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    LocationValueError,
    MaxRetryError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)

from kabinet_kit import gateway_proof

from .browser import without_our_cookies

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
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS"})


class StaleConnectionRetry(urllib3.Retry):
    """One retry of an idempotent request on a pooled keep-alive connection the upstream had
    closed meanwhile; never on a refused connection or a slow answer (those are the status)."""

    def _is_connection_error(self, err) -> bool:
        return False

    def _is_read_error(self, err) -> bool:
        return isinstance(err, ProtocolError)


STALE_RETRY = StaleConnectionRetry(total=1, connect=0, read=1, redirect=0, status=0, other=0,
                                   allowed_methods=frozenset({"GET", "HEAD", "OPTIONS"}), raise_on_status=False)


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
    pool: urllib3.HTTPConnectionPool
    #: Signs every request forwarded here (kabinet_kit.gateway_proof); the service refuses unsigned ones.
    proof_secret: str = ""

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
    pool = cls(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80), maxsize=maxsize,
               block=False, timeout=timeout, retries=False)
    return Upstream(name, url, pool, proof_secret)


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


def filter_response_headers(headers) -> list[tuple[str, str]]:
    connection_listed = {h.strip().lower() for h in headers.get("Connection", "").split(",") if h.strip()}
    return [(k, v) for k, v in headers.items()
            if k.lower() not in HOP_BY_HOP and k.lower() not in connection_listed]


def quote_path(path: str) -> str:
    """Encode the decoded path the gateway checked so the service decodes exactly that string:
    '%' is not safe here, a literal one goes as %25 (the routes refuse it before this anyway)."""
    return quote(path, safe="/:@!$&'()*+,;=-._~")


def _classify(service: str, exc: Exception) -> UpstreamFailure:
    reason = exc.reason if isinstance(exc, MaxRetryError) and exc.reason is not None else exc
    if isinstance(reason, ReadTimeoutError):
        return UpstreamFailure(service, 504, f"The {service} service did not answer in time.")
    if isinstance(reason, (ConnectTimeoutError, NewConnectionError, ConnectionRefusedError)):
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

    def __init__(self, upstream: Upstream, response: urllib3.BaseHTTPResponse, started: float):
        self.upstream = upstream
        self.response = response
        self.status = response.status
        self.headers = filter_response_headers(response.headers)
        self.started = started
        self.body: bytes | None = None
        length = response.headers.get("Content-Length")
        if length is not None and length.isdigit() and int(length) <= SMALL_BODY:
            try:
                self.body = response.read(decode_content=False)
            except (HTTPError, OSError) as exc:
                response.close()
                raise _classify(upstream.name, exc) from None
            response.release_conn()

    def discard(self) -> None:
        if self.body is None:
            self.response.close()

    def iter(self):
        response = self.response
        complete = False
        try:
            while True:
                chunk = response.read1(BLOCK, decode_content=False)
                if not chunk:
                    break
                yield chunk
            complete = True
        except (HTTPError, OSError) as exc:
            # Headers are gone already: all we can do is cut the stream short and say so.
            log.warning("upstream stream broke", extra={"upstream": self.upstream.name, "error": repr(exc)})
        finally:
            if complete:
                response.release_conn()
            else:
                response.close()  # never hand a half-read connection back to the pool


def forward(upstream: Upstream, method: str, path: str, query: bytes, headers: dict[str, str],
            body, *, chunked: bool = False, timeout: urllib3.Timeout | None = None) -> Forwarded:
    """Send one request, with the gateway's proof for exactly this request line and token;
    raises UpstreamFailure (502/503/504) or BodyTooLarge."""
    target = upstream.base_path + "/" + quote_path(path)
    if query:
        target += "?" + query.decode("latin-1")
    if upstream.proof_secret:
        authorization = next((v for k, v in headers.items() if k.lower() == "authorization"), None)
        # Signed as the service decodes it: the path it routes on, the query as sent.
        signed = gateway_proof.request_target(unquote(upstream.base_path) + "/" + path, query)
        headers = {**headers, gateway_proof.HEADER: gateway_proof.sign(upstream.proof_secret, method, signed,
                                                                       authorization)}
    started = time.perf_counter()
    retries = STALE_RETRY if method in IDEMPOTENT and (body is None or isinstance(body, bytes)) else False
    try:
        response = upstream.pool.urlopen(
            method, target, body=body, headers=headers, retries=retries, redirect=False,
            assert_same_host=False, preload_content=False, decode_content=False, chunked=chunked,
            release_conn=False, timeout=timeout if timeout is not None else upstream.pool.timeout)
    except BodyTooLarge:
        raise
    except (HTTPError, OSError) as exc:
        if isinstance(exc.__context__, BodyTooLarge) or isinstance(getattr(exc, "reason", None), BodyTooLarge):
            raise BodyTooLarge() from None
        raise _classify(upstream.name, exc) from None
    return Forwarded(upstream, response, started)
