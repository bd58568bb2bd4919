"""``flask users create | disable | list``."""

from __future__ import annotations

import pytest

from tests.conftest import log_in


@pytest.fixture
def cli(app):
    return app.test_cli_runner()


def test_create_with_password_from_stdin_then_log_in(cli, app):
    password = "a long enough passphrase"
    result = cli.invoke(
        args=[
            "users",
            "create",
            "--email",
            "Focal@Ministry.example",
            "--role",
            "focal_point",
            "--country",
            "al",
            "--password-stdin",
        ],
        input=password + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "created focal@ministry.example (focal_point, AL)" in result.output
    assert log_in(app.test_client(), "focal@ministry.example", password).status_code == 302


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--role", "focal_point", "--password-stdin"], "a long enough passphrase\n", "belongs to a country"),
        (["--role", "focal_point", "--country", "ZZ", "--password-stdin"], "a long enough passphrase\n", "no country"),
        (["--role", "admin", "--country", "AL", "--password-stdin"], "a long enough passphrase\n", "Only focal points"),
        (["--role", "admin", "--password-stdin"], "short\n", "at least 12"),
        (["--role", "wizard"], "", "Invalid value for '--role'"),
    ],
)
def test_create_refuses_bad_input(cli, args, stdin, message):
    result = cli.invoke(args=["users", "create", "--email", "x@example.org", *args], input=stdin)
    assert result.exit_code != 0
    assert message in result.output


def test_create_without_password_gives_an_invitation(cli):
    result = cli.invoke(args=["users", "create", "--email", "sec@example.org", "--role", "secretariat"])
    assert result.exit_code == 0
    assert "/invitation/" in result.output


def test_duplicate_email_is_refused(cli, people):
    result = cli.invoke(
        args=["users", "create", "--email", people["admin"], "--role", "admin", "--password-stdin"],
        input="a long enough passphrase\n",
    )
    assert result.exit_code == 1 and "already an account" in result.output


def test_disable_and_list(cli, app, people):
    client = app.test_client()
    log_in(client, people["albania"])
    result = cli.invoke(args=["users", "disable", people["albania"]])
    assert result.exit_code == 0
    assert client.get("/account").status_code == 302
    listing = cli.invoke(args=["users", "list"]).output
    line = next(line for line in listing.splitlines() if line.startswith(people["albania"]))
    assert "focal_point" in line and "AL" in line and "disabled" in line
    assert cli.invoke(args=["users", "disable", "nobody@example.org"]).exit_code == 1


def test_demo_seed_creates_the_data_once_and_lists_the_accounts(cli, app):
    from tracker.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

    first = cli.invoke(args=["demo", "seed"])
    assert first.exit_code == 0 and "Demonstration data created" in first.output, first.output
    assert all(email in first.output for email, *_ in DEMO_ACCOUNTS)
    second = cli.invoke(args=["demo", "seed"])
    assert second.exit_code == 0 and "already there" in second.output
    for email, *_ in DEMO_ACCOUNTS:
        assert log_in(app.test_client(), email, DEMO_PASSWORD).status_code == 302


def test_demo_seed_is_refused_in_production(cli, app):
    app.config["TRACKER_ENV"] = "production"
    result = cli.invoke(args=["demo", "seed"])
    assert result.exit_code == 1 and "never created in production" in result.output
    assert cli.invoke(args=["users", "list"]).output.strip() == ""
