"""Real S3-compatible servers for the rendition store tests (loopback only).

The fixtures here are imported by the other ``test_images_*`` modules:
``s3_endpoint``/``s3_bucket`` give a moto server shared by the whole session;
``s3_server`` is parametrized over moto and SeaweedFS, each in its own process
(and, for SeaweedFS, with an S3 gateway the fault tests stop and start). The
servers are started by the tests themselves; if one cannot start, the tests
that need it fail with the reason (they are never skipped).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.s3servers import (
    HOST,
    SERVERS,
    MotoServer,
    S3Server,
    ServerFailed,
    client,
    patch_environment,
    restore_environment,
)


def _started(kind: type[S3Server], workdir: Path) -> Iterator[S3Server]:
    saved = patch_environment()
    try:
        server = kind(workdir)
        server.start()
    except ServerFailed as err:
        restore_environment(saved)
        pytest.fail(str(err))
    yield server
    server.close()
    restore_environment(saved)


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``http://127.0.0.1:<port>`` of a moto S3 server running for the whole session."""
    for server in _started(MotoServer, tmp_path_factory.mktemp("moto")):
        yield server.endpoint


@pytest.fixture
def s3_bucket(s3_endpoint: str) -> str:
    """A new, empty bucket on the shared moto server."""
    name = f"octavo-{uuid.uuid4().hex[:12]}"
    client(s3_endpoint).create_bucket(Bucket=name)
    return name


@pytest.fixture(scope="session", params=sorted(SERVERS))
def s3_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[S3Server]:
    """Each S3-compatible server in turn (moto, SeaweedFS), for the whole session."""
    kind = SERVERS[request.param]
    yield from _started(kind, tmp_path_factory.mktemp(request.param))


def test_server_listens_on_loopback_only(s3_endpoint, s3_bucket):
    assert s3_endpoint.startswith(f"http://{HOST}:")
    buckets = client(s3_endpoint).list_buckets()["Buckets"]
    assert s3_bucket in [b["Name"] for b in buckets]


def test_each_server_stores_and_comes_back(s3_server):
    prefix = s3_server.prefix()
    s3 = s3_server.client()
    s3.put_object(Bucket=s3_server.bucket, Key=prefix + "a", Body=b"kept")
    s3_server.stop()
    with pytest.raises(Exception, match=r"Could not connect|Connection refused|connect"):
        client(s3_server.endpoint, timeout=1).head_bucket(Bucket=s3_server.bucket)
    s3_server.start()
    # SeaweedFS's data outlives its gateway; moto keeps everything in the stopped process
    assert s3_server.keys(prefix) == ([prefix + "a"] if s3_server.kind == "seaweedfs" else [])
