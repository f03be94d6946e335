"""A link card for a Bluesky post: the linked page's title, description and picture, read by us.

Bluesky's servers do not fetch links: the client reads the page's Open Graph tags (ogp.me; else its
<title> and meta description) and uploads the picture as the card's thumb
(docs.bsky.app/docs/advanced-guides/posts#website-card-embeds). The page is anyone's: only http(s), short
timeouts, a size cap, and never an address on loopback or a private network (where our own services
listen) unless its host is on the allow-list the adapter was given (the tests' live server):
planner/addresses.py checks each address, redirects' included.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin

import httpx

from planner.addresses import AddressRefused, check_address

CARD_TIMEOUT = httpx.Timeout(5.0, connect=3.0)
PAGE_MAX_BYTES = 512 * 1024  # the <head> is what we read; a page's first half megabyte has it
PICTURE_MAX_BYTES = 5 * 1024 * 1024  # re-encoded under the blob limit afterwards
REDIRECTS_MAX = 3
TITLE_MAX_CHARS, DESCRIPTION_MAX_CHARS = 300, 1000  # what the app shows; the lexicon sets no limit


class CardUnavailable(Exception):
    """The page could not be read safely, or says nothing to show."""


@dataclass(frozen=True)
class LinkCard:
    uri: str
    title: str
    description: str
    picture_url: str = ""


def read_card(client: httpx.Client, url: str, allowed_hosts: Collection[str] = ()) -> LinkCard:
    """The card of the page at `url`, from its Open Graph tags, else its <title> and meta description."""
    final_url, content_type, content = fetch(client, url, allowed_hosts, PAGE_MAX_BYTES)
    if "html" not in content_type:
        raise CardUnavailable(f"{url} is not a web page ({content_type or 'no content type'})")
    head = _Head()
    head.feed(content.decode(errors="replace"))
    title = head.meta.get("og:title") or head.title.strip()
    description = head.meta.get("og:description") or head.meta.get("description", "")
    if not title:
        raise CardUnavailable(f"{url} has no title")
    picture = urljoin(final_url, head.meta["og:image"]) if head.meta.get("og:image") else ""
    return LinkCard(url, title[:TITLE_MAX_CHARS], description[:DESCRIPTION_MAX_CHARS], picture)


def fetch(client: httpx.Client, url: str, allowed_hosts: Collection[str], max_bytes: int) -> tuple[str, str, bytes]:
    """(final URL, content type, at most `max_bytes` of the body) of a GET, each redirect's address checked."""
    for _hop in range(REDIRECTS_MAX + 1):
        try:
            check_address(url, allowed_hosts)
        except AddressRefused as refused:
            raise CardUnavailable(str(refused)) from refused
        try:
            with client.stream("GET", url, timeout=CARD_TIMEOUT, follow_redirects=False) as response:
                if response.is_redirect and "location" in response.headers:
                    url = urljoin(url, response.headers["location"])
                    continue
                if response.status_code != 200:
                    raise CardUnavailable(f"{url} answered {response.status_code}")
                content = b""
                for chunk in response.iter_bytes():
                    content += chunk
                    if len(content) > max_bytes:
                        break
                return url, response.headers.get("content-type", ""), content[:max_bytes]
        except httpx.HTTPError as error:
            raise CardUnavailable(f"{url} could not be read: {error!r}") from error
        except AddressRefused as refused:  # by the client's guard, on the address connected
            raise CardUnavailable(str(refused)) from refused
    raise CardUnavailable(f"{url} redirects more than {REDIRECTS_MAX} times")


class _Head(HTMLParser):
    """The <title> and the <meta> tags of a page (Open Graph's by `property`, the others by `name`)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title, self._in_title = "", False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "meta" and (key := (values.get("property") or values.get("name") or "").lower()):
            self.meta.setdefault(key, values.get("content", "").strip())
        self._in_title = tag == "title" and not self.title

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
