"""A streaming HTML re-writer base: text and entities pass through untouched."""

from __future__ import annotations

from html.parser import HTMLParser


class HTMLTransform(HTMLParser):
    """Collects output; entity and character references are re-emitted as written.

    ``convert_charrefs`` is off so ``&copy;`` stays ``&copy;`` in the output
    instead of turning into a character (Publ keeps entities raw).
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.parts: list[str] = []

    def run(self, text: str) -> str:
        """Transform a whole document (or fragment) and return the output."""
        self.feed(str(text))
        self.close()
        return "".join(self.parts)

    def handle_entityref(self, name: str) -> None:
        self.handle_data(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.handle_data(f"&#{name};")
