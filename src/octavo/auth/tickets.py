"""TicketAuth (Publ §9.5): sending a ticket to a reader's ticket endpoint, so their feed
reader can redeem it at ``/_tokens`` for a bearer token."""

from __future__ import annotations

import logging
import threading
import urllib.parse

import requests
from authl.handlers import indieauth
from bs4 import BeautifulSoup

from octavo.auth.identity import canonical_identity
from octavo.auth.tokens import TokenKind, TokenSigner

LOG = logging.getLogger(__name__)
HTTP_TIMEOUT = 10


def send_ticket(
    signer: TokenSigner,
    subject: str,
    resource: str,
    endpoint: str,
    lifetime: float,
    scope: str | None = None,
) -> threading.Thread:
    """POST a ticket for `subject` to `endpoint`, in the background (the request that
    triggered it does not wait on a remote server)."""
    ticket = signer.issue(subject, lifetime, scope, TokenKind.TICKET)

    def submit() -> None:
        try:
            reply = requests.post(
                endpoint,
                data={"ticket": ticket, "resource": resource, "subject": subject},
                timeout=HTTP_TIMEOUT,
            )
            LOG.info("ticket for %s sent to %s: %s", subject, endpoint, reply.status_code)
        except requests.RequestException as err:
            LOG.warning("ticket for %s could not be sent to %s: %s", subject, endpoint, err)

    thread = threading.Thread(target=submit, name="octavo-ticket", daemon=True)
    thread.start()
    return thread


def find_ticket_endpoint(me_url: str) -> tuple[str | None, str]:
    """The ticket endpoint a profile page declares, and the identity it speaks for; a
    ``rel=canonical`` that names another page sends the search there."""
    try:
        reply = requests.get(me_url, timeout=HTTP_TIMEOUT)
    except requests.RequestException as err:
        LOG.info("no ticket endpoint for %s: %s", me_url, err)
        return None, me_url
    page = BeautifulSoup(reply.text, "html.parser")
    canonical = reply.links.get("canonical", {}).get("url")
    if canonical is None:
        tag = page.find("link", rel="canonical")
        href = tag.get("href") if tag is not None else None
        canonical = urllib.parse.urljoin(me_url, str(href)) if href else me_url
    if canonical_identity(canonical) != canonical_identity(me_url):
        endpoint, me_url = indieauth.find_endpoint(canonical, rel="ticket_endpoint")
        return endpoint, me_url
    endpoints, me_url = indieauth.find_endpoints(me_url, reply.links, page)
    return endpoints.get("ticket_endpoint"), me_url
