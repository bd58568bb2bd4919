"""Whether this installation holds demonstration data, and what that changes everywhere.

The answer is stored with the data (``models.Installation``, written by ``flask demo seed``), never
inferred from an account. While it holds:

* every response carries ``X-Tracker-Demonstration: true``, and every JSON answer under ``/api/`` a
  top-level ``"demonstration": true`` (``x-demonstration`` in the OpenAPI document, whose top level
  takes extensions only);
* open-data rows say so in their ``demonstration`` column, and downloads are named
  ``demonstration-<name>`` (``tracker.exports``, ``tracker.public.opendata``);
* every chart carries a watermark in its Plotly layout and a caption (``demonstration_figure``);
* the banner is on every page; and production refuses to start (``refuse_demonstration_in_production``).
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, Response, current_app, g, request
from markupsafe import Markup
from sqlalchemy import inspect, select
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, scoped_session

HEADER = "X-Tracker-Demonstration"
FIELD = "demonstration"
WATERMARK = "DEMONSTRATION DATA — INVENTED"
CAPTION = "Demonstration data: every figure in this chart is invented."


def demonstration_flag(session: Session | scoped_session[Session]) -> bool:
    """The stored flag (one primary-key lookup); False when the row is absent."""
    from .models import Installation

    return bool(session.execute(select(Installation.demonstration).where(Installation.id == 1)).scalar())


def demonstration() -> bool:
    """The flag for this request, asked once (the banner, the exports, the API and the charts share it)."""
    from .extensions import db

    if "demo_data_present" not in g:
        try:
            g.demo_data_present = demonstration_flag(db.session)
        except SQLAlchemyError:  # an error page must render even when the database does not answer
            db.session.rollback()
            g.demo_data_present = False
    return bool(g.demo_data_present)


def demonstration_name(filename: str) -> str:
    """``entries.csv`` → ``demonstration-entries.csv`` while the installation holds demonstration data."""
    return f"demonstration-{filename}" if demonstration() else filename


def demonstration_figure(figure_json: str) -> Markup:
    """A stored Plotly figure (``scoring.charts.to_json``), with a watermark while the flag holds.

    Stored figures are built without it (rescoring is not this module's business), so the mark is added
    as the page is rendered; the text stays escaped for a ``<script type="application/json">``.
    """
    if not demonstration():
        return Markup(figure_json)
    figure = json.loads(figure_json)
    layout = figure.setdefault("layout", {})
    layout["annotations"] = [
        *layout.get("annotations", []),
        {
            "text": WATERMARK,
            "name": "demonstration",
            "xref": "paper",
            "yref": "paper",
            "x": 0.5,
            "y": 0.5,
            "showarrow": False,
            "textangle": -20,
            "opacity": 0.35,
            "font": {"size": 18, "color": "#b00020"},
        },
    ]
    text = json.dumps(figure, separators=(",", ":"), ensure_ascii=False, sort_keys=True)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _mark_response(response: Response) -> Response:
    """The header on every response, the field in every JSON answer of the API (after_request)."""
    if g.get("page_cache_hit") is not None or not demonstration():
        return response  # a page from the cache was marked when it was first made
    response.headers[HEADER] = "true"
    if (
        request.path.startswith("/api/")
        and response.mimetype == "application/json"
        and not response.is_streamed
        and response.status_code != 304
        and not response.headers.get("Content-Encoding")
    ):
        body = response.get_data()
        if body:
            document: Any = json.loads(body)
            if isinstance(document, dict):
                key = "x-demonstration" if request.endpoint == "api.openapi" else FIELD
                document[key] = True
                response.set_data(current_app.json.dumps(document))
    return response


def refuse_demonstration_in_production(app: Flask) -> None:
    """Production does not start on a database that holds demonstration data: say so and how to fix it.

    A database with no ``installation`` table yet (before ``flask db upgrade``) holds none; one that
    cannot be reached is left to the first request, as before.
    """
    from .extensions import db

    if app.config.get("TRACKER_ENV") != "production":
        return
    with app.app_context():
        try:
            with db.engine.connect() as connection:
                if not inspect(connection).has_table("installation"):
                    return
                with Session(bind=connection) as session:
                    flagged = demonstration_flag(session)
        except OperationalError as error:
            app.logger.warning("Could not check for demonstration data at start: %s", error)
            return
        finally:
            db.engine.dispose()
    if flagged:
        raise RuntimeError(
            "This database holds demonstration data (written by 'flask demo seed'): production refuses to "
            "start on it, so that invented reports are never served as real ones. Point TRACKER_DATABASE_URL "
            "at a database without demonstration data."
        )


def init_installation(app: Flask) -> None:
    """Register after the page cache and compression, so the marks are made before the body is compressed."""
    refuse_demonstration_in_production(app)
    app.after_request(_mark_response)
    app.add_template_filter(demonstration_figure, "demonstration_figure")
    app.add_template_global(demonstration, "demonstration")
