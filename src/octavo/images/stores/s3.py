"""Renditions in an S3-compatible bucket (AWS, MinIO, R2, SeaweedFS...).

Credentials come from the environment in the usual way (AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_PROFILE, instance roles), never
from the site's configuration. Each write is one PUT, which S3 makes atomic:
an upload cut short is never visible under its name. Every call has short
timeouts and is tried once: a store that does not answer in time raises
StoreUnavailable and the caller renders without it (see ``guarded``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from octavo.images.stores.base import IMMUTABLE, StoredRendition, StoreUnavailable

#: Answers to a put-if-absent that mean another writer stored the name first.
_ALREADY_STORED = (409, 412)


class S3Store:
    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        endpoint: str | None = None,
        region: str | None = None,
        *,
        timeout: float = 2.0,
        acl: str | None = None,
        client: Any = None,
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix
        self.acl = acl
        self.where = f"s3://{bucket}/{prefix}"
        self.client = client or _client(endpoint, region, timeout)
        #: Servers that reject If-None-Match on PUT (501) get plain PUTs: the bytes of
        #: a name never change, so overwriting is harmless, only wasted work.
        self._conditional = True

    def file_path(self, name: str) -> str | None:
        return None

    def exists(self, name: str) -> bool:
        try:
            with self._reaching("HEAD", name):
                self.client.head_object(Bucket=self.bucket, Key=self.prefix + name)
        except _Missing:
            return False
        return True

    def put(self, name: str, data: bytes, content_type: str) -> None:
        args: dict[str, Any] = {
            "Bucket": self.bucket,
            "Key": self.prefix + name,
            "Body": data,
            "ContentType": content_type,
            "CacheControl": IMMUTABLE,
        }
        if self.acl:
            args["ACL"] = self.acl
        if self._conditional:
            args["IfNoneMatch"] = "*"
        try:
            with self._reaching("PUT", name):
                self.client.put_object(**args)
        except _Refused as refused:
            if refused.status in _ALREADY_STORED:
                return
            if refused.status == 501 and self._conditional:
                self._conditional = False
                self.put(name, data, content_type)
                return
            raise StoreUnavailable(str(refused)) from None

    def read(self, name: str) -> bytes | None:
        try:
            with self._reaching("GET", name):
                response = self.client.get_object(Bucket=self.bucket, Key=self.prefix + name)
                data: bytes = response["Body"].read()
        except _Missing:
            return None
        return data

    def touch(self, name: str) -> None:
        """Nothing to do: objects expire by the age of their last write."""

    def delete(self, name: str) -> None:
        with contextlib.suppress(_Missing), self._reaching("DELETE", name):
            self.client.delete_object(Bucket=self.bucket, Key=self.prefix + name)

    def items(self) -> Iterator[StoredRendition]:
        with self._reaching("LIST", ""):
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=self.prefix
            )
            for page in pages:
                for item in page.get("Contents", []):
                    name = item["Key"][len(self.prefix) :]
                    yield StoredRendition(name, item["Size"], item["LastModified"].timestamp())

    def probe(self) -> None:
        with self._reaching("HEAD bucket", ""):
            self.client.head_bucket(Bucket=self.bucket)

    def misconfiguration(self) -> str | None:
        from botocore.exceptions import ClientError, NoCredentialsError

        where = self.client.meta.endpoint_url
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except NoCredentialsError:
            return (
                f"the rendition store {self.where} needs credentials: set "
                "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE, an instance role)"
            )
        except ClientError as err:
            status = _status(err)
            if status == 404:
                return f"image_s3_bucket: there is no bucket {self.bucket!r} at {where}"
            if status in (400, 401, 403):
                return (
                    f"the rendition store {self.where} at {where} refused the credentials "
                    f"(HTTP {status}): check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and "
                    "image_s3_region, and that they may use image_s3_bucket"
                )
        except Exception:  # unreachable or slow: a fault the guarded store rides out
            return None
        return None

    @contextlib.contextmanager
    def _reaching(self, operation: str, name: str) -> Iterator[None]:
        """Turn the client's errors into _Missing (404), _Refused (other 4xx answers
        to a PUT) or StoreUnavailable (everything else, including timeouts)."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            yield
        except ClientError as err:
            status = _status(err)
            if status == 404:
                raise _Missing from None
            if operation == "PUT" and status is not None and status < 600:
                raise _Refused(status, f"{operation} {self.where}{name}: {err}") from None
            raise StoreUnavailable(f"{operation} {self.where}{name}: {err}") from None
        except (BotoCoreError, OSError, ValueError) as err:
            # ValueError: urllib3's and http.client's protocol errors on a cut connection
            raise StoreUnavailable(f"{operation} {self.where}{name}: {err}") from None


class _Missing(Exception):
    """The store answered that the object is not there."""


class _Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _client(endpoint: str | None, region: str | None, timeout: float) -> Any:
    try:
        import boto3
        from botocore.config import Config
    except ImportError:
        raise ValueError("image_store 's3' needs boto3: pip install 'octavo[s3]'") from None
    config = Config(
        connect_timeout=timeout,
        read_timeout=timeout,
        retries={"total_max_attempts": 1},
        max_pool_connections=32,
    )
    return boto3.client("s3", endpoint_url=endpoint, region_name=region, config=config)


def _status(err: Any) -> int | None:
    code = err.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    if code is None and err.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
        return 404
    return int(code) if code is not None else None
