"""The site's language for full-text search: which stemmer each database uses.

PostgreSQL has a Snowball stemmer for many languages (a text search configuration
per language); SQLite's FTS5 ships only the English Porter stemmer; MariaDB's
FULLTEXT does not stem. Every backend folds case and accents.
"""

from __future__ import annotations

import logging

LOG = logging.getLogger(__name__)

#: PostgreSQL's built-in text search configurations, by name and ISO 639-1 code.
_POSTGRES = {
    "ar": "arabic",
    "hy": "armenian",
    "eu": "basque",
    "ca": "catalan",
    "da": "danish",
    "nl": "dutch",
    "en": "english",
    "fi": "finnish",
    "fr": "french",
    "de": "german",
    "el": "greek",
    "hi": "hindi",
    "hu": "hungarian",
    "id": "indonesian",
    "ga": "irish",
    "it": "italian",
    "lt": "lithuanian",
    "ne": "nepali",
    "no": "norwegian",
    "nb": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "es": "spanish",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
    "yi": "yiddish",
}
#: No stemming: words match as written (after folding case and accents).
NONE = "simple"
DEFAULT = "english"


def search_language(value: object) -> str:
    """The configured `search_language` as a PostgreSQL configuration name: a language
    name (``french``), an ISO code (``fr``, ``fr-CA``) or ``simple`` for no stemming.
    Anything else is warned about and searched without stemming."""
    if value is None:
        return DEFAULT
    wanted = str(value).strip().lower().replace("_", "-")
    if wanted == NONE or wanted in _POSTGRES.values():
        return wanted
    found = _POSTGRES.get(wanted.split("-")[0])
    if found is None:
        LOG.warning(
            "search_language %r is not a language full-text search knows; words are "
            "matched without stemming (known: %s)",
            value,
            ", ".join(sorted(set(_POSTGRES.values()))),
        )
        return NONE
    return found


def sqlite_tokenizer(language: str) -> str:
    """FTS5's tokenizer: accents folded, Porter stemming for English only."""
    folding = "unicode61 remove_diacritics 2"
    return f"porter {folding}" if language == "english" else folding
