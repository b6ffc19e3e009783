"""A small round-robin load balancer on loopback, for the deployment topology test.

It does what a platform's router does and nothing more: it sends each request to
the next backend whose ``/_ready`` answered 200 at the last look (every 0.2 s),
and retries a GET on the next backend when the chosen one refused the connection
or dropped it before answering (nginx's ``proxy_next_upstream error``). When no
backend is marked ready (a readiness probe can time out behind a queue of page
requests while one instance carries all the load), it tries them all, as nginx does
when every upstream is marked failed. Each response names the backend that served it
in ``X-Backend``.
"""

from __future__ import annotations

import http.client
import itertools
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection"}


class Balancer:
    def __init__(self, backends: list[int]) -> None:
        self.backends = backends
        self.ready: set[int] = set()
        #: Requests sent on to the next backend: "refused" (no connection: a stopped
        #: instance) or "dropped" (the connection failed after the request was sent).
        self.retried: dict[str, int] = {"refused": 0, "dropped": 0}
        self._turn = itertools.count()
        self._stop = threading.Event()
        balancer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_GET(self) -> None:
                balancer.forward(self)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = int(self.server.server_address[1])
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        threading.Thread(target=self._check, daemon=True).start()

    def close(self) -> None:
        self._stop.set()
        self.server.shutdown()
        self.server.server_close()

    def _check(self) -> None:
        while not self._stop.wait(0.2):
            for port in self.backends:
                try:
                    status = _get(port, "/_ready", {}, timeout=2)[0]
                except OSError:
                    status = 0
                if status == 200:
                    self.ready.add(port)
                else:
                    self.ready.discard(port)

    def forward(self, handler: BaseHTTPRequestHandler) -> None:
        ready = [port for port in self.backends if port in self.ready] or list(self.backends)
        start = next(self._turn)
        order = [ready[(start + i) % len(ready)] for i in range(len(ready))]
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in HOP_BY_HOP}
        for port in order:
            try:
                status, reply_headers, body = _get(port, handler.path, headers, timeout=30)
            except ConnectionRefusedError:
                self.retried["refused"] += 1
                continue
            except (OSError, http.client.HTTPException):
                self.retried["dropped"] += 1
                continue
            handler.send_response(status)
            for name, value in reply_headers:
                if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                    handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(body)))
            handler.send_header("X-Backend", str(port))
            handler.end_headers()
            handler.wfile.write(body)
            return
        handler.send_error(502, "no backend answered")


def _get(
    port: int, path: str, headers: dict[str, str], timeout: float
) -> tuple[int, list[tuple[str, str]], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()
