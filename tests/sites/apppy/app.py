"""A Publ site's app.py, moved to Octavo by changing one line (`import publ`).

Everything below is what Publ sites do in their own code: regex redirects for
old URLs, custom routes beside the category routes, a Jinja filter and globals,
request hooks that look at the reader, an image rendition for a favicon, entry
and view lookups for a small JSON API, and ProxyFix behind a reverse proxy.
"""

import os

import flask
from werkzeug.middleware.proxy_fix import ProxyFix

import octavo as publ

APP_PATH = os.path.dirname(os.path.abspath(__file__))

config = {
    "database_config": {
        "provider": "sqlite",
        "filename": os.path.join(APP_PATH, "index.db"),
    },
    "content_folder": os.path.join(APP_PATH, "content"),
    "template_folder": os.path.join(APP_PATH, "templates"),
    "static_folder": os.path.join(APP_PATH, "static"),
    "timezone": "America/Los_Angeles",
    "index_enable_watchdog": False,
    "index_rescan_interval": 0,
    "cache": {"CACHE_TYPE": "NullCache", "CACHE_NO_NULL_WARNING": True},
    "secret_key": os.environ.get("SITE_SECRET", "apppy-fixture-secret"),
    "auth": {"TEST_ENABLED": True} if os.environ.get("SITE_LOGIN") == "1" else {},
    "user_list": os.path.join(APP_PATH, "users.cfg"),
}

app = publ.Publ(__name__, config)
app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)


@app.path_alias_regex(r"/d/(\d{8})\.html$")
def old_daily_page(match):
    """The previous engine's daily archive pages."""
    return flask.url_for("category", category="blog", date=match.group(1)), True


def old_blog(match):
    return "/blog/" + match.group(1), False


app.add_path_regex(r"/weblog/(.*)$", old_blog)


@app.route("/favicon.ico")
def favicon():
    """A favicon rendered from the site's logo."""
    logo = publ.image.get_image("logo.png", [os.path.join(APP_PATH, "content", "images")])
    url, _size = logo.get_rendition(format="png", width=32, height=32, resize="fill")
    return flask.redirect(url)


@app.route("/about")
def about():
    """A static path that is also a category template name: the site's route wins."""
    return "CUSTOM ABOUT " + flask.g.reader


@app.route("/blog/latest")
def latest():
    view = publ.view.get_view(category="blog", count=1)
    return flask.redirect(view.entries[0].link)


@app.route("/api/entry/<int:entry_id>")
def entry_json(entry_id):
    entry = publ.entry.get_entry_by_id(entry_id)
    if not isinstance(entry, publ.entry.Entry):
        flask.abort(404)
    return {
        "id": entry.id,
        "title": entry.title(markup=False),
        "link": entry.link(absolute=True),
        "tags": entry.tags,
    }


@app.route("/api/site")
def site_info():
    settings = publ.config.config
    return {
        "content": os.path.relpath(settings.content_folder, APP_PATH),
        "timezone": str(settings.timezone),
        "cache": settings.cache["CACHE_TYPE"],
        "login": str(publ.utils.auth_link("login")()),
        "login_to_blog": publ.utils.auth_link("login")(redir="blog/"),
    }


@app.route("/api/token")
def token():
    me = flask.request.args.get("me", "https://reader.example/")
    return {"token": publ.tokens.get_token(me, 3600, "read")}


@app.template_filter("shout")
def shout(text):
    return str(text).upper() + "!"


app.jinja_env.globals.update(site_name="The App Site", copyright_year=lambda: 2026)


@app.before_request
def who_reads():
    """Crawlers that name themselves get nothing under /members/."""
    reader = publ.user.get_active()
    if reader.is_bot and flask.request.path.startswith("/members/"):
        flask.abort(403)
    flask.g.reader = reader.name if reader else "guest"


@app.after_request
def tag_response(response):
    response.headers["X-Reader"] = flask.g.get("reader", "none")
    return response
