"""HTTP/1.1 to the upstreams over pooled keep-alive sockets: the forwarding's own client.

urllib3 on http.client parsed every response's headers with the email package and wrapped each
request in several layers: half of the gateway's CPU per proxied request (py-spy, issue 12 item
7). The gateway talks only to its own services, over HTTP/1.1 (plain or TLS), so this client does
just that: a request line and headers written once, the status line and headers read with
``readline``, bodies framed by Content-Length, chunked encoding or the connection's end, and a
connection handed back to the pool only when its response was read to the end.
"""
from __future__ import annotations

import io
import select
import socket
import ssl
import threading
from collections.abc import Iterable, Iterator
from typing import cast

BLOCK = 64 * 1024
_MAX_LINE = 65536
_MAX_HEADERS = 200
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS"})


class WireError(Exception):
    """``kind``: ``connect`` (refused or not connected in time), ``timeout`` (no answer in time)
    or ``protocol`` (a broken or invalid answer)."""

    def __init__(self, kind: str, detail: str):
        super().__init__(detail)
        self.kind = kind


class _Stale(Exception):
    """A pooled connection the upstream had closed meanwhile."""


class Connection:
    def __init__(self, host: str, port: int, connect_timeout: float, tls: ssl.SSLContext | None = None):
        try:
            sock = socket.create_connection((host, port), timeout=connect_timeout)
            self.sock = tls.wrap_socket(sock, server_hostname=host) if tls is not None else sock
        except TimeoutError as exc:
            raise WireError("connect", f"connect timed out: {exc}") from None
        except OSError as exc:
            raise WireError("connect", f"cannot connect: {exc}") from None
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.rfile = cast(io.BufferedReader, self.sock.makefile("rb", buffering=BLOCK))
        self.reused = False

    def dropped(self) -> bool:
        """An idle connection with something to read has been closed by the upstream (or sent
        what nobody asked for): unusable either way."""
        return bool(select.select([self.sock], [], [], 0)[0])

    def close(self) -> None:
        try:
            self.rfile.close()
        finally:
            self.sock.close()


class WirePool:
    """At most ``maxsize`` idle connections kept; more may be open while busy (never blocks)."""

    def __init__(self, host: str, port: int, *, maxsize: int, connect_timeout: float, read_timeout: float,
                 tls: bool = False):
        self.host, self.port = host, port
        self.tls = ssl.create_default_context() if tls else None
        self.host_header = host if port == (443 if tls else 80) else f"{host}:{port}"
        self.maxsize = maxsize
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self._idle: list[Connection] = []
        self._lock = threading.Lock()

    def _get(self) -> Connection:
        while True:
            with self._lock:
                if not self._idle:
                    break
                conn = self._idle.pop()
            if conn.dropped():
                conn.close()  # the upstream closed it while idle (restarted, timed out)
                continue
            conn.reused = True
            return conn
        return Connection(self.host, self.port, self.connect_timeout, self.tls)

    def _put(self, conn: Connection) -> None:
        with self._lock:
            if len(self._idle) < self.maxsize:
                self._idle.append(conn)
                return
        conn.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    def request(self, method: str, target: str, headers: dict[str, str], body: bytes | Iterable[bytes] | None,
                *, chunked: bool = False, read_timeout: float | None = None) -> Response:
        """Send one request and read the response's head. An idempotent request whose body can be
        sent again is retried once on a fresh connection when a pooled one turns out closed."""
        retry = method in IDEMPOTENT and (body is None or isinstance(body, bytes))
        while True:
            conn = self._get()
            conn.sock.settimeout(read_timeout if read_timeout is not None else self.read_timeout)
            try:
                _send(conn, self.host_header, method, target, headers, body, chunked)
                return _read_head(self, conn, method)
            except _Stale:
                conn.close()
                if not conn.reused:  # a new connection closed unanswered: the service is going away
                    raise WireError("connect", "the upstream closed a new connection unanswered") from None
                if not retry:
                    raise WireError("protocol", "the upstream closed the connection") from None
                retry = False
            except TimeoutError:
                conn.close()
                raise WireError("timeout", "no answer in time") from None
            except WireError:
                conn.close()
                raise
            except OSError as exc:
                conn.close()
                raise WireError("protocol", f"connection broke: {exc}") from None
            except BaseException:
                conn.close()  # the body's own errors (too large): the connection is half-written
                raise


