"""Publ's Markdown grammar (Hoedown's, with the extensions Publ enables): text to tokens.

It lives with the content layer because the content itself needs it (a slug is
the plain text of a Markdown title); turning tokens into HTML is ``octavo.markup``'s job.
"""

#: Publ's default ``markdown_extensions``.
DEFAULT_EXTENSIONS = (
    "tables",
    "fenced-code",
    "footnotes",
    "strikethrough",
    "highlight",
    "superscript",
    "math",
)
