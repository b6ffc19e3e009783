"""Renditions in an S3-compatible bucket (AWS, MinIO, R2, SeaweedFS...).

Credentials come from the environment in the usual way (AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_PROFILE, instance roles), never
from the site's configuration. Each write is one PUT, which S3 makes atomic.
Expiry is left to the bucket's lifecycle rules.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

from octavo.images.stores.base import IMMUTABLE, StoredRendition

#: How long a name seen in the bucket is trusted without asking again; a bucket
#: emptied behind the site's back is noticed within this time.
KNOWN_TTL = 60.0
KNOWN_SIZE = 16384


class S3Store:
    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        endpoint: str | None = None,
        region: str | None = None,
        client: Any = None,
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix
        self.client = client or _client(endpoint, region)
        self._known: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def file_path(self, name: str) -> str | None:
        return None

    def exists(self, name: str) -> bool:
        with self._lock:
            seen = self._known.get(name)
        if seen is not None and time.monotonic() - seen < KNOWN_TTL:
            return True
        try:
            self.client.head_object(Bucket=self.bucket, Key=self.prefix + name)
        except self.client.exceptions.ClientError as err:
            if _status(err) == 404:
                self._forget(name)
                return False
            raise
        self._remember(name)
        return True

    def put(self, name: str, data: bytes, content_type: str) -> None:
        self.client.put_object(
            Bucket=self.bucket,
            Key=self.prefix + name,
            Body=data,
            ContentType=content_type,
            CacheControl=IMMUTABLE,
        )
        self._remember(name)

    def read(self, name: str) -> bytes | None:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self.prefix + name)
        except self.client.exceptions.NoSuchKey:
            self._forget(name)
            return None
        data: bytes = response["Body"].read()
        return data

    def touch(self, name: str) -> None:
        """Nothing to do: a bucket's lifecycle rules expire objects by age."""

    def delete(self, name: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.prefix + name)
        self._forget(name)

    def items(self) -> Iterator[StoredRendition]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        for page in pages:
            for item in page.get("Contents", []):
                name = item["Key"][len(self.prefix) :]
                yield StoredRendition(name, item["Size"], item["LastModified"].timestamp())

    def _remember(self, name: str) -> None:
        with self._lock:
            self._known[name] = time.monotonic()
            self._known.move_to_end(name)
            while len(self._known) > KNOWN_SIZE:
                self._known.popitem(last=False)

    def _forget(self, name: str) -> None:
        with self._lock:
            self._known.pop(name, None)


def _client(endpoint: str | None, region: str | None) -> Any:
    try:
        import boto3
        from botocore.config import Config
    except ImportError:
        raise ValueError("image_store 's3' needs boto3: pip install 'octavo[s3]'") from None
    config = Config(retries={"max_attempts": 3, "mode": "standard"}, max_pool_connections=32)
    return boto3.client("s3", endpoint_url=endpoint, region_name=region, config=config)


def _status(err: Any) -> int | None:
    code = err.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return int(code) if code is not None else None
