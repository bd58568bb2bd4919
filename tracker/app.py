"""The application factory."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_sqlalchemy.session import Session as FlaskSession
from flask_wtf.csrf import CSRFError
from werkzeug.middleware.proxy_fix import ProxyFix

from config import ROOT, Config, config_from_environment

from .caching import init_caching
from .database import configure_sqlite, guard_sqlite_writes
from .extensions import bootstrap, csrf, db, migrate
from .formatting import register_filters
from .notifications import init_notifications
from .security import init_security


def create_app(config: Config | None = None) -> Flask:
    """Build an app for ``config`` (by default the class ``TRACKER_ENV`` names)."""
    app = Flask(
        __name__,
        template_folder="../templates",
        instance_relative_config=False,
    )
    app.config.from_object(config or config_from_environment())
    hops = app.config.get("PROXY_HOPS", 0)
    if hops:  # trust X-Forwarded-For/Proto/Host from exactly this many proxies, no more
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    bootstrap.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)
    guard_sqlite_writes(FlaskSession)
    init_notifications(app, FlaskSession)

    from . import audit, locks  # noqa: F401  (attach the database guards to create_all)
    from .admin import bp as admin_bp
    from .api import bp as api_bp
    from .assets import asset_url, plotly_url
    from .assets import bp as assets_bp
    from .auth import bp as auth_bp
    from .cli import register_commands
    from .public import bp as public_bp
    from .reports import bp as reports_bp
    from .review import bp as review_bp

    init_security(app)
    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(assets_bp)
    app.register_blueprint(api_bp)
    app.jinja_env.globals.update(asset_url=asset_url, plotly_url=plotly_url)
    init_caching(app)
    register_commands(app)
    register_filters(app)
    _register_error_pages(app)
    return app


def _register_error_pages(app: Flask) -> None:
    for status, title, message in (
        (404, "Page not found", "There is no page at this address. It may have moved, or the link may be mistyped."),
        (405, "Not allowed", "This address does not accept that kind of request."),
        (400, "Bad request", "The request could not be understood. If you were sending a form, go back and try again."),
        (403, "Not allowed", "Your account does not give access to this page."),
        (
            503,
            "Not available yet",
            "The commitment framework has not been loaded into this site yet. "
            "An administrator loads it with: flask --app wsgi framework load",
        ),
    ):
        app.register_error_handler(status, _error_page(status, title, message))
    app.register_error_handler(
        CSRFError,
        _error_page(
            400,
            "This form has expired",
            "The form was open too long or was not sent from this site, so nothing was saved. "
            "Go back, reload the page and send it again.",
        ),
    )


def _error_page(status: int, title: str, message: str):  # type: ignore[no-untyped-def]
    def handler(error):  # type: ignore[no-untyped-def]
        # keep what the error says about itself, such as a 405's Allow (RFC 9110), not its body
        headers = [(k, v) for k, v in getattr(error, "get_headers", list)() if k.lower() != "content-type"]
        if request.path.startswith("/api/"):  # API clients get JSON, never an HTML page
            detail = getattr(error, "description", None)
            if not isinstance(detail, str) or detail.startswith(("The requested URL", "The server")):
                detail = message
            return jsonify(error={"status": status, "title": title, "detail": detail}), status, headers
        return render_template("error.html", status=status, title=title, message=message), status, headers

    return handler
