"""Content made on the server: feeds imported into entry files, and git write-back.

Below the web layer and the CLI, above the index and content layers: nothing
here knows Flask or templates.
"""
