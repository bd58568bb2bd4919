"""The application factory."""

from __future__ import annotations

from flask import Flask, jsonify, request
from flask_sqlalchemy.session import Session as FlaskSession
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from config import ROOT, Config, config_from_environment

from .caching import init_caching
from .database import configure_sqlite, guard_sqlite_writes
from .extensions import bootstrap, csrf, db, migrate
from .formatting import register_filters
from .installation import init_installation
from .notifications import init_notifications
from .security import init_security, safe_error_page

DATABASE_ID_MAX = 2**63 - 1  # the largest BIGINT: a larger id in an address is no page (404), not a crash


class DatabaseIdConverter(IntegerConverter):
    """``<int:…>`` in every route: digits only, at most a 64-bit signed integer."""

    def __init__(self, map, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("max", DATABASE_ID_MAX)
        super().__init__(map, *args, **kwargs)

    def to_python(self, value: str) -> int:
        if len(value) > 19:  # before int(): a 10,000-digit id is not even converted
            from werkzeug.routing import ValidationError

            raise ValidationError()
        return super().to_python(value)  # type: ignore[no-any-return]


def create_app(config: Config | None = None) -> Flask:
    """Build an app for ``config`` (by default the class ``TRACKER_ENV`` names)."""
    app = Flask(
        __name__,
        template_folder="../templates",
        instance_relative_config=False,
    )
    app.config.from_object(config or config_from_environment())
    app.url_map.converters["int"] = DatabaseIdConverter  # before any blueprint adds its routes
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

    from . import audit, limits, locks  # noqa: F401  (attach the database guards to create_all)
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
    init_installation(app)  # after the cache and compression: it marks the body before they see it
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
        (413, "Too large", "What was sent is larger than this site accepts."),
        (415, "Not a form", "This address accepts only what its page's form sends."),
        (
            503,
            "Not available yet",
            "The commitment framework has not been loaded into this site yet. "
            "An administrator loads it with: flask --app wsgi framework load",
        ),
    ):
        app.register_error_handler(status, _error_page(status, title, message))
    app.register_error_handler(
        HTTPException, _error_page(None, "Request not accepted", "This request could not be answered.")
    )
    app.register_error_handler(
        CSRFError,
        _error_page(
            400,
            "This form has expired",
            "The form was open too long or was not sent from this site, so nothing was saved. "
            "Go back, reload the page and send it again.",
        ),
    )


def _error_page(status: int | None, title: str, message: str):  # type: ignore[no-untyped-def]
    """A handler drawing the error page; ``status`` None: the error's own (any other HTTP error)."""

    def handler(error):  # type: ignore[no-untyped-def]
        code = status or getattr(error, "code", None) or 500
        if code >= 500 and status is None:  # an unexpected server error goes to the 500 handler's page
            from .security import internal_error

            return internal_error(error)
        # keep what the error says about itself, such as a 405's Allow (RFC 9110), not its body
        try:
            headers = [(k, v) for k, v in getattr(error, "get_headers", list)() if k.lower() != "content-type"]
        except Exception:  # noqa: BLE001
            headers = []
        if request.path.startswith("/api/"):  # API clients get JSON, never an HTML page
            detail = getattr(error, "description", None)
            if not isinstance(detail, str) or detail.startswith(("The requested URL", "The server")):
                detail = message
            return jsonify(error={"status": code, "title": title, "detail": detail}), code, headers
        body, code = safe_error_page(code, title, message)
        return body, code, headers

    return handler
