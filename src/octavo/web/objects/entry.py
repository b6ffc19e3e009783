"""The ``entry`` template object (Publ §4.3): a lazy wrapper over one index row."""

from __future__ import annotations

import datetime as dt
import os
from functools import cached_property
from typing import TYPE_CHECKING, Any

import arrow
import flask
from markupsafe import Markup

from octavo.content.entry import NO_TEXT, EntryText
from octavo.content.status import Status
from octavo.images.cards import card_image_tags, card_images
from octavo.web import markup_bridge, urls
from octavo.web.context import RequestIndex, request_index
from octavo.web.objects.proxy import CallableProxy, TrueCallableProxy, constant
from octavo.web.renditions import images_for

if TYPE_CHECKING:
    from octavo.markup.entry import EntryMarkup
    from octavo.web.objects.category import Category

#: What an unauthorized viewer may read of an entry.
_ALWAYS_READABLE = frozenset({"id", "uuid", "date", "last_modified", "last-modified"})
_ARCHIVE_FORMATS = {"day": "YYYY-MM-DD", "month": "YYYY-MM", "year": "YYYY"}


class Entry:
    """One entry as templates see it; heavy values are computed on first use."""

    def __init__(self, row: Any, authorized: bool = True) -> None:
        self._row = row
        self.authorized = authorized

    # -- identity and record passthrough -----------------------------------------------

    @property
    def id(self) -> int:
        return int(self._row.entry_id)

    @property
    def uuid(self) -> str:
        return str(self._row.uuid)

    @property
    def private(self) -> bool:
        return not self._row.public

    @property
    def status(self) -> Status:
        return Status(self._row.status)

    @property
    def type(self) -> str:
        return self._readable("entry_type") or ""

    @property
    def file_path(self) -> str:
        return os.path.join(flask.current_app.site.content_folder, self._row.file_path)  # type: ignore[attr-defined]

    @property
    def search_path(self) -> tuple[str, str]:
        """Where relative links and images are looked up: the file's folder, then the category's."""
        return (os.path.dirname(self._row.file_path), self._row.category)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if name in self._row._fields and name not in ("auth", "headers", "pk", "public"):
            return self._readable(name)
        return self.get(name)

    def __getitem__(self, name: str) -> Any:
        """``entry[name]`` is ``entry.name`` (Jinja's ``map(attribute=…)`` and ``sort``
        look items up first)."""
        if name.startswith("_"):
            raise KeyError(name)
        return getattr(self, name)

    def __contains__(self, name: str) -> bool:
        if name.lower() != "auth" and name in self._row._fields:
            return True
        return self.get(name) is not None

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Entry):
            return self.id == other.id
        if isinstance(other, int):
            return self.id == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.id)

    def __lt__(self, other: Entry) -> bool:
        return self.id < other.id

    def __repr__(self) -> str:
        return f"<Entry {self.id} {self._row.file_path}>"

    def _readable(self, name: str) -> Any:
        if self.authorized or name in _ALWAYS_READABLE:
            return getattr(self._row, name)
        return None

    # -- headers -----------------------------------------------------------------------

    def get(
        self, name: str, default: Any = None, always_show: bool = False, always_allow: bool = False
    ) -> Any:
        """A raw header value (case-insensitive); ``always_allow`` is the manual's spelling."""
        values = self.get_all(name, always_show=always_show or always_allow)
        return values[0] if values else default

    def get_all(
        self, name: str, always_show: bool = False, always_allow: bool = False
    ) -> list[str]:
        wanted = str(name).lower()
        if wanted == "auth":
            return []
        if not (self.authorized or always_show or always_allow or wanted in _ALWAYS_READABLE):
            return []
        return [value for key, value in self._row.headers if key.lower() == wanted]

    @property
    def tags(self) -> list[str]:
        """Visible tags as written (hidden tags excluded, duplicates kept)."""
        return self.get_all("Tag") if self.authorized else []

    # -- dates -------------------------------------------------------------------------

    @cached_property
    def date(self) -> arrow.Arrow:
        return _arrow(self._row.display_date)

    @cached_property
    def last_modified(self) -> arrow.Arrow:
        return _arrow(self._row.last_modified)

    @property
    def date_year(self) -> str:
        return self.date.format("YYYY")

    @property
    def date_month(self) -> str:
        return self.date.format("YYYY-MM")

    @property
    def date_day(self) -> str:
        return self.date.format("YYYY-MM-DD")

    # -- rendered text -----------------------------------------------------------------

    def _text(self) -> EntryText:
        """The text the index holds (never the file: another instance, a newer release
        or a broken edit may have left the disk different from what is indexed)."""
        return request_index().reader.entry_text(self._row.pk) or NO_TEXT

    @property
    def _is_markdown(self) -> bool:
        return bool(self._row.file_path.lower().endswith(".md"))

    @cached_property
    def _markup(self) -> EntryMarkup:
        text = self._text()
        return markup_bridge.section_markup(
            self.id,
            self._row.digest,
            text.body,
            text.more,
            self._is_markdown,
            self._row.summary,
            self.search_path,
            str(self.link()),
            str(self.link(absolute=True)),
        )

    def _rendered(self, which: str, has_text: bool) -> CallableProxy:
        """A section proxy: truthy iff the section has text; empty for unauthorized viewers."""
        if not (self.authorized and has_text):
            return constant(Markup(""))
        return TrueCallableProxy(
            lambda **args: markup_bridge.as_markup(getattr(self._markup, which)(**args))
        )

    @cached_property
    def body(self) -> CallableProxy:
        return self._rendered("body", self.authorized and self._markup.has_body)

    @cached_property
    def more(self) -> CallableProxy:
        return self._rendered("more", self.authorized and self._markup.has_more)

    @cached_property
    def footnotes(self) -> CallableProxy:
        return self._rendered("footnotes", self.authorized and self._markup.has_footnotes)

    @cached_property
    def toc(self) -> CallableProxy:
        return self._rendered("toc", self.authorized and self._markup.has_toc)

    @cached_property
    def title(self) -> CallableProxy:
        def render(always_show: bool = False, always_allow: bool = False, **args: Any) -> Markup:
            if not (self.authorized or always_show or always_allow) or not self._row.title:
                return Markup("")
            return markup_bridge.title(self._row.title, args)

        return CallableProxy(render)

    @cached_property
    def summary(self) -> CallableProxy:
        def render(**args: Any) -> Markup:
            if not self.authorized:
                return Markup("")
            return markup_bridge.as_markup(self._markup.summary(**args))

        return CallableProxy(render)

    @cached_property
    def card(self) -> CallableProxy:
        """OpenGraph tags (§10): title, URL, images (a missing one is skipped: B24), summary."""

        def render(**args: Any) -> Markup:
            if not self.authorized:
                return Markup("")
            service = images_for(flask.current_app)
            rendered = "" if args.get("image") is False else self._card_html(args)
            images = card_images(service, self.search_path, args, rendered)
            head = [("og:title", self.title(markup=False)), ("og:url", self.link(absolute=True))]
            tail = [("og:description", self.summary(markup=False))]
            meta = Markup('<meta property="{}" content="{}">')
            return Markup("").join(
                [meta.format(k, v) for k, v in head if v]
                + ([card_image_tags(images)] if images else [])
                + [meta.format(k, v) for k, v in tail if v]
            )

        return CallableProxy(render)

    def _card_html(self, args: dict[str, Any]) -> str:
        """Body and more as a card sees them: absolute URLs, external images left unsized."""
        options = {k: v for k, v in args.items() if k not in ("image", "image_fallback", "count")}
        options.update(absolute=True, _no_resize_external=True)
        return str(self._markup.body(**options)) + str(self._markup.more(**options))

    def image(self, path: str) -> Any:
        """An image found from this entry's folder, then its category's (Publ's image())."""
        return images_for(flask.current_app).image(path, self.search_path)

    # -- links -------------------------------------------------------------------------

    @cached_property
    def permalink(self) -> CallableProxy:
        def build(absolute: bool = False, expand: bool = True, **query: Any) -> str:
            if self._row.canonical_path and self.authorized:
                path = self._row.canonical_path
                return urls.absolutize(path) if absolute else path
            if not (expand and self.authorized):
                return urls.entry_url(self.id, "", "", absolute, **query)
            return urls.entry_url(
                self.id, self._row.category, self._row.slug_text, absolute, **query
            )

        return CallableProxy(build)

    @cached_property
    def link(self) -> CallableProxy:
        def build(absolute: bool = False, expand: bool = True, **query: Any) -> str:
            target = self._row.redirect_url if self.authorized else None
            if target:
                return resolve_link(target, self.search_path, absolute)
            return str(self.permalink(absolute=absolute, expand=expand, **query))

        return CallableProxy(build)

    @cached_property
    def archive(self) -> CallableProxy:
        def build(
            paging: str | None = None,
            template: str = "",
            category: Any = None,
            absolute: bool = False,
            tag: Any = None,
        ) -> str:
            where = self._row.category if category is None else str(category)
            query: dict[str, Any] = {}
            if paging in (None, "offset"):
                query["id"] = self.id
            elif paging == "week":
                query["date"] = self.date.floor("week").format("YYYYMMDD") + "_w"
            elif isinstance(paging, str) and paging in _ARCHIVE_FORMATS:
                query["date"] = self.date.format(_ARCHIVE_FORMATS[paging])
            else:
                raise ValueError(f"unknown paging type {paging!r}")
            query["tag"] = _tag_keys(tag)  # after the page, as in Publ's URLs
            from octavo.web.objects.category import Category

            # the category's own index template is left out of the URL, as Publ does
            shown = None if str(template) == Category.load(where).index_template else template
            return urls.category_url(where, shown or None, absolute, **query)

        return CallableProxy(build)

    @cached_property
    def login(self) -> CallableProxy:
        """The login URL that returns to this entry (``/_login/<id>``)."""
        return CallableProxy(
            lambda absolute=False, **query: flask.url_for(
                "login", redir=str(self.id), _external=absolute, **query
            )
        )

    # -- relations ---------------------------------------------------------------------

    @cached_property
    def category(self) -> Category:
        from octavo.web.objects.category import Category

        return Category.load(self._row.category)

    def _neighbour(self, direction: str) -> CallableProxy:
        """The adjacent listed entry in time (next = newer), within the entry's category
        unless the spec names another; the spec filters as in Publ (§4.3)."""

        def find(**spec: Any) -> Entry | None:
            from octavo.index.views import Bound, Position
            from octavo.web.objects.view import filter_query

            order = "oldest" if direction == "after" else "newest"
            query = filter_query({"category": self._row.category, **spec}, order)
            here = Position(self._row.local_date, self.id)
            ix = request_index()
            rows = ix.reader.listing(query.bounded(Bound(direction, here)), 1)
            return load_entry(ix, rows[0]) if rows else None

        return CallableProxy(find)

    @cached_property
    def next(self) -> CallableProxy:
        return self._neighbour("after")

    @cached_property
    def previous(self) -> CallableProxy:
        return self._neighbour("before")

    def _related(self, key: str) -> CallableProxy:
        def find(order: str | None = None, **spec: Any) -> list[Entry]:
            from octavo.web.objects.view import filter_query

            relation = {key: self.id, **({"_attachments": True} if key == "attachments" else {})}
            query = filter_query({**spec, **relation}, order or "title")
            ix = request_index()
            rows = ix.reader.listing(query)
            if order is None:  # Publ's unordered query comes back in entry ID order
                rows = sorted(rows, key=lambda row: row.entry_id)
            return [load_entry(ix, row) for row in rows]

        return CallableProxy(find)

    @cached_property
    def attachments(self) -> CallableProxy:
        return self._related("attachments")

    @cached_property
    def attached(self) -> CallableProxy:
        return self._related("attached")

    @property
    def pk(self) -> int:
        return int(self._row.pk)


