"""Publ's Markdown image syntax (§5.6): one ``![…](…)`` is a set of images with shared
container options (wrappers, figure and caption, ``count`` and "more" text).

The renditions themselves belong to the images layer; this module only decides
which images to show, with which arguments, and what to wrap them in.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any

from octavo.common.arguments import prefix_normalize
from octavo.common.imagespec import parse_config, parse_image_spec, split_set
from octavo.common.literals import ArgSyntaxError
from octavo.common.protocols import ImageArgError, ImageNotFound
from octavo.common.tags import error_span, image_not_found, make_tag
from octavo.markup.arguments import safe_format
from octavo.markup.context import EntryContext

# Names of get_img_tag's own parameters, which an argument must not collide with.
_TAG_PARAMETERS = ("title", "alt_text", "show_thumbnail")


def _one_image(
    context: EntryContext, spec: str, shown: bool, container: Mapping[str, Any], alt: str
) -> str:
    try:
        parsed = parse_image_spec(spec)
    except ArgSyntaxError as err:
        return error_span(
            f"Couldn't parse image spec: <code>{html.escape(spec)}</code> {html.escape(str(err))}"
        )
    try:
        image = context.images.find(parsed.path, context.search_path)
        image_args = {**container, **parsed.args}
        for reserved in _TAG_PARAMETERS:
            image_args.pop(reserved, None)
        return image.get_img_tag(parsed.title, alt, show_thumbnail=shown, **image_args)
    except ImageNotFound:
        return image_not_found(parsed.path)
    except ImageArgError as err:
        return error_span(
            f"Error loading image <code>{html.escape(spec)}</code>: {html.escape(str(err))}"
        )


def render_image_set(
    context: EntryContext,
    alt_text: str,
    specs: str,
    args: Mapping[str, Any],
    render_caption: Callable[[str], str],
) -> str:
    """HTML for ``![alt_text](specs)``; `args` are the call's processing arguments."""
    try:
        alt, own = parse_config(alt_text)
        container = prefix_normalize({**args, **own})
        items = split_set(specs, container)
    except ArgSyntaxError as err:
        return error_span(
            f"Couldn't parse image spec: <code>{html.escape(alt_text)}</code> "
            f"{html.escape(str(err))}"
        )
    text = "".join(_one_image(context, spec, shown, container, alt) for spec, shown in items)
    hidden = sum(1 for _, shown in items if not shown)
    if hidden and "more_text" in container:
        more = safe_format(str(container["more_text"]), count=len(items), remain=hidden)
        if "more_link" in container:
            # resolved like any link of the entry (Publ's second HTML pass does it)
            href = context.links.resolve(
                str(container["more_link"]), context.search_path, bool(args.get("absolute"))
            )
            attrs = {"href": href, "class": container.get("more_class", False)}
            more = make_tag("a", attrs) + more + "</a>"
        text += more
    if text and (container.get("div_class") or container.get("div_style")):
        attrs = {
            "class": container.get("div_class") or False,
            "style": container.get("div_style") or False,
        }
        text = make_tag("div", attrs) + text + "</div>"
    figure = container.get("figure")
    caption = container.get("caption")
    if text and (figure or caption):
        figcaption = f"<figcaption>{render_caption(str(caption))}</figcaption>" if caption else ""
        figure_class = figure if isinstance(figure, str) else False
        text = make_tag("figure", {"class": figure_class}) + text + figcaption + "</figure>"
    return text
