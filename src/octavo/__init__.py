"""Octavo: serve a Publ-format site from a SQL index of its files."""

from octavo.web.app import Octavo

__all__ = ["Octavo"]
__version__ = "0.1.0"
