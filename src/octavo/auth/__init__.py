"""Who is reading: users and groups (``users.cfg``), login through Authl, bearer tokens,
the access log. Knows nothing of templates; the web layer mounts it on routes."""
