"""The example site: `gunicorn app:app` or `octavo serve` from this folder."""
import octavo

app = octavo.Octavo(__name__, {"content_folder": "content", "template_folder": "templates", "static_folder": "static", "timezone": "Europe/Paris", "search_index": "search"})
