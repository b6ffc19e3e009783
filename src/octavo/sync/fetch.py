"""Fetching a feed (or an image) politely: conditional GET, a total deadline, a size cap.

Only http and https are followed, redirects included. The deadline covers the
whole exchange, so a server that trickles bytes cannot hold an import open.
"""

from __future__ import annotations

import http.client
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urlsplit

USER_AGENT = "Octavo-feed-import/1"
_CHUNK = 64 * 1024


class FetchError(Exception):
    """The resource could not be fetched; the message says why, naming the URL."""


@dataclass(frozen=True)
class Validators:
    """What the server said about the last copy, for a conditional GET."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Fetched:
    """A response body (None for 304 Not Modified) and what to send next time."""

    url: str
    body: bytes | None
    content_type: str
    validators: Validators


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        if urlsplit(newurl).scheme not in ("http", "https"):
            raise FetchError(f"{req.full_url}: redirected to a non-HTTP URL {newurl!r}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_HttpOnlyRedirects())


def fetch(
    url: str,
    timeout: float,
    max_bytes: int,
    validators: Validators | None = None,
    accept: str = "*/*",
) -> Fetched:
    """GET `url` within `timeout` seconds in total and at most `max_bytes` of body."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise FetchError(f"{url}: only http and https URLs are fetched")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": accept})
    if validators and validators.etag:
        request.add_header("If-None-Match", validators.etag)
    if validators and validators.last_modified:
        request.add_header("If-Modified-Since", validators.last_modified)
    deadline = time.monotonic() + timeout
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            headers: Message = response.headers
            body = _read_capped(response, url, deadline, max_bytes, timeout)
            return Fetched(
                response.geturl(),
                body,
                headers.get_content_type(),
                Validators(headers.get("ETag"), headers.get("Last-Modified")),
            )
    except urllib.error.HTTPError as err:
        if err.code == 304:
            return Fetched(url, None, "", validators or Validators())
        raise FetchError(f"{url}: the server answered {err.code} {err.reason}") from None
    except urllib.error.URLError as err:
        reason = err.reason
        if isinstance(reason, TimeoutError | socket.timeout):
            raise FetchError(f"{url}: timed out after {timeout:g}s") from None
        raise FetchError(f"{url}: cannot connect ({reason})") from None
    except TimeoutError:
        raise FetchError(f"{url}: timed out after {timeout:g}s") from None
    except (OSError, ValueError) as err:
        raise FetchError(f"{url}: {err}") from None


def _read_capped(
    response: http.client.HTTPResponse, url: str, deadline: float, max_bytes: int, timeout: float
) -> bytes:
    declared = response.headers.get("Content-Length")
    if declared and declared.isdecimal() and int(declared) > max_bytes:
        raise FetchError(f"{url}: {int(declared)} bytes is over the {max_bytes}-byte limit")
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise FetchError(f"{url}: timed out after {timeout:g}s")
        chunk = response.read1(_CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"{url}: the response is over the {max_bytes}-byte limit")
        chunks.append(chunk)
