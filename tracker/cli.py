"""The ``flask --app wsgi …`` commands: framework, users, audit, demo, notify, scores, nap."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .audit import Actor
from .extensions import db
from .framework import Framework, FrameworkError, load_framework
from .models import Role, User
from .passwords import password_problem

CLI_ACTOR = Actor(None, "command line")

framework_cli = AppGroup("framework", help="Validate and load the commitment framework (commitments/*.yaml).")


def _validated(directory: str | None) -> tuple[Path, Framework]:
    """The directory (default: the configured one) and its framework; exit 1 listing every problem.

    On an installation that holds demonstration data the demonstration's fictional countries join it
    (``demo_countries.yaml``): loading the framework again must not drop the countries its cycles score.
    """
    from .demo import DEMO_COUNTRIES_FILE
    from .installation import demonstration_flag

    path = Path(directory or current_app.config["COMMITMENTS_DIR"])
    try:
        return path, load_framework(path, DEMO_COUNTRIES_FILE if demonstration_flag(db.session) else None)
    except FrameworkError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        count = len(error.problems)
        click.echo(f"{count} problem{'s' if count != 1 else ''} found; nothing was loaded.", err=True)
        raise SystemExit(1) from None


@framework_cli.command("validate")
@click.argument("directory", required=False, type=click.Path(file_okay=False))
def validate_command(directory: str | None) -> None:
    """Check every framework file; exit 1 with every problem as path:line:col: message."""
    path, framework = _validated(directory)
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

    path, framework = _validated(directory)
    result = store_framework(framework, source=str(path), actor=CLI_ACTOR)
    if result.created:
        state = "stored as a new version and made current"
    elif result.made_current:
        state = "already stored; made current again"
    else:
        state = "already stored and current; nothing changed"
    click.echo(f"framework {result.content_hash[:12]} from {path}: {state}")


# ----------------------------------------------------------------------------- users
users_cli = AppGroup("users", help="Create, disable and list user accounts.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", default="", help="Full name (defaults to the email address).")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--country", "country_code", default=None, help="ISO 3166 code; focal points only.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (one line).")
def create_user_command(email: str, name: str, role: str, country_code: str | None, password_stdin: bool) -> None:
    """Create an account; without --password-stdin it gets an invitation link instead."""
    from . import services

    try:
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
            problem = password_problem(password)
            if problem:
                raise services.DomainError(problem)
            user = services.create_user(email, name, Role(role), country_code, password, CLI_ACTOR)
            click.echo(f"created {user.email} ({user.role.value}{', ' + country_code.upper() if country_code else ''})")
        else:
            user, token = services.invite_user(email, name, Role(role), country_code, CLI_ACTOR)
            base = current_app.config["BASE_URL"].rstrip("/")
            click.echo(f"created {user.email}; they set a password at: {base}/invitation/{token}")
    except services.DomainError as error:
        raise click.ClickException(str(error)) from None


@users_cli.command("disable")
@click.argument("email")
def disable_user_command(email: str) -> None:
    """Disable an account and end all its sessions."""
    from . import services

    user = _user_by_email(email)
    services.set_user_active(user.id, False, CLI_ACTOR, reason="command line")
    click.echo(f"disabled {user.email}; every session of the account has ended")


@users_cli.command("list")
def list_users_command() -> None:
    """Every account: email, role, country, state."""
    from . import queries

    for user in queries.users():
        state = "active" if user.is_active else "disabled"
        if user.password_hash is None:
            state += ", invited"
        click.echo(f"{user.email:40} {user.role.value:12} {user.country.code if user.country else '--':3} {state}")


def _user_by_email(email: str) -> User:
    from sqlalchemy import select

    user = db.session.execute(select(User).where(User.email == email.strip().lower())).scalar_one_or_none()
    if user is None:
        raise click.ClickException(f"no account for {email}")
    return user


# ----------------------------------------------------------------------------- audit
audit_cli = AppGroup("audit", help="The append-only audit trail.")


@audit_cli.command("verify")
def verify_audit_command() -> None:
    """Check the keyed hash chain of the audit trail and its checkpoint; exit 1 on any sign of tampering."""
    from sqlalchemy import func, select

    from .audit import ChainBreak, audit_key, checkpoint_dir, read_checkpoint, verify_chain
    from .models import AuditEvent

    total = db.session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    breaks: list[ChainBreak] = []
    with click.progressbar(length=total, label="checking audit events", file=sys.stderr) as bar:
        for item in verify_chain(db.session):
            if isinstance(item, ChainBreak):
                breaks.append(item)
            else:
                bar.update(1)
    for problem in breaks:
        click.echo(str(problem), err=True)
    if breaks:
        click.echo(f"{len(breaks)} break(s) in the audit chain of {total} events", err=True)
        raise SystemExit(1)
    checkpoint = read_checkpoint(audit_key())
    if checkpoint is None:
        click.echo(
            f"warning: no checkpoint in {checkpoint_dir()}: removing the last events could not be noticed "
            "(flask audit checkpoint writes one)",
            err=True,
        )
    else:
        click.echo(f"checkpoint of {checkpoint.written_at} matches: {checkpoint.rows} events to #{checkpoint.head_id}")
    click.echo(f"audit chain intact: {total} events")


@audit_cli.command("checkpoint")
def checkpoint_audit_command() -> None:
    """Write the chain's head (id, hash, number of events) to the checkpoint file outside the database."""
    from .audit import checkpoint_dir, write_checkpoint

    point = write_checkpoint(db.session)
    if point is None:
        click.echo("the audit trail is empty: nothing to checkpoint")
        return
    click.echo(f"checkpoint written to {checkpoint_dir()}: {point.rows} events to #{point.head_id}")


