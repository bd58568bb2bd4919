"""Links the app hands out (invitations, emails): always from ``TRACKER_BASE_URL``, never from the
request's ``Host`` header, which anyone can set."""

from __future__ import annotations

from flask import current_app, url_for


def external_url(endpoint: str, **values: object) -> str:
    """``TRACKER_BASE_URL`` followed by the endpoint's path (without the request's script root)."""
    path = url_for(endpoint, _external=False, **values)
    root = current_app.config.get("APPLICATION_ROOT") or "/"
    if root != "/" and path.startswith(root):
        path = path[len(root.rstrip("/")) :]
    return current_app.config["BASE_URL"].rstrip("/") + path
