"""The forwarding's own HTTP/1.1 client (wire.py) against scripted servers on loopback: body
framings, keep-alive reuse, a pooled connection the server closed, timeouts and refusals."""
from __future__ import annotations

import socket
import threading
import time

import pytest

from kabinet_gateway.wire import WireError, WirePool
from kabinet_kit.testing.http import closed_port_url


class Scripted:
    """A server answering each request on a connection with the next scripted bytes; ``None``
    closes the connection instead of answering, and so does an HTTP/1.0 answer after it is sent.
    Counts connections and requests."""

    def __init__(self, answers: list[bytes | None]):
        self.answers = list(answers)
        self.connections = 0
        self.requests: list[bytes] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            buffer = b""
            while self.answers:
                while b"\r\n\r\n" not in buffer:
                    data = conn.recv(65536)
                    if not data:
                        return
                    buffer += data
                head, _, buffer = buffer.partition(b"\r\n\r\n")
                self.requests.append(head)
                answer = self.answers.pop(0)
                if answer is None:
                    return
                conn.sendall(answer)
                if answer.startswith(b"HTTP/1.0"):
                    return  # its body ends with the connection
            while conn.recv(65536):  # scripted out: keep the connection until the client closes it
                pass

    def pool(self, **kwargs) -> WirePool:
        return WirePool("127.0.0.1", self.port, maxsize=4, connect_timeout=1, read_timeout=kwargs.get("read", 2))

    def close(self) -> None:
        self.listener.close()


OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Thing: a\r\n\r\nok"


def test_sized_chunked_and_close_delimited_bodies():
    server = Scripted([OK, b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n",
                       b"HTTP/1.0 200 OK\r\n\r\nto the end"])
    pool = server.pool()
    first = pool.request("GET", "/a", {"Accept": "*/*"}, None)
    assert first.status == 200 and first.header("x-thing") == "a" and first.length == 2 and first.read() == b"ok"
    chunked = pool.request("GET", "/b", {}, None)
    assert chunked.length is None and b"".join(chunked.stream()) == b"abcde"
    assert server.connections == 1  # kept alive for both
    until_close = pool.request("GET", "/c", {}, None)
    assert until_close.read() == b"to the end"
    assert server.requests[0].startswith(b"GET /a HTTP/1.1\r\nHost: 127.0.0.1:")
    pool.close()
    server.close()


def test_a_closed_pooled_connection_is_retried_once_for_a_get_but_not_for_a_post():
    server = Scripted([OK, None, OK, OK, None])
    pool = server.pool()
    assert pool.request("GET", "/", {}, None).read() == b"ok"
    assert pool.request("GET", "/", {}, None).read() == b"ok"  # the server closed it: sent again on a new one
    assert server.connections == 2
    assert pool.request("POST", "/", {}, b"{}").read() == b"ok"
    with pytest.raises(WireError) as failure:
        pool.request("POST", "/", {}, b"{}")  # may have been applied: never sent twice
    assert failure.value.kind == "protocol"
    pool.close()
    server.close()


def test_a_slow_answer_times_out_and_a_closed_port_is_refused():
    silent = socket.create_server(("127.0.0.1", 0))  # accepts (the backlog), never answers
    with pytest.raises(WireError) as slow:
        WirePool("127.0.0.1", silent.getsockname()[1], maxsize=1, connect_timeout=1,
                 read_timeout=0.3).request("GET", "/", {}, None)
    assert slow.value.kind == "timeout"
    silent.close()
    port = int(closed_port_url().rsplit(":", 1)[1])
    with pytest.raises(WireError) as refused:
        WirePool("127.0.0.1", port, maxsize=1, connect_timeout=1, read_timeout=1).request("GET", "/", {}, None)
    assert refused.value.kind == "connect"


def test_a_streamed_request_body_is_sent_chunked():
    server = Scripted([OK])
    pool = server.pool()
    assert pool.request("POST", "/up", {}, iter([b"abc", b"", b"de"]), chunked=True).read() == b"ok"
    assert b"Transfer-Encoding: chunked" in server.requests[0]
    pool.close()
    server.close()


def test_a_connection_the_upstream_closed_while_idle_is_not_used_even_for_a_post():
    server = Scripted([OK, None, OK])
    pool = server.pool()
    assert pool.request("GET", "/", {}, None).read() == b"ok"
    conn = pool._idle[-1]
    conn.sock.sendall(b"GET / HTTP/1.1\r\n\r\n")  # the server's next answer is to close
    deadline = time.monotonic() + 2
    while not conn.dropped() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert pool.request("POST", "/", {}, b"{}").read() == b"ok"  # on a new connection, sent once
    assert server.connections == 2
    pool.close()
    server.close()


def test_a_new_connection_closed_unanswered_is_a_service_going_away():
    server = Scripted([None])
    with pytest.raises(WireError) as failure:
        server.pool().request("GET", "/", {}, None)
    assert failure.value.kind == "connect"  # 503, and the upstream is marked unhealthy
    server.close()
