"""The URL map (Publ §2.1): category views, entries, aliases; `_`-prefixed paths are
never categories or templates, so they stay free for Octavo's own routes."""

from __future__ import annotations

import flask
from werkzeug.routing import BaseConverter
from werkzeug.wrappers import Response

from octavo.web import pages


class CategoryConverter(BaseConverter):
    """A category path: segments that do not start with `_`."""

    regex = r"[^/_][^/]*(?:/[^/_][^/]*)*"
    weight = 200
    part_isolating = False


class TemplateConverter(BaseConverter):
    """One path segment that does not start with `_` (template names may contain dots)."""

    regex = r"[^/_][^/]*"


def register_routes(app: flask.Flask) -> None:
    app.url_map.converters["category"] = CategoryConverter
    app.url_map.converters["template"] = TemplateConverter
    add = app.add_url_rule
    for rule in (
        "/",
        "/<category:category>/",
        "/<template:template>",
        "/<category:category>/<template:template>",
    ):
        add(rule, "category", _category)
    for rule in (
        "/<int:entry_id>",
        "/<int:entry_id>-",
        "/<int:entry_id>-<slug_text>",
        "/<category:category>/<int:entry_id>",
        "/<category:category>/<int:entry_id>-",
        "/<category:category>/<int:entry_id>-<slug_text>",
    ):
        add(rule, "entry", pages.entry_page)
    add("/<path:path>.PUBL_PATHALIAS", "path_alias", pages.path_alias_page)


def _category(category: str = "", template: str | None = None) -> Response:
    return pages.category_page(category, template)
