"""Real memcached and Redis servers for the page-cache tests, started on private
loopback ports and stopped afterwards (tests that stop and start a server use their
own). A missing binary fails the test: scripts/services installs both."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_open(port: int, name: str) -> None:
    for _ in range(100):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    pytest.fail(f"{name} did not start on 127.0.0.1:{port}")


class Server:
    """A server process on one port that can be stopped and started again."""

    def __init__(self, name: str, binary: str, args: list[str], port: int) -> None:
        path = shutil.which(binary)
        if path is None:
            pytest.fail(f"{binary} is not installed (scripts/services installs it)")
        self.name = name
        self.command = [path, *args]
        self.port = port
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            self.command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _wait_open(self.port, self.name)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


def memcached(port: int) -> Server:
    return Server(
        "memcached",
        "memcached",
        ["-p", str(port), "-l", "127.0.0.1", "-U", "0", "-u", "nobody"],
        port,
    )


def redis(port: int) -> Server:
    args = ["--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    return Server("redis", "redis-server", args, port)


@contextmanager
def running(server: Server) -> Iterator[Server]:
    server.start()
    try:
        yield server
    finally:
        server.stop()
