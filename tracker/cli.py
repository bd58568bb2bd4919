"""``flask --app wsgi framework …``: validate and load the commitment framework."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .framework import FrameworkError, load_framework

framework_cli = AppGroup("framework", help="Validate and load the commitment framework (commitments/*.yaml).")


def _directory(directory: str | None) -> Path:
    return Path(directory or current_app.config["COMMITMENTS_DIR"])


def _report_problems(error: FrameworkError) -> None:
    for problem in error.problems:
        click.echo(str(problem), err=True)
    count = len(error.problems)
    click.echo(f"{count} problem{'s' if count != 1 else ''} found; nothing was loaded.", err=True)


@framework_cli.command("validate")
@click.argument("directory", required=False, type=click.Path(file_okay=False))
def validate_command(directory: str | None) -> None:
    """Check every framework file; exit 1 with every problem as path:line:col: message."""
    path = _directory(directory)
    try:
        framework = load_framework(path)
    except FrameworkError as error:
        _report_problems(error)
        raise SystemExit(1) from None
    click.echo(
        f"{path}: valid — {len(framework.instruments)} instruments, {len(framework.commitments)} commitments, "
        f"{len(framework.focus_areas)} focus areas, {len(framework.countries)} countries; "
        f"version {framework.content_hash[:12]}"
    )


@framework_cli.command("load")
@click.argument("directory", required=False, type=click.Path(file_okay=False))
def load_command(directory: str | None) -> None:
    """Validate everything, then store it in one transaction as the current version."""
    from .services import store_framework

    path = _directory(directory)
    try:
        framework = load_framework(path)
    except FrameworkError as error:
        _report_problems(error)
        raise SystemExit(1) from None
    result = store_framework(framework, source=str(path))
    if result.created:
        state = "stored as a new version and made current"
    elif result.made_current:
        state = "already stored; made current again"
    else:
        state = "already stored and current; nothing changed"
    click.echo(f"framework {result.content_hash[:12]} from {path}: {state}")


def register_commands(app: Flask) -> None:
    app.cli.add_command(framework_cli)