# ----------------------------------------------------------------------------- demonstration data
demo_cli = AppGroup("demo", help="Demonstration data for development (refused in production).")


@demo_cli.command("seed")
@click.option("--seed", default=2002, show_default=True, help="The random seed: the same seed, the same data.")
def demo_seed_command(seed: int) -> None:
    """Create the demonstration accounts, three cycles and their reports (once; refused in production)."""
    from .demo import DEMO_ACCOUNTS, DemoError, seed_demo

    try:
        summary = seed_demo(seed, progress=lambda message: click.echo(f"  … {message}", err=True))
    except DemoError as error:
        raise click.ClickException(str(error)) from None
    for line in summary.lines():
        click.echo(line)
    click.echo("Log in as:")
    for email, _, role, country in DEMO_ACCOUNTS:
        click.echo(f"  {email:34} {role.label}{' for ' + country if country else ''}")


# ----------------------------------------------------------------------------- notifications
notify_cli = AppGroup("notify", help="Reminders, for cron.")


@notify_cli.command("due")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Pretend today is this day.")
def notify_due_command(today) -> None:  # type: ignore[no-untyped-def]
    """Remind focal points of reports due within 14 days or overdue; safe to run as often as you like."""
    import datetime as dt

    from . import services

    day = today.date() if today else dt.date.today()
    sent = services.send_due_reminders(day)
    click.echo(f"{sent} reminder(s) sent for {day.isoformat()}")


# ----------------------------------------------------------------------------- scores
scores_cli = AppGroup("scores", help="The stored scores and charts.")


@scores_cli.command("recompute")
@click.option("--cycle", "cycle_name", default=None, help="Only this cycle (its name or id).")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if a stored row or chart differs.")
def recompute_scores_command(cycle_name: str | None, check: bool) -> None:
    """Recompute the stored scores from the entries and rebuild the charts; report what changed."""
    from sqlalchemy import or_, select

    from .models import ReportingCycle
    from .services import scores

    cycle_ids = None
    if cycle_name is not None:
        condition = ReportingCycle.name == cycle_name
        if cycle_name.isdigit():
            condition = or_(condition, ReportingCycle.id == int(cycle_name))
        cycle_id = db.session.execute(select(ReportingCycle.id).where(condition)).scalar()
        if cycle_id is None:
            raise click.ClickException(f"there is no cycle {cycle_name!r}")
        cycle_ids = [cycle_id]
    with click.progressbar(length=1, label="scoring countries", file=sys.stderr) as bar:

        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        result = scores.recompute_stored(cycle_ids, check=check, progress=progress)
    statistics = _rebuild_statistics(cycle_ids, check=check)
    verb = "differ" if check else "changed"
    click.echo(
        f"{result.scorecards} scorecards computed; {result.rows_changed} stored rows {verb} "
        f"({result.inserted} new, {result.updated} different, {result.deleted} obsolete); "
        f"{result.charts} charts and {statistics} statistics documents {'to rebuild' if check else 'rebuilt'}"
    )
    if check and (result.rows_changed or result.charts or statistics):
        raise SystemExit(1)


