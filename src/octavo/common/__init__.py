"""What the markup and image layers share, below both of them.

Protocols (image finder, link resolver, site URLs), Publ's ``{…}`` argument lists
and image specs, and HTML tag and error-span builders. It imports nothing else of
Octavo, so any layer may use it.
"""