def _send(conn: Connection, host: str, method: str, target: str, headers: dict[str, str],
          body: bytes | Iterable[bytes] | None, chunked: bool) -> None:
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}"]
    lines += [f"{key}: {value}" for key, value in headers.items()]
    if isinstance(body, bytes):
        if "Content-Length" not in headers:
            lines.append(f"Content-Length: {len(body)}")
    elif body is not None and chunked:
        lines.append("Transfer-Encoding: chunked")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    try:
        if isinstance(body, bytes):
            conn.sock.sendall(head + body)
            return
        conn.sock.sendall(head)
    except TimeoutError:
        raise
    except OSError:
        raise _Stale() from None
    if body is None:
        return
    for chunk in body:
        if chunk:
            conn.sock.sendall(b"%x\r\n%b\r\n" % (len(chunk), chunk) if chunked else chunk)
    if chunked:
        conn.sock.sendall(b"0\r\n\r\n")


def _read_head(pool: WirePool, conn: Connection, method: str) -> Response:
    rfile = conn.rfile
    while True:
        try:
            line = rfile.readline(_MAX_LINE)
        except TimeoutError:
            raise
        except OSError:
            raise _Stale() from None
        if not line:
            raise _Stale()
        parts = line.split(None, 2)
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or not parts[1].isdigit():
            raise WireError("protocol", f"invalid status line {line[:80]!r}")
        status = int(parts[1])
        headers: list[tuple[str, str]] = []
        while True:
            raw = rfile.readline(_MAX_LINE)
            if raw in (b"\r\n", b"\n"):
                break
            if not raw or len(headers) >= _MAX_HEADERS:
                raise WireError("protocol", "invalid response headers")
            key, sep, value = raw.decode("latin-1").partition(":")
            if not sep:
                raise WireError("protocol", "invalid response header line")
            headers.append((key.strip(), value.strip()))
        if 100 <= status < 200 and status != 101:
            continue  # 100 Continue and friends: the real answer follows
        return Response(pool, conn, status, headers, method, keep_alive=parts[0] == b"HTTP/1.1")


class Response:
    """A response's head; its body read whole (``read``) or in blocks (``stream``)."""

    def __init__(self, pool: WirePool, conn: Connection, status: int, headers: list[tuple[str, str]], method: str,
                 keep_alive: bool):
        self.status = status
        self.headers = headers
        self._pool: WirePool | None = pool
        self._conn = conn
        lower = {k.lower(): v for k, v in headers}
        connection = lower.get("connection", "").lower()
        self._reusable = "close" not in connection and (keep_alive or "keep-alive" in connection)
        self._chunked = False
        self._remaining: int | None = None  # None with no framing: until the connection's end
        if method == "HEAD" or status in (204, 304):
            self._remaining = 0
        elif "chunked" in lower.get("transfer-encoding", "").lower():
            self._chunked = True
        elif lower.get("content-length", "").strip().isdigit():
            self._remaining = int(lower["content-length"])
        else:
            self._reusable = False
        self.length = self._remaining if not self._chunked else None

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)

    def read(self) -> bytes:
        return b"".join(self.stream())

    def stream(self) -> Iterator[bytes]:
        """The body in blocks; the connection goes back to the pool once it is read to the end,
        and is closed if anything breaks (never a half-read one in the pool)."""
        try:
            yield from (self._chunks() if self._chunked else self._sized())
        except TimeoutError:
            self.close()
            raise WireError("timeout", "the body did not arrive in time") from None
        except OSError as exc:
            self.close()
            raise WireError("protocol", f"the body broke off: {exc}") from None
        except BaseException:
            self.close()
            raise
        self._release()

    def _sized(self) -> Iterator[bytes]:
        rfile, remaining = self._conn.rfile, self._remaining
        while remaining is None or remaining > 0:
            chunk = rfile.read1(BLOCK if remaining is None else min(BLOCK, remaining))
            if not chunk:
                if remaining is None:
                    return
                raise WireError("protocol", "the body ended early")
            if remaining is not None:
                remaining -= len(chunk)
            yield chunk

    def _chunks(self) -> Iterator[bytes]:
        rfile = self._conn.rfile
        while True:
            size_line = rfile.readline(_MAX_LINE)
            try:
                size = int(size_line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise WireError("protocol", "invalid chunk size") from None
            if size == 0:
                while rfile.readline(_MAX_LINE) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return
            while size > 0:
                chunk = rfile.read1(min(BLOCK, size))
                if not chunk:
                    raise WireError("protocol", "the body ended early")
                size -= len(chunk)
                yield chunk
            rfile.readline(_MAX_LINE)

    def _release(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            if self._reusable:
                pool._put(self._conn)
            else:
                self._conn.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool = None
            self._conn.close()
