"""Markdown and HTML entries turned into HTML, the way Publ renders them.

Knows nothing of the database or Flask: links and images are resolved through
the protocols the web layer hands in.
"""