def _rebuild_statistics(cycle_ids: list[int] | None, *, check: bool) -> int:
    """The published cycles' suppressed statistics documents built again; with ``check``, only counted."""
    from sqlalchemy import select

    from .database import write_transaction
    from .models import ReportingCycle
    from .services import framework_of
    from .services.statistics import rebuild_public_statistics

    session = db.session
    if cycle_ids is None:
        cycle_ids = list(session.execute(select(ReportingCycle.id)).scalars())
    if check:
        try:
            return rebuild_public_statistics(session, framework_of, cycle_ids)
        finally:
            session.rollback()  # counted, never written
    with write_transaction(session):
        return rebuild_public_statistics(session, framework_of, cycle_ids)


# ----------------------------------------------------------------------------- national plans
nap_cli = AppGroup("nap", help="Import and export National Plans of Action (YAML, the format of examples/plans/).")


def _country(code: str):  # type: ignore[no-untyped-def]
    from .queries import country_by_code

    country = country_by_code(code.upper())
    if country is None:
        raise click.ClickException(f"there is no country {code!r}; load the framework first")
    return country


@nap_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--country", "country_code", required=True, help="The plan's country (ISO 3166 alpha-2 code).")
def nap_import_command(file: str, country_code: str) -> None:
    """Validate FILE whole and make it the country's draft plan, for the secretariat to review."""
    from .services import DomainError
    from .services.plans import InvalidPlan, import_plan

    country = _country(country_code)
    try:
        record = import_plan(country.id, Path(file).read_bytes(), CLI_ACTOR, source_name=file)
    except InvalidPlan as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        count = len(error.problems)
        click.echo(f"{count} problem{'s' if count != 1 else ''} found; nothing was imported.", err=True)
        raise SystemExit(1) from None
    except DomainError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"{file}: {record.activity_count} activities imported as {country.code}'s plan, "
        f"revision {record.revision} ({record.state.value}); submit it for review on the web."
    )


@nap_cli.command("export")
@click.option("--country", "country_code", required=True, help="The plan's country (ISO 3166 alpha-2 code).")
@click.option(
    "--revision", type=int, default=None, help="This revision (default: the newest accepted, else the newest)."
)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None, help="Default: stdout.")
def nap_export_command(country_code: str, revision: int | None, output: str | None) -> None:
    """Write the country's plan as YAML that `nap import` reads back unchanged."""
    from sqlalchemy import select

    from .models import NationalPlan
    from .services.plans import accepted_plan, latest_plan

    country = _country(country_code)
    if revision is None:
        record = accepted_plan(country.id) or latest_plan(country.id)
    else:
        record = db.session.execute(
            select(NationalPlan).where(NationalPlan.country_id == country.id, NationalPlan.revision == revision)
        ).scalar()
    if record is None:
        raise click.ClickException(f"{country.code} has no plan{f' revision {revision}' if revision else ''}")
    if output is None:
        click.echo(record.source, nl=False)
    else:
        Path(output).write_text(record.source, encoding="utf-8")
        click.echo(f"{country.code}'s plan, revision {record.revision} ({record.state.value}), written to {output}")


# ----------------------------------------------------------------------------- reports
reports_cli = AppGroup("reports", help="A report as an Excel workbook, for files received by mail.")


