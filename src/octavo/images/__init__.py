"""Images: rendition specs, sizing, the Pillow pipeline, rendition stores and ``<img>`` markup.

Knows nothing of Flask: URLs come from the callables the web layer hands in.
"""
