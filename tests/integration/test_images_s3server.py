"""A real S3-compatible server for the rendition store tests (moto's server, loopback only).

The fixtures here are imported by the other ``test_images_*`` modules. The
server is started by the tests themselves; if it cannot start, the tests that
need it fail with the reason (they are never skipped).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator

import boto3
import pytest

HOST = "127.0.0.1"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "octavo-test",
    "AWS_SECRET_ACCESS_KEY": "octavo-test-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """``http://127.0.0.1:<port>`` of a moto S3 server running for the whole session."""
    port = _free_port()
    log = open(os.devnull, "wb")  # noqa: SIM115 - lives as long as the server
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", HOST, "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection((HOST, port), timeout=0.5).close()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"the S3 test server (moto) did not start on {HOST}:{port}")
            time.sleep(0.1)
    saved = {key: os.environ.get(key) for key in CREDENTIALS}
    os.environ.update(CREDENTIALS)
    yield f"http://{HOST}:{port}"
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    server.terminate()
    server.wait(10)
    log.close()


@pytest.fixture
def s3_bucket(s3_endpoint: str) -> str:
    """A new, empty bucket on the test server."""
    name = f"octavo-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=s3_endpoint).create_bucket(Bucket=name)
    return name


def test_server_listens_on_loopback_only(s3_endpoint, s3_bucket):
    assert s3_endpoint.startswith("http://127.0.0.1:")
    client = boto3.client("s3", endpoint_url=s3_endpoint)
    assert s3_bucket in [b["Name"] for b in client.list_buckets()["Buckets"]]