@reports_cli.command("export")
@click.argument("report_id", type=int)
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
def reports_export_command(report_id: int, file: str) -> None:
    """Write the report's signed workbook to FILE (what its focal point downloads)."""
    from flask import current_app

    from . import workbook
    from .models import Report
    from .services import workbooks

    report = db.session.get(Report, report_id)
    if report is None:
        raise click.ClickException(f"there is no report {report_id}")
    Path(file).write_bytes(
        workbook.build(workbooks.sheet_of(report), workbooks.key_of(current_app.config["SECRET_KEY"]))
    )
    click.echo(f"report {report.id} of {report.country.code}, version {report.version}, written to {file}")


@reports_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--apply", "apply_", is_flag=True, help="Save the changes (default: only print the preview).")
@click.option("--as", "email", default=None, help="The focal point in whose name to save (required with --apply).")
def reports_import_command(file: str, apply_: bool, email: str | None) -> None:
    """Print what FILE changes in its report, every problem at its cell; with --apply, save it."""
    from flask import current_app

    from . import workbook
    from .models import Report
    from .services import DomainError, StaleVersion, workbooks

    found: dict[str, Report] = {}

    def expected(report_id: int) -> workbook.Sheet:
        report = db.session.get(Report, report_id)
        if report is None:
            raise workbook.WorkbookRefused(f"there is no report {report_id}")
        found["report"] = report
        return workbooks.sheet_of(report)

    key = workbooks.key_of(current_app.config["SECRET_KEY"])
    try:
        parsed = workbook.parse(Path(file).read_bytes(), key, expected=expected)
    except workbook.WorkbookRefused as error:
        raise click.ClickException(str(error)) from None
    problems = parsed.problems or workbooks.preview(found["report"], parsed).problems
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        count = len(problems)
        click.echo(f"{count} problem{'s' if count != 1 else ''} found; nothing was saved.", err=True)
        raise SystemExit(1)
    preview = workbooks.preview(found["report"], parsed)
    for change in preview.changes:
        mark = "COLLIDES (saved text kept)" if change.collides else "applies"
        click.echo(f"{change.code} {change.label}: {change.stored!r} -> {change.workbook!r} [{mark}]")
    click.echo(f"{len(preview.changes)} changes, {len(preview.collisions)} colliding.")
    if not apply_:
        return
    if email is None:
        raise click.ClickException("--apply saves in a focal point's name: give --as EMAIL")
    actor = Actor(_user_by_email(email), "command line")
    try:
        report = workbooks.apply(parsed.report_id, parsed, actor)
    except (StaleVersion, DomainError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"applied: report {report.id} is at version {report.version}")


# ----------------------------------------------------------------------------- baseline
baseline_cli = AppGroup("baseline", help="Validate the historical baseline (baseline/*.yaml): what others recorded.")


@baseline_cli.command("validate")
@click.argument("directory", required=False, type=click.Path(file_okay=False))
def baseline_validate_command(directory: str | None) -> None:
    """Check every baseline file against the framework's countries; exit 1 with every problem."""
    from .baseline import BaselineError, load_baseline

    path = Path(directory or current_app.config["BASELINE_DIR"])
    try:
        countries = {c.code for c in load_framework(current_app.config["COMMITMENTS_DIR"]).countries}
    except FrameworkError:
        countries = None
        click.echo("the framework files have problems: country codes are not checked", err=True)
    try:
        baseline = load_baseline(path, country_codes=countries)
    except BaselineError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        count = len(error.problems)
        click.echo(f"{count} problem{'s' if count != 1 else ''} found in the baseline.", err=True)
        raise SystemExit(1) from None
    click.echo(f"{path}: valid — {len(baseline.facts)} facts from {len(baseline.sources)} sources")


def register_commands(app: Flask) -> None:
    from .backup import backup_cli

    groups = (
        framework_cli,
        users_cli,
        audit_cli,
        demo_cli,
        notify_cli,
        scores_cli,
        nap_cli,
        backup_cli,
        baseline_cli,
        reports_cli,
    )
    for group in groups:
        app.cli.add_command(group)
