"""gunicorn's settings for this site: `gunicorn app:app` reads this file from this folder.

gunicorn itself binds 0.0.0.0:$PORT when PORT is set and runs $WEB_CONCURRENCY
workers; LOG_FORMAT=json makes its own lines one-line JSON too (docs/deploying.md).
"""

import os

from octavo.common.logs import gunicorn_logconfig

logconfig_dict = gunicorn_logconfig(os.environ) or {}
# On SIGTERM a worker stops accepting and finishes the requests in flight for up to this
# long; platforms send SIGKILL after 30 s.
graceful_timeout = 25
# With no index yet, workers answer at once (/_health 200; pages and /_ready 503 until the
# build is done) instead of building inside gunicorn's worker boot, which its worker
# timeout would cut short on a large site.
os.environ.setdefault("INDEX_COLD_BUILD", "background")
