"""Log output a platform can collect: a level and a format from the environment.

``LOG_LEVEL`` (debug, info, warning, error) and ``LOG_FORMAT`` (``text`` or
``json``: one JSON object per line, tracebacks included, for log drains) set
up Octavo's loggers; gunicorn's loggers take the same format through
:func:`gunicorn_logconfig` in a ``gunicorn.conf.py``. With neither variable set
nothing is configured, so an embedding application's own logging stays as it is.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from collections.abc import Mapping
from typing import Any

_LEVELS = ("debug", "info", "warning", "error", "critical")
_TEXT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
#: Marks the one handler Octavo installs, so configuring twice does not add a second.
_MARK = "_octavo_handler"


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line: time, level, logger, message, and the
    traceback as a string when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def log_settings(environ: Mapping[str, str]) -> tuple[int | None, str | None]:
    """(level, format) from LOG_LEVEL and LOG_FORMAT; None for each one unset. A bad
    value is a ValueError naming the variable."""
    level_name = (environ.get("LOG_LEVEL") or "").strip().lower()
    form = (environ.get("LOG_FORMAT") or "").strip().lower()
    if level_name and level_name not in _LEVELS:
        raise ValueError(f"$LOG_LEVEL={level_name!r}: expected one of {', '.join(_LEVELS)}")
    if form and form not in ("text", "json"):
        raise ValueError(f"$LOG_FORMAT={form!r}: expected text or json")
    level = getattr(logging, level_name.upper()) if level_name else None
    return level, form or None


def formatter(form: str | None) -> logging.Formatter:
    return JsonFormatter() if form == "json" else logging.Formatter(_TEXT)


def configure_logging(environ: Mapping[str, str]) -> None:
    """Log Octavo's records at LOG_LEVEL (default info): through the root logger's
    handlers when there are some (gunicorn's, from :func:`gunicorn_logconfig`), else
    through a handler of its own on stderr. LOG_FORMAT also gives those handlers and
    gunicorn's (already set up in a gunicorn worker) its format; without it, handlers
    someone else set up keep theirs."""
    level, form = log_settings(environ)
    if level is None and form is None:
        return
    logger = logging.getLogger("octavo")
    logger.setLevel(level or logging.INFO)
    handlers = list(logging.getLogger().handlers)
    if not handlers:
        own = next((h for h in logger.handlers if getattr(h, _MARK, False)), None)
        if own is None:
            own = logging.StreamHandler(sys.stderr)
            setattr(own, _MARK, True)
            own.setFormatter(formatter(None))
            logger.addHandler(own)
        handlers.append(own)
    if form is None:
        return
    for name in ("gunicorn.error", "gunicorn.access"):
        handlers += logging.getLogger(name).handlers
    for handler in handlers:
        handler.setFormatter(formatter(form))


def gunicorn_logconfig(environ: Mapping[str, str]) -> dict[str, Any] | None:
    """A ``logconfig_dict`` for gunicorn.conf.py, so the arbiter's own lines (boot, worker
    exits) follow LOG_FORMAT too; None (gunicorn's defaults) when it is unset."""
    level, form = log_settings(environ)
    if form is None:
        return None
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "octavo": ({"()": f"{__name__}.JsonFormatter"} if form == "json" else {"format": _TEXT})
        },
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "octavo",
                "stream": "ext://sys.stderr",
            },
            "stdout": {
                "class": "logging.StreamHandler",
                "formatter": "octavo",
                "stream": "ext://sys.stdout",
            },
        },
        "root": {"level": "WARNING", "handlers": ["stderr"]},
        "loggers": {
            "gunicorn.error": {
                "level": logging.getLevelName(level or logging.INFO),
                "handlers": ["stderr"],
                "propagate": False,
            },
            "gunicorn.access": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
        },
    }
