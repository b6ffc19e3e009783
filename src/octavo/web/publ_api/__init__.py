"""Publ's Python API for a site's own ``app.py`` (Publ §11.2).

A site switches with one line, ``import octavo as publ``; these modules are what
``publ.user``, ``publ.entry``, ``publ.view``, ``publ.image``, ``publ.utils`` and
``publ.tokens`` then name. Each is a thin map onto Octavo's own objects, so a
hook or a custom route sees the same entries, views and images as a template.
"""
