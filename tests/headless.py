"""Debian's headless Chromium driven over the Chrome DevTools protocol (one WebSocket, no driver):
open a page, run a script in it, read what it returns."""
from __future__ import annotations

import itertools
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests
import websocket

from kabinet_kit.testing.http import free_port


class Page:
    def __init__(self, ws_url: str):
        self.ws = websocket.create_connection(ws_url, timeout=30, suppress_origin=True)
        self._ids = itertools.count(1)

    def call(self, method: str, **params: Any) -> dict:
        call_id = next(self._ids)
        self.ws.send(json.dumps({"id": call_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == call_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def open(self, url: str, timeout: float = 15) -> None:
        self.call("Page.navigate", url=url)
        deadline = time.monotonic() + timeout
        while self.evaluate("document.readyState") != "complete":
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url} did not load")
            time.sleep(0.05)

    def evaluate(self, expression: str) -> Any:
        """The expression's value (a promise awaited); a script's exception becomes RuntimeError."""
        result = self.call("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"].get("exception", {}).get("description")
                               or result["exceptionDetails"].get("text"))
        return result["result"].get("value")

    def close(self) -> None:
        self.ws.close()


def chromium_path() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise RuntimeError("no Chromium: apt-get install -y chromium (scripts/ensure-tools.sh chromium)")


@contextmanager
def headless_chromium(timeout: float = 30) -> Iterator[Page]:
    """A fresh browser (its own profile: no cookies) and one blank page."""
    with tempfile.TemporaryDirectory(prefix="kabinet-chromium-", ignore_cleanup_errors=True) as profile:
        port = free_port()
        proc = subprocess.Popen(
            [chromium_path(), "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--no-first-run", "--no-default-browser-check", "--disable-extensions", f"--remote-debugging-port={port}",
             "--remote-debugging-address=127.0.0.1", f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        page = None
        try:
            http_base, deadline = f"http://127.0.0.1:{port}", time.monotonic() + timeout
            while True:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"Chromium did not start (exit {proc.poll()})")
                try:
                    requests.get(f"{http_base}/json/version", timeout=2).raise_for_status()
                    break
                except requests.RequestException:
                    time.sleep(0.1)
            target = next(t for t in requests.get(f"{http_base}/json/list", timeout=10).json() if t["type"] == "page")
            page = Page(target["webSocketDebuggerUrl"])
            page.call("Page.enable")
            page.call("Runtime.enable")
            yield page
        finally:
            if page is not None:
                page.close()
            # The whole group: Chromium's own helper processes write to the profile until they end.
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)
