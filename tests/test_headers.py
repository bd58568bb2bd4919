"""Security headers on every response: pages, errors, static files, JSON, redirects."""

from __future__ import annotations

import pytest

from tests.conftest import log_in

EXPECTED_CSP = {
    "script-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def csp(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: " ".join(part.split()[1:]) for part in policy.split(";") if part.strip()}


def check_headers(response) -> None:
    policy = csp(response)
    for directive, value in EXPECTED_CSP.items():
        assert policy[directive] == value, (directive, policy)
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy["script-src"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/framework/crosswalk",
        "/healthz",
        "/login",
        "/static/css/tracker.css",
        "/bootstrap/static/css/bootstrap.min.css",
        "/no-such-page",
        "/admin/users",  # a redirect to the login page
    ],
)
def test_every_response_carries_the_headers(client, path):
    check_headers(client.get(path))


def test_error_pages_and_method_errors_carry_the_headers(client):
    response = client.delete("/")
    assert response.status_code == 405
    check_headers(response)


def test_server_error_page_is_generic_with_an_incident_id(app, client):
    from tracker.permissions import public

    @public
    def explode():  # type: ignore[no-untyped-def]
        raise RuntimeError("secret internals: db password is hunter2")

    app.add_url_rule("/explode", "explode", explode)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/explode")
    assert response.status_code == 500
    check_headers(response)
    assert "incident" in response.text
    assert "hunter2" not in response.text and "Traceback" not in response.text


def test_logged_in_pages_are_not_stored(client, people):
    assert "no-store" not in client.get("/framework/").headers.get("Cache-Control", "")
    log_in(client, people["albania"])
    for path in ("/account", "/framework/"):
        assert client.get(path).headers["Cache-Control"] == "no-store"


def test_hsts_in_production_only(client, app):
    assert "Strict-Transport-Security" not in client.get("/").headers
    app.config["TRACKER_ENV"] = "production"
    assert client.get("/").headers["Strict-Transport-Security"].startswith("max-age=")


def test_pages_have_no_inline_script_or_style(client, people):
    """The CSP would block them; a page that relies on one is broken in the browser."""
    log_in(client, people["admin"])
    for path in ("/", "/framework/", "/framework/crosswalk", "/countries/", "/admin/users", "/admin/audit"):
        page = client.get(path).text
        assert "<script>" not in page and '<script type="text/javascript">' not in page, path
        assert " style=" not in page and "<style" not in page, path
        assert " onclick=" not in page, path
