"""Reading (and, only when asked, writing) a site's content files.

Nothing in this package knows about the database or Flask: it turns bytes
into plain records and reports problems with the file and line they came from.
"""
