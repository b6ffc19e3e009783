"""The Flask side of Octavo: the app class, routes, templates and responses."""