def _arrow(iso: str) -> arrow.Arrow:
    """An Arrow from a stored ISO date (the stdlib parser: arrow's own is much slower)."""
    return arrow.Arrow.fromdatetime(dt.datetime.fromisoformat(iso))


def resolve_link(target: str, search_path: tuple[str, ...], absolute: bool) -> str:
    """Publ's link resolution (§5.7) for `Redirect-To` and templates."""
    from octavo.web.links import SiteLinks

    return SiteLinks().resolve(target, search_path, absolute)


def _layout(args: dict[str, Any]) -> dict[str, Any]:
    """The site's ``layout`` defaults under the template's arguments."""
    layout = flask.current_app.site.get("layout") or {}  # type: ignore[attr-defined]
    return {**layout, **args}


def _tag_keys(tag: Any) -> list[str] | None:
    from octavo.content.slugs import tag_key

    if tag is None:
        return None
    tags = [tag] if isinstance(tag, str) else list(tag)
    return [tag_key(t) for t in tags]


def load_entry(index: RequestIndex | None, row: Any, authorized: bool = True) -> Entry:
    """One Entry object per row per request (Publ memoises them the same way)."""
    memo = (index or request_index()).memo
    key = ("entry", row.entry_id, authorized)
    if key not in memo:
        memo[key] = Entry(row, authorized)
    return memo[key]
