"""The database index: schema, scanner, writer lock and viewer-aware queries.

The index is a cache of the content files: it can be deleted at any time and
rebuilt from them. It knows nothing of Flask or templates.
"""
