"""Demonstration data: three annual reporting cycles (2003 to 2005) for eight fictional countries.

``seed_demo`` plays the cycles through the same operations the web pages call (``tracker.services``),
never through raw inserts, so the audit trail, the stored scores and the notifications are exactly
what real use produces. Every choice comes from ``random.Random(seed)``: two runs on empty databases
give the same statuses, narratives, figures, evidence and review decisions; only the timestamps,
which the services take from the clock, differ.

Every country of the demonstration is fictional (``demo_countries.yaml``: codes from the ISO 3166-1
user-assigned range, "signatures" of the real instruments that exist in the demonstration only), and so
is every ministry, NGO, international office, law and person its texts name; the documents, numbers and
figures are invented, and every web address is under the reserved ``.example`` top-level domain
(RFC 2606), so no link points anywhere real. Real countries get no report, score, statistic or plan.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import random
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session, scoped_session

from . import services, uploads
from .audit import Actor
from .extensions import db
from .framework import Framework, fictional
from .models import (
    ActivityProgress,
    Commitment,
    Country,
    Entry,
    FrameworkVersion,
    IndicatorValue,
    NationalPlan,
    ReplyDecision,
    Report,
    ReportingCycle,
    ReportState,
    Role,
    User,
)
from .services import DomainError, EntryInput, EvidenceInput
from .services.installation import mark_demonstration_data
from .services.plans import ProgressInput, accept_plan, import_plan, plan_of, save_progress, submit_plan
from .services.reporting import save_statistics

DEMO_PASSWORD = "demonstration only"
DEMO_REMOTE_ADDR = "demo seed"  # what the audit trail shows as the origin of every seeded event

# The account the seed creates last: when it exists, the whole demonstration is there. (The older
# ``flask demo seed`` created admin@ and secretariat@ alone, so those prove nothing.)
DEMO_MARKER = "reviewer@demo.example"
DEMO_SECRETARIAT = "secretariat@demo.example"  # the reviewer who acts in every seeded review

DEMO_ACCOUNTS: tuple[tuple[str, str, Role, str | None], ...] = (
    ("admin@demo.example", "Demo Administrator", Role.ADMIN, None),
    (DEMO_SECRETARIAT, "Demo Secretariat", Role.SECRETARIAT, None),
    (DEMO_MARKER, "Demo Reviewer", Role.SECRETARIAT, None),
    ("brenmoor@demo.example", "Demo Focal Point, Brenmoor", Role.FOCAL_POINT, "QM"),
    ("arcadia-minor@demo.example", "Demo Focal Point, Arcadia Minor", Role.FOCAL_POINT, "QN"),
    ("caldwyn@demo.example", "Demo Focal Point, Caldwyn", Role.FOCAL_POINT, "QP"),
    ("harrowmere@demo.example", "Demo Focal Point, Harrowmere", Role.FOCAL_POINT, "QR"),
    ("lumerra@demo.example", "Demo Focal Point, Lumerra", Role.FOCAL_POINT, "QS"),
    ("dunvale@demo.example", "Demo Focal Point, Dunvale", Role.FOCAL_POINT, "QT"),
    ("orlinde@demo.example", "Demo Focal Point, Orlinde", Role.FOCAL_POINT, "QU"),
    ("kestrel-reach@demo.example", "Demo Focal Point, Kestrel Reach", Role.FOCAL_POINT, "QV"),
)
DEMO_COUNTRIES: tuple[str, ...] = tuple(code for *_, code in DEMO_ACCOUNTS if code)

# Fictional National Plans of Action (demo_plans/, drawn from examples/plans/QN.yaml): imported, submitted
# and accepted before the first cycle, so these countries' reports give progress per activity and their
# entries cite activities. Kestrel Reach's is only submitted: the secretariat finds a plan waiting for review,
# and Kestrel Reach's reports give no progress on it (a plan counts only once accepted).
DEMO_COUNTRIES_FILE = Path(__file__).resolve().parent / "demo_countries.yaml"  # fictional, never in commitments/
DEMO_PLAN_FILES = Path(__file__).resolve().parent / "demo_plans"  # fictional plans of fictional countries
DEMO_PLAN_COUNTRIES: tuple[str, ...] = ("QM", "QT")
DEMO_PLANS_TO_REVIEW: tuple[str, ...] = ("QV",)
PROGRESS_LADDER = ("not-started", "under-way", "completed")
DELAY_NOTES = (
    "Delayed: the funds from the state budget were released only in the autumn.",
    "Delayed: the responsible ministry changed its leadership during the year.",
    "Delayed: the partner organisation's project ended early; a new partner is being sought.",
)

# "Today" in the demonstration's world: the 2005 report is due in eleven days.
DEFAULT_TODAY = dt.date(2006, 3, 20)


@dataclass(frozen=True)
class DemoCycle:
    """An annual cycle: the calendar year, opening mid-January and due at the end of March after it."""

    year: int

    @property
    def name(self) -> str:
        return f"{self.year} annual report"

    @property
    def period_start(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def period_end(self) -> dt.date:
        return dt.date(self.year, 12, 31)

    @property
    def opens_on(self) -> dt.date:
        return dt.date(self.year + 1, 1, 15)

    @property
    def due_on(self) -> dt.date:
        return dt.date(self.year + 1, 3, 31)


DEMO_CYCLES = (DemoCycle(2003), DemoCycle(2004), DemoCycle(2005))


UPLOADED_SHARE = 0.15  # of the documents cited, those that also come as an uploaded file


def demonstration_pdf(title: str) -> bytes:
    """A one-page PDF that says what it is: an invented document of the demonstration, by its title."""
    lines = ["DEMONSTRATION DATA - INVENTED DOCUMENT", title, "This file was generated by the demonstration seed."]
    text = "".join(
        f"BT /F1 {12 if n else 14} Tf 56 {780 - 24 * n} Td ({_pdf_text(line)}) Tj ET\n" for n, line in enumerate(lines)
    ).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"endstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _pdf_text(line: str) -> str:
    """A line as a PDF string literal's contents: Latin-1 only, with its delimiters escaped."""
    plain = line.translate(str.maketrans({"—": "-", "–": "-", "“": '"', "”": '"', "‘": "'", "’": "'"}))
    latin = plain.encode("latin-1", "replace").decode("latin-1")
    return latin.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


class DemoError(DomainError):
    """The demonstration data cannot be created here (no framework, production, half-seeded database)."""


@dataclass
class DemoSummary:
    """What the database holds of the demonstration, and whether this call created it."""

    created: bool
    users: int
    cycles: int
    reports_by_cycle: dict[str, dict[str, int]]  # cycle name -> report state -> reports (every revision)
    published: tuple[str, ...]
    message: str
    negative_indicator: tuple[str, ...] = ()  # "CC, cycle" where an accepted report shows immediate deportations
    plans: tuple[str, ...] = ()  # "CC: N activities, state" of each demonstration National Plan of Action
    reports_with_progress: int = 0  # reports (every revision) that give progress on a plan's activities
    plans_to_review: int = 0  # demonstration plans submitted and waiting for the secretariat's review

    @property
    def reports_by_state(self) -> dict[str, int]:
        totals = {state.value: 0 for state in ReportState}
        for states in self.reports_by_cycle.values():
            for state, count in states.items():
                totals[state] += count
        return totals

    def lines(self) -> list[str]:
        """The summary in words, one line each, for the command line."""
        out = [self.message, f"accounts: {self.users} (password {DEMO_PASSWORD!r})"]
        for name, states in self.reports_by_cycle.items():
            counts = ", ".join(f"{n} {state}" for state, n in states.items() if n) or "no reports"
            out.append(f"{name}: {counts}{' (published)' if name in self.published else ''}")
        if self.negative_indicator:
            out.append(f"immediate deportations reported: {', '.join(self.negative_indicator)}")
        if self.plans:
            out.append(
                f"National Plans of Action (illustrative examples): {'; '.join(self.plans)}; "
                f"progress per activity in {self.reports_with_progress} reports"
                + (f"; {self.plans_to_review} waiting for the secretariat's review" if self.plans_to_review else "")
            )
        return out


def demo_present(session: Session | scoped_session[Session]) -> bool:
    """True when the demonstration data is in the database (one indexed lookup)."""
    return session.execute(select(User.id).where(User.email == DEMO_MARKER).limit(1)).first() is not None


def seed_demo(
    seed: int = 2002, today: dt.date | None = None, progress: Callable[[str], None] | None = None
) -> DemoSummary:
    """Create the demonstration accounts, cycles and reports once; later calls create nothing.

    ``today`` is the demonstration's own present day (default 20 March 2006): due and overdue
    reminders are sent as of that day. It never comes from the clock, nor does anything else the
    seed writes, apart from the timestamps the services stamp.
    """
    say = progress or (lambda message: None)
    session = db.session
    if current_app.config.get("TRACKER_ENV") == "production":
        raise DemoError("Demonstration data is never created in production.")
    if demo_present(session):
        say("demonstration data is already there; nothing created")
        return _summary(session, created=False, message="Demonstration data was already there; nothing created.")
    today = today or DEFAULT_TODAY
    if today < DEMO_CYCLES[-1].opens_on:
        raise DemoError(f"'today' must be on or after {DEMO_CYCLES[-1].opens_on:%d %B %Y}, when the last cycle opens.")
    framework = _current_framework(session)
    half_done = session.execute(
        select(ReportingCycle.name).where(ReportingCycle.name.in_([c.name for c in DEMO_CYCLES]))
    ).scalar()
    if half_done is not None:
        raise DemoError(
            f"The cycle {half_done!r} exists but the demonstration is incomplete (no {DEMO_MARKER}): "
            "start again from an empty database."
        )
    mark_demonstration_data(Actor(None, DEMO_REMOTE_ADDR))  # before the first demonstration row is written
    framework = _with_fictional_countries(framework)
    _Seeder(
        random.Random(seed),
        framework,
        say,
        random.Random(f"statistics {seed}"),
        random.Random(f"plans {seed}"),
        random.Random(f"files {seed}"),
    ).run(today)
    say("done")
    return _summary(session, created=True, message=f"Demonstration data created (seed {seed}).")


def _with_fictional_countries(framework: Framework) -> Framework:
    """The configured framework with the demonstration's fictional countries, stored as the current version."""
    from .framework import load_framework

    if all(framework.applicable_commitments(code) for code in DEMO_COUNTRIES):
        return framework
    merged = load_framework(current_app.config["COMMITMENTS_DIR"], DEMO_COUNTRIES_FILE)
    missing = [code for code in DEMO_COUNTRIES if not merged.applicable_commitments(code)]
    if missing:
        raise DemoError(f"The framework has no commitments for {', '.join(missing)}.")
    services.store_framework(merged, source=f"{current_app.config['COMMITMENTS_DIR']} + demonstration countries")
    return merged


def _current_framework(session: Session | scoped_session[Session]) -> Framework:
    from .queries import framework_by_hash

    content_hash = session.execute(
        select(FrameworkVersion.content_hash).where(FrameworkVersion.is_current.is_(True))
    ).scalar()
    framework = framework_by_hash(content_hash) if content_hash else None
    if framework is None:
        raise DemoError("Load the framework first (flask --app wsgi framework load), then seed the demonstration.")
    return framework


def _summary(session: Session | scoped_session[Session], *, created: bool, message: str) -> DemoSummary:
    names = [c.name for c in DEMO_CYCLES]
    users = session.execute(
        select(func.count(User.id)).where(User.email.in_([email for email, *_ in DEMO_ACCOUNTS]))
    ).scalar_one()
    cycles = {
        name: published
        for name, published in session.execute(
            select(ReportingCycle.name, ReportingCycle.published_at).where(ReportingCycle.name.in_(names))
        )
    }
    by_cycle = {name: {state.value: 0 for state in ReportState} for name in names if name in cycles}
    for name, state, count in session.execute(
        select(ReportingCycle.name, Report.state, func.count(Report.id))
        .join(Report, Report.cycle_id == ReportingCycle.id)
        .where(ReportingCycle.name.in_(names))
        .group_by(ReportingCycle.name, Report.state)
    ):
        by_cycle[name][state.value] = count
    negative = session.execute(
        select(ReportingCycle.name, Report.country_id)
        .join(Report, Report.cycle_id == ReportingCycle.id)
        .join(Entry, Entry.report_id == Report.id)
        .join(IndicatorValue, IndicatorValue.entry_id == Entry.id)
        .where(
            ReportingCycle.name.in_(names),
            Report.state == ReportState.ACCEPTED,
            IndicatorValue.indicator == "immediate-deportations",
            IndicatorValue.value > 0,
        )
        .distinct()
    ).all()
    codes = dict(session.execute(select(Country.id, Country.code)).all())
    demo_plans = session.execute(
        select(NationalPlan.country_id, NationalPlan.activity_count, NationalPlan.state, NationalPlan.illustrative)
        .where(
            NationalPlan.country_id.in_(
                [c for c, code in codes.items() if code in DEMO_PLAN_COUNTRIES + DEMO_PLANS_TO_REVIEW]
            )
        )
        .order_by(NationalPlan.country_id, NationalPlan.revision)
    ).all()
    plans = tuple(
        f"{codes[country]}: {count} activities, {state.value}{'' if illustrative else ' (not illustrative)'}"
        for country, count, state, illustrative in demo_plans
    )
    with_progress = session.execute(select(func.count(func.distinct(ActivityProgress.report_id)))).scalar_one()
    session.rollback()  # end the read
    return DemoSummary(
        created=created,
        users=users,
        cycles=len(cycles),
        reports_by_cycle=by_cycle,
        published=tuple(name for name in names if cycles.get(name) is not None),
        message=message,
        negative_indicator=tuple(sorted(f"{codes[country]}, {name}" for name, country in negative)),
        plans=tuple(sorted(plans)),
        reports_with_progress=with_progress,
        plans_to_review=sum(state is ReportState.SUBMITTED for _, _, state, _ in demo_plans),
    )


# ----------------------------------------------------------------------------- the countries
@dataclass(frozen=True)
class _Body:
    name: str
    host: str  # under .example


@dataclass(frozen=True)
class _Profile:
    """What the narratives and figures of one country draw on."""

    name: str
    bodies: Mapping[str, _Body]
    currency: str
    per_euro: int  # rough 2003-2005 rate, for budgets
    identified: int  # victims identified in 2003, the scale of every other figure
    origin: bool  # mainly a country of origin (many returns, few foreign victims)
    strength: int  # the status level a typical commitment had reached in 2003


def _bodies(**named: tuple[str, str]) -> dict[str, _Body]:
    return {key: _Body(name, host) for key, (name, host) in named.items()}


PROFILES: dict[str, _Profile] = {
    "QM": _Profile(
        "Brenmoor",
        _bodies(
            interior=("Ministry of Civic Safety of Brenmoor", "civic-safety.gov.brenmoor.example"),
            coordinator=("Office of the Brenmoorish Anti-Trafficking Co-ordinator", "coordinator.gov.brenmoor.example"),
            social=("Ministry of Social Care of Brenmoor", "social-care.gov.brenmoor.example"),
            justice=("Ministry of Law of Brenmoor", "law.gov.brenmoor.example"),
            prosecutor=("Brenmoorish Office of Public Prosecutions", "prosecutions.gov.brenmoor.example"),
            border=("Brenmoorish Frontier Guard", "frontier.gov.brenmoor.example"),
            foreign=("Ministry of External Relations of Brenmoor", "external.gov.brenmoor.example"),
            parliament=("Great Council of Brenmoor", "council.brenmoor.example"),
            gazette=("Brenmoorish Register of Statutes", "statutes.gov.brenmoor.example"),
            shelter=("Castelbren Safe House (fictional)", "safe-house.brenmoor.example"),
            ngo=("Castelbren Lantern Circle (a fictional NGO)", "lantern-circle.brenmoor.example"),
            relief=("Regional Migration Relief Office in Castelbren (fictional)", "relief.brenmoor.example"),
            mission=("Regional Rights Mission to Brenmoor (fictional)", "rights-mission.brenmoor.example"),
            childfund=("Children's Fund office in Castelbren (fictional)", "childfund.brenmoor.example"),
        ),
        "BRM",
        135,
        420,
        True,
        2,
    ),
    "QN": _Profile(
        "Arcadia Minor",
        _bodies(
            interior=("Ministry of Civic Safety of Arcadia Minor", "civic-safety.gov.arcadia-minor.example"),
            coordinator=(
                "Office of the Arcadian Anti-Trafficking Co-ordinator",
                "coordinator.gov.arcadia-minor.example",
            ),
            social=("Ministry of Social Care of Arcadia Minor", "social-care.gov.arcadia-minor.example"),
            justice=("Ministry of Law of Arcadia Minor", "law.gov.arcadia-minor.example"),
            prosecutor=("Arcadian Office of Public Prosecutions", "prosecutions.gov.arcadia-minor.example"),
            border=("Arcadian Frontier Guard", "frontier.gov.arcadia-minor.example"),
            foreign=("Ministry of External Relations of Arcadia Minor", "external.gov.arcadia-minor.example"),
            parliament=("Great Council of Arcadia Minor", "council.arcadia-minor.example"),
            gazette=("Arcadian Register of Statutes", "statutes.gov.arcadia-minor.example"),
            shelter=("Port Idris Safe House (fictional)", "safe-house.arcadia-minor.example"),
            ngo=("Port Idris Lantern Circle (a fictional NGO)", "lantern-circle.arcadia-minor.example"),
            relief=("Regional Migration Relief Office in Port Idris (fictional)", "relief.arcadia-minor.example"),
            mission=("Regional Rights Mission to Arcadia Minor (fictional)", "rights-mission.arcadia-minor.example"),
            childfund=("Children's Fund office in Port Idris (fictional)", "childfund.arcadia-minor.example"),
        ),
        "ARK",
        2,
        60,
        False,
        1,
    ),
    "QP": _Profile(
        "Caldwyn",
        _bodies(
            interior=("Ministry of Civic Safety of Caldwyn", "civic-safety.gov.caldwyn.example"),
            coordinator=("Office of the Caldwynian Anti-Trafficking Co-ordinator", "coordinator.gov.caldwyn.example"),
            social=("Ministry of Social Care of Caldwyn", "social-care.gov.caldwyn.example"),
            justice=("Ministry of Law of Caldwyn", "law.gov.caldwyn.example"),
            prosecutor=("Caldwynian Office of Public Prosecutions", "prosecutions.gov.caldwyn.example"),
            border=("Caldwynian Frontier Guard", "frontier.gov.caldwyn.example"),
            foreign=("Ministry of External Relations of Caldwyn", "external.gov.caldwyn.example"),
            parliament=("Great Council of Caldwyn", "council.caldwyn.example"),
            gazette=("Caldwynian Register of Statutes", "statutes.gov.caldwyn.example"),
            shelter=("Wyncaster Safe House (fictional)", "safe-house.caldwyn.example"),
            ngo=("Wyncaster Lantern Circle (a fictional NGO)", "lantern-circle.caldwyn.example"),
            relief=("Regional Migration Relief Office in Wyncaster (fictional)", "relief.caldwyn.example"),
            mission=("Regional Rights Mission to Caldwyn (fictional)", "rights-mission.caldwyn.example"),
            childfund=("Children's Fund office in Wyncaster (fictional)", "childfund.caldwyn.example"),
        ),
        "CLD",
        2,
        140,
        True,
        2,
    ),
    "QR": _Profile(
        "Harrowmere",
        _bodies(
            interior=("Ministry of Civic Safety of Harrowmere", "civic-safety.gov.harrowmere.example"),
            coordinator=(
                "Office of the Harrowmerian Anti-Trafficking Co-ordinator",
                "coordinator.gov.harrowmere.example",
            ),
            social=("Ministry of Social Care of Harrowmere", "social-care.gov.harrowmere.example"),
            justice=("Ministry of Law of Harrowmere", "law.gov.harrowmere.example"),
            prosecutor=("Harrowmerian Office of Public Prosecutions", "prosecutions.gov.harrowmere.example"),
            border=("Harrowmerian Frontier Guard", "frontier.gov.harrowmere.example"),
            foreign=("Ministry of External Relations of Harrowmere", "external.gov.harrowmere.example"),
            parliament=("Great Council of Harrowmere", "council.harrowmere.example"),
            gazette=("Harrowmerian Register of Statutes", "statutes.gov.harrowmere.example"),
            shelter=("Merestead Safe House (fictional)", "safe-house.harrowmere.example"),
            ngo=("Merestead Lantern Circle (a fictional NGO)", "lantern-circle.harrowmere.example"),
            relief=("Regional Migration Relief Office in Merestead (fictional)", "relief.harrowmere.example"),
            mission=("Regional Rights Mission to Harrowmere (fictional)", "rights-mission.harrowmere.example"),
            childfund=("Children's Fund office in Merestead (fictional)", "childfund.harrowmere.example"),
        ),
        "HRW",
        7,
        12,
        False,
        2,
    ),
    "QS": _Profile(
        "Lumerra",
        _bodies(
            interior=("Ministry of Civic Safety of Lumerra", "civic-safety.gov.lumerra.example"),
            coordinator=("Office of the Lumerran Anti-Trafficking Co-ordinator", "coordinator.gov.lumerra.example"),
            social=("Ministry of Social Care of Lumerra", "social-care.gov.lumerra.example"),
            justice=("Ministry of Law of Lumerra", "law.gov.lumerra.example"),
            prosecutor=("Lumerran Office of Public Prosecutions", "prosecutions.gov.lumerra.example"),
            border=("Lumerran Frontier Guard", "frontier.gov.lumerra.example"),
            foreign=("Ministry of External Relations of Lumerra", "external.gov.lumerra.example"),
            parliament=("Great Council of Lumerra", "council.lumerra.example"),
            gazette=("Lumerran Register of Statutes", "statutes.gov.lumerra.example"),
            shelter=("Solcaster Safe House (fictional)", "safe-house.lumerra.example"),
            ngo=("Solcaster Lantern Circle (a fictional NGO)", "lantern-circle.lumerra.example"),
            relief=("Regional Migration Relief Office in Solcaster (fictional)", "relief.lumerra.example"),
            mission=("Regional Rights Mission to Lumerra (fictional)", "rights-mission.lumerra.example"),
            childfund=("Children's Fund office in Solcaster (fictional)", "childfund.lumerra.example"),
        ),
        "LUM",
        15,
        290,
        True,
        1,
    ),
    "QT": _Profile(
        "Dunvale",
        _bodies(
            interior=("Ministry of Civic Safety of Dunvale", "civic-safety.gov.dunvale.example"),
            coordinator=("Office of the Dunvalian Anti-Trafficking Co-ordinator", "coordinator.gov.dunvale.example"),
            social=("Ministry of Social Care of Dunvale", "social-care.gov.dunvale.example"),
            justice=("Ministry of Law of Dunvale", "law.gov.dunvale.example"),
            prosecutor=("Dunvalian Office of Public Prosecutions", "prosecutions.gov.dunvale.example"),
            border=("Dunvalian Frontier Guard", "frontier.gov.dunvale.example"),
            foreign=("Ministry of External Relations of Dunvale", "external.gov.dunvale.example"),
            parliament=("Great Council of Dunvale", "council.dunvale.example"),
            gazette=("Dunvalian Register of Statutes", "statutes.gov.dunvale.example"),
            shelter=("Dunharrow Bridge Safe House (fictional)", "safe-house.dunvale.example"),
            ngo=("Dunharrow Bridge Lantern Circle (a fictional NGO)", "lantern-circle.dunvale.example"),
            relief=("Regional Migration Relief Office in Dunharrow Bridge (fictional)", "relief.dunvale.example"),
            mission=("Regional Rights Mission to Dunvale (fictional)", "rights-mission.dunvale.example"),
            childfund=("Children's Fund office in Dunharrow Bridge (fictional)", "childfund.dunvale.example"),
        ),
        "DNV",
        61,
        75,
        False,
        1,
    ),
    "QU": _Profile(
        "Orlinde",
        _bodies(
            interior=("Ministry of Civic Safety of Orlinde", "civic-safety.gov.orlinde.example"),
            coordinator=("Office of the Orlindian Anti-Trafficking Co-ordinator", "coordinator.gov.orlinde.example"),
            social=("Ministry of Social Care of Orlinde", "social-care.gov.orlinde.example"),
            justice=("Ministry of Law of Orlinde", "law.gov.orlinde.example"),
            prosecutor=("Orlindian Office of Public Prosecutions", "prosecutions.gov.orlinde.example"),
            border=("Orlindian Frontier Guard", "frontier.gov.orlinde.example"),
            foreign=("Ministry of External Relations of Orlinde", "external.gov.orlinde.example"),
            parliament=("Great Council of Orlinde", "council.orlinde.example"),
            gazette=("Orlindian Register of Statutes", "statutes.gov.orlinde.example"),
            shelter=("Fenwick Haven Safe House (fictional)", "safe-house.orlinde.example"),
            ngo=("Fenwick Haven Lantern Circle (a fictional NGO)", "lantern-circle.orlinde.example"),
            relief=("Regional Migration Relief Office in Fenwick Haven (fictional)", "relief.orlinde.example"),
            mission=("Regional Rights Mission to Orlinde (fictional)", "rights-mission.orlinde.example"),
            childfund=("Children's Fund office in Fenwick Haven (fictional)", "childfund.orlinde.example"),
        ),
        "ORL",
        1,
        480,
        True,
        2,
    ),
    "QV": _Profile(
        "Kestrel Reach",
        _bodies(
            interior=("Ministry of Civic Safety of Kestrel Reach", "civic-safety.gov.kestrel-reach.example"),
            coordinator=(
                "Office of the Kestrelian Anti-Trafficking Co-ordinator",
                "coordinator.gov.kestrel-reach.example",
            ),
            social=("Ministry of Social Care of Kestrel Reach", "social-care.gov.kestrel-reach.example"),
            justice=("Ministry of Law of Kestrel Reach", "law.gov.kestrel-reach.example"),
            prosecutor=("Kestrelian Office of Public Prosecutions", "prosecutions.gov.kestrel-reach.example"),
            border=("Kestrelian Frontier Guard", "frontier.gov.kestrel-reach.example"),
            foreign=("Ministry of External Relations of Kestrel Reach", "external.gov.kestrel-reach.example"),
            parliament=("Great Council of Kestrel Reach", "council.kestrel-reach.example"),
            gazette=("Kestrelian Register of Statutes", "statutes.gov.kestrel-reach.example"),
            shelter=("Highmoor Safe House (fictional)", "safe-house.kestrel-reach.example"),
            ngo=("Highmoor Lantern Circle (a fictional NGO)", "lantern-circle.kestrel-reach.example"),
            relief=("Regional Migration Relief Office in Highmoor (fictional)", "relief.kestrel-reach.example"),
            mission=("Regional Rights Mission to Kestrel Reach (fictional)", "rights-mission.kestrel-reach.example"),
            childfund=("Children's Fund office in Highmoor (fictional)", "childfund.kestrel-reach.example"),
        ),
        "KST",
        1,
        55,
        False,
        1,
    ),
}


# ----------------------------------------------------------------------------- the commitments
@dataclass(frozen=True)
class _Spec:
    """How a country writes about one commitment: its topic, who is responsible, what proves it."""

    topic: str
    responsible: tuple[str, ...]
    evidence: tuple[tuple[str, str, str], ...]  # (title template, body that publishes it, file slug)
    activities: tuple[str, ...]  # what was done, for a status above "planned"
    level_bias: int = 0  # how far ahead of (or behind) the country's usual level it stood in 2003
    budget: bool = False  # entries may carry a budget


SPECS: dict[str, _Spec] = {
    "PAL-2A": _Spec(
        "prevention programmes",
        ("coordinator", "social"),
        (
            (
                "National Plan of Action against Trafficking in Human Beings: prevention chapter, "
                "implementation report {year}",
                "coordinator",
                "nap-prevention-report",
            ),
            ("{relief}: prevention campaign in schools, final report {year}", "relief", "prevention-campaign-report"),
        ),
        (
            "{coordinator} ran a national prevention campaign with {relief} and {ngo}, with school sessions and a "
            "telephone hotline for young people in the regions most at risk.",
            "The prevention chapter of the National Plan of Action was carried out with {ngo} and {childfund}, "
            "aimed at girls who leave school early and at young unemployed women.",
        ),
        budget=True,
    ),
    "PAL-2B": _Spec(
        "assistance and protection for victims",
        ("social", "shelter", "ngo"),
        (
            ("{social}: annual report on assistance to victims of trafficking, {year}", "social", "assistance-report"),
            ("{relief}: statistics of assisted victims, {year}", "relief", "assisted-victims-statistics"),
        ),
        (
            "In {year} the authorities identified victims of trafficking, who received assistance through the "
            "{shelter} and {ngo}; the counts are in the statistics section.",
            "Shelter, medical and psychological care and legal aid were given to the persons the {interior} "
            "identified as victims and to possible victims referred by {ngo}.",
        ),
        budget=True,
    ),
    "PAL-2C": _Spec(
        "legislative reform on trafficking",
        ("justice", "parliament"),
        (
            (
                "{gazette} No. {num}/{year}: Law amending the Criminal Code (trafficking in human beings)",
                "gazette",
                "criminal-code-amendment",
            ),
            ("{justice}: explanatory memorandum to the draft amendments, {year}", "justice", "explanatory-memorandum"),
        ),
        (
            "Amendments to the Criminal Code that define trafficking in human beings as an offence of its own, "
            "in line with the UN Trafficking Protocol, were published in the {gazette}.",
            "The {justice} drafted amendments to the Criminal Code and the Criminal Procedure Code that separate "
            "trafficking from related offences and raise the penalties for its organisers.",
        ),
    ),
    "PAL-2D": _Spec(
        "law enforcement against trafficking",
        ("interior",),
        (
            ("{interior}: instruction No. {num} on the investigation of trafficking cases", "interior", "instruction"),
            ("{mission}: police training on trafficking, course report {year}", "mission", "police-training-report"),
        ),
        (
            "A specialised anti-trafficking unit of the {interior} works under new standard operating procedures, "
            "and {officials_trained} officers were trained with the {mission}.",
            "The {interior} issued an instruction on investigating trafficking cases and trained "
            "{officials_trained} police officers at its academy.",
        ),
    ),
    "PAL-2E": _Spec(
        "the prosecution of traffickers",
        ("prosecutor", "justice"),
        (
            ("{prosecutor}: statistics of trafficking cases, {year}", "prosecutor", "trafficking-cases"),
            ("{prosecutor}: annual report {year}, chapter on organised crime", "prosecutor", "annual-report"),
        ),
        (
            "The {prosecutor} brought {prosecutions} trafficking cases before the courts, and {convictions} "
            "persons were convicted.",
            "Prosecutors specialised in trafficking were named in the main districts; {prosecutions} cases were "
            "prosecuted and {convictions} persons convicted in {year}.",
        ),
    ),
    "PAL-3A": _Spec(
        "awareness raising among officials",
        ("coordinator", "border", "foreign"),
        (
            (
                "Handbook on recognising trafficking for border and consular staff ({relief}, {year})",
                "relief",
                "handbook",
            ),
            ("{coordinator}: information sessions for officials, {year}", "coordinator", "information-sessions"),
        ),
        (
            "Information sessions for border officials, police, judges and prosecutors were held in the border "
            "regions, with leaflets on the signs of trafficking prepared by {relief}.",
            "The {coordinator} sent a handbook on recognising trafficking to border crossings, police stations "
            "and consulates abroad.",
        ),
    ),
    "PAL-3B": _Spec(
        "the training of officials",
        ("interior", "justice", "foreign"),
        (
            (
                "{interior}: police academy training programme on trafficking and attendance records, {year}",
                "interior",
                "training-programme",
            ),
            ("{justice}: judicial training seminars on trafficking, {year}", "justice", "judicial-training"),
        ),
        (
            "{officials_trained} border officials, police officers, judges, prosecutors and consular staff took "
            "part in courses organised with the {mission} and {relief}.",
            "A standard curriculum on trafficking was adopted for the police academy and the judicial training "
            "centre, and {officials_trained} officials were trained.",
        ),
        budget=True,
    ),
    "PAL-3C": _Spec(
        "co-operation among border, police, judicial and consular services",
        ("interior", "prosecutor", "border"),
        (
            (
                "Joint instruction of the {interior} and the {prosecutor} on co-operation in trafficking cases "
                "(No. {num}/{year})",
                "interior",
                "joint-instruction",
            ),
            ("{coordinator}: list of anti-trafficking contact points, {year}", "coordinator", "contact-points"),
        ),
        (
            "A joint instruction of the {interior} and the {prosecutor} set up contact points in every police "
            "directorate and prosecutor's office.",
            "Police, border police and prosecutors held joint operations through named contact points, and a "
            "protocol on co-operation was signed with {ngo}.",
        ),
    ),
    "PAL-4": _Spec(
        "the nomination of a national co-ordinator",
        ("coordinator",),
        (
            (
                "Government decision No. {num} nominating the National Anti-Trafficking Co-ordinator",
                "coordinator",
                "decision",
            ),
            ("{coordinator}: mandate and rules of procedure", "coordinator", "mandate"),
        ),
        (
            "The Government nominated a National Anti-Trafficking Co-ordinator at deputy-minister level, who "
            "chairs the {coordinator}.",
            "The {coordinator} has a written mandate to co-ordinate the ministries and to represent the country "
            "in regional and international co-operation.",
        ),
        level_bias=1,
    ),
    "PAL-5A": _Spec(
        "national co-ordination",
        ("coordinator",),
        (
            ("Minutes of the meetings of the {coordinator}, {year}", "coordinator", "minutes"),
            ("{coordinator}: work plan {next_year}", "coordinator", "work-plan"),
        ),
        (
            "The {coordinator} met {meetings} times in {year} and followed up the National Plan of Action with "
            "the ministries, {relief} and the NGOs.",
            "A working group of the ministries, the prosecution service and NGOs meets under the {coordinator} "
            "and keeps minutes of its decisions.",
        ),
    ),
    "PAL-5B": _Spec(
        "the exchange of information with other states",
        ("coordinator", "interior"),
        (
            (
                "{interior}: co-operation through the regional police co-operation centre, {year}",
                "interior",
                "police-cooperation",
            ),
            ("{coordinator}: data sent to the regional data clearing house, {year}", "coordinator", "regional-data"),
        ),
        (
            "Information on routes and cases was exchanged with neighbouring states through the regional police "
            "co-operation centre and bilateral police contact points.",
            "The {coordinator} sent national data to the regional data clearing house and met the co-ordinators of "
            "the neighbouring countries {meetings} times.",
        ),
    ),
    "PAL-5C": _Spec(
        "follow-up and progress reports",
        ("coordinator",),
        (("{coordinator}: progress report on the National Plan of Action, {year}", "coordinator", "progress-report"),),
        (
            "The {coordinator} prepared the annual progress report on the National Plan of Action and sent it "
            "to the Government and to the regional secretariat.",
            "A follow-up report on the ministers' decisions was prepared for the regional secretariat, with "
            "proposals for "
            "the priorities of {next_year}.",
        ),
    ),
    "PAL-6": _Spec(
        "a human-rights-based, regional approach",
        ("coordinator", "justice", "social"),
        (
            (
                "National Plan of Action against Trafficking in Human Beings (revised), chapter on the rights of "
                "victims",
                "coordinator",
                "nap-rights",
            ),
            (
                "{mission}: project on the rights of trafficked persons, progress report {year}",
                "mission",
                "rights-project",
            ),
        ),
        (
            "The revised National Plan of Action puts the rights of trafficked persons first, including "
            "assistance that does not depend on their co-operation with the police.",
            "The {coordinator} took part in the regional meetings and in a project with the {mission} "
            "on the rights of trafficked persons.",
        ),
    ),
    "PAL-7": _Spec(
        "the annual ministerial review",
        ("interior", "foreign"),
        (("Country statement at the SEE Anti-Trafficking Ministerial, {year}", "foreign", "ministerial-statement"),),
        (
            "A delegation led by the Minister attended the annual ministerial meeting and presented the "
            "country's progress report.",
            "The {interior} was represented at ministerial level at the regional ministerial forum and endorsed "
            "its conclusions.",
        ),
        level_bias=1,
    ),
    "MAP-1": _Spec(
        "the regional clearing point",
        ("coordinator", "interior"),
        (
            (
                "{coordinator}: national data for the regional data clearing house, {year}",
                "coordinator",
                "regional-national-data",
            ),
        ),
        (
            "Aggregated data on assisted victims were sent to the regional data clearing house for its annual "
            "report on victims of trafficking in South Eastern Europe.",
            "The {coordinator} and {relief} compiled the country's aggregated figures on assisted victims for the "
            "regional data clearing house.",
        ),
    ),
    "MAP-2": _Spec(
        "the national referral system",
        ("coordinator", "social", "ngo"),
        (
            (
                "Memorandum of understanding on the national referral mechanism between the {interior}, the "
                "{social}, {relief} and NGOs",
                "coordinator",
                "referral-mou",
            ),
            ("{social}: referral statistics, {year}", "social", "referral-statistics"),
        ),
        (
            "A memorandum between the {interior}, the {social}, {relief} and {ngo} sets out who refers trafficked "
            "persons to which service; it was used throughout {year}.",
            "The national referral mechanism links police, social work centres and NGO shelters, and assisted "
            "persons reach its services through it.",
        ),
    ),
    "MAP-3": _Spec(
        "shelters and safe houses",
        ("social", "shelter"),
        (
            ("{shelter}: annual report {year}", "shelter", "annual-report"),
            ("{relief}: shelter capacity in {country}, {year}", "relief", "shelter-capacity"),
        ),
        (
            "{shelters_operating} shelters with {shelter_places} places were operating at the end of {year}, "
            "among them the {shelter}.",
            "The {shelter} and the NGO shelters run with {relief} offered {shelter_places} places in "
            "{shelters_operating} facilities.",
        ),
        budget=True,
    ),
    "MAP-4": _Spec(
        "return and repatriation programmes",
        ("interior", "relief"),
        (
            ("{relief}: assisted voluntary return and reintegration, report {year}", "relief", "return-programme"),
            (
                "Agreement between the {interior} and {relief} on the return of trafficked persons",
                "interior",
                "return-agreement",
            ),
        ),
        (
            "{relief} and the {interior} assisted the return of trafficked persons under the assisted voluntary "
            "return programme.",
            "A return and reintegration programme run with {relief} and {ngo} helped trafficked persons to return "
            "safely and to find training or work.",
        ),
        budget=True,
    ),
    "MAP-5": _Spec(
        "the regional inventory of the situation and the responses",
        ("coordinator",),
        (("{coordinator}: national contribution to the regional inventory, {year}", "coordinator", "inventory"),),
        (
            "The country contributed a national assessment to the regional inventory of the situation of "
            "trafficking and of the responses to it.",
            "The {coordinator} delivered data and a description of the national response for the regional "
            "inventory prepared with {relief}.",
        ),
    ),
    "TIR-1": _Spec(
        "the identification of trafficked persons",
        ("interior", "border", "social"),
        (
            (
                "{interior}: guidelines and indicators for identifying victims of trafficking",
                "interior",
                "identification",
            ),
            ("{border}: screening of irregular migrants, statistics {year}", "border", "screening-statistics"),
        ),
        (
            "Identification guidelines with indicators of trafficking were issued to the police and the border "
            "police, who used them throughout {year}.",
            "The {border} interviews irregular migrants at the border with a screening form, which led to "
            "victims being identified in {year}.",
        ),
        level_bias=-1,
    ),
    "TIR-2": _Spec(
        "ending the immediate deportation of victims",
        ("interior", "border"),
        (
            (
                "{interior}: instruction No. {num}/{year} on the treatment of identified victims",
                "interior",
                "instruction",
            ),
            ("{border}: removals and referrals of identified victims, {year}", "border", "removals-referrals"),
        ),
        (
            "An instruction of the {interior} stops the deportation of identified victims and requires their "
            "referral to assistance; no identified victim was deported at once in {year}.",
            "Identified victims are no longer treated as irregular migrants: the {border} refers them to the "
            "{shelter} instead of removing them.",
        ),
        level_bias=-1,
    ),
    "TIR-3": _Spec(
        "referral to social assistance",
        ("social", "ngo"),
        (
            ("{social}: instruction to social work centres on victims of trafficking", "social", "instruction"),
            ("{ngo}: annual report {year}", "ngo", "annual-report"),
        ),
        (
            "Possible victims are referred to shelters, health care and legal advice through the {social} and "
            "{ngo}, whether or not they co-operate with the police.",
            "Social work centres were instructed to accept referrals of possible victims from the police at any hour.",
        ),
        level_bias=-1,
    ),
    "TIR-4": _Spec(
        "a temporary stay for victims",
        ("interior", "justice"),
        (
            (
                "{gazette} No. {num}/{year}: Law on Aliens, provisions on victims of trafficking",
                "gazette",
                "aliens-law",
            ),
            ("{interior}: temporary stays granted to victims of trafficking, {year}", "interior", "temporary-stays"),
        ),
        (
            "The Law on Aliens now provides a reflection period during which a victim may stay in the country, "
            "and temporary stays were granted under it in {year}.",
            "The {interior} grants victims a temporary stay under the rulebook on the treatment of victims of "
            "trafficking.",
        ),
        level_bias=-1,
    ),
    "TIR-5": _Spec(
        "temporary residence permits for victims",
        ("interior",),
        (
            (
                "{gazette} No. {num}/{year}: rulebook on the temporary residence of victims of trafficking",
                "gazette",
                "residence-rulebook",
            ),
            ("{interior}: residence permits issued to victims of trafficking, {year}", "interior", "residence-permits"),
        ),
        (
            "Victims may obtain a temporary residence permit on humanitarian grounds until the criminal "
            "proceedings end; permits were issued under it in {year}.",
            "The {interior} issues temporary residence permits to victims taking part in criminal proceedings.",
        ),
        level_bias=-1,
    ),
    "TIR-6": _Spec(
        "witness protection for trafficked persons",
        ("justice", "prosecutor", "interior"),
        (
            ("{gazette} No. {num}/{year}: Law on the Protection of Witnesses", "gazette", "witness-protection-law"),
            ("{prosecutor}: protected witnesses in trafficking cases, {year}", "prosecutor", "protected-witnesses"),
        ),
        (
            "The witness protection law covers victims of trafficking who give evidence, and the protection unit "
            "of the {interior} took part in trafficking cases.",
            "Courts may hear trafficked persons as protected witnesses, by video link and without the accused "
            "in the room, under the amended Criminal Procedure Code.",
        ),
        level_bias=-1,
    ),
}

DEPORTATION_ACTIVITY = (
    "Until the instruction of the {interior} took effect late in {year}, foreigners without a residence permit "
    "were removed under the aliens law, and identified victims were among those deported without a referral "
    "to assistance."
)


def _indicator_value(indicator: Any, share: float, status: str, count: int) -> str:
    """An indicator's value "now", as a ministry would write it: a share of a numeric target (or of
    ``count`` for a counted indicator without one), the target itself once completed, a word
    otherwise; nothing for an activity not started."""
    if status == "not-started":
        return ""
    target = indicator.target or ""
    number = re.match(r"\d+", target)
    if number:
        return f"{round(int(number.group()) * share)}{target[number.end() :]}"
    if indicator.unit:
        return str(max(1, round(count * share)))
    if status == "completed":
        return target or "yes"
    return "in preparation"


def _fallback_spec(title: str) -> _Spec:
    """For a commitment a later framework adds: plain wording from its title."""
    topic = title[:1].lower() + title[1:]
    return _Spec(
        topic,
        ("coordinator",),
        (("{coordinator}: report on " + topic + ", {year}", "coordinator", "report"),),
        ("The {coordinator} followed up " + topic + " with the ministries concerned.",),
    )


# status sentences, by where the level stands on the scale
PLANNED = (
    "The {coordinator} has put {topic} into the work plan for {next_year}.",
    "{topic_cap} is scheduled in the National Plan of Action for {next_year}.",
    "A working group drafted the measures on {topic}; the Government is to adopt them in {next_year}.",
)
PLANNED_CONDITION = (
    "Work will start once the budget for {next_year} is adopted.",
    "Work will start when the donor funding promised by {relief} is confirmed.",
    "The draft still has to pass its second reading in the {parliament}.",
    "The ministries concerned still have to agree on who leads it.",
)
NOT_STARTED = (
    "No measure on {topic} was taken in {year}.",
    "Nothing has been done yet on {topic}.",
)
NOT_STARTED_NEXT = (
    "The {coordinator} will propose one when the National Plan of Action is revised.",
    "It is on the agenda of the {coordinator} for {next_year}.",
)
IN_PROGRESS = (
    "Work has begun, but {gap}.",
    "Implementation is under way, although {gap}.",
    "Part of what the commitment asks is in place; {gap}.",
)
GAPS = (
    "coverage outside the capital is still limited",
    "the funding still depends on donor projects",
    "the procedures are not yet applied in every region",
    "the measures still have to be written into law",
    "staff turnover in the institutions slows the work down",
)
SUBSTANTIAL = (
    "Most of what the commitment asks is in place and working; {remaining}.",
    "The measures work in practice in most regions; {remaining}.",
)
REMAINING = (
    "an independent evaluation is planned for {next_year}",
    "the remaining gap is funding once donor support ends",
    "the regional offices still need trained staff",
    "the secondary legislation is being drafted",
)
FULL = (
    "The measures are in place and applied in practice, as the documents listed show.",
    "The {coordinator} considers this commitment fully implemented; the evidence shows it working in practice.",
    "Everything the commitment asks is in place, and the {coordinator} monitors it every year.",
)
NEXT_STEP = (
    "In {next_year} the focus will be on the regions outside the capital.",
    "In {next_year} the priority is training for newly recruited staff.",
    "From {next_year} the state budget is to take over the costs now paid by donors.",
    "In {next_year} the work will be extended to co-operation with the neighbouring countries.",
)

# the reviewer's comments, the focal point's answers, and what the focal point then changes
REPLY_KEPT = (
    "Demonstration reply: the ministry considers this commitment further advanced than the assessment "
    "shows; the decision behind it was adopted during the year and is listed in our evidence."
)
ANSWER_KEPT = (
    "The decision is adopted, but nothing in the evidence shows it applied yet: the assessment stands "
    "until the next report shows the service running."
)
REPLY_CHANGED = (
    "Demonstration reply: the implementation figures for this commitment were sent as an annex after "
    "the report was accepted; they show the measure running in every region."
)
ANSWER_CHANGED = (
    "The annex shows the measure running as reported: the assessment is changed to the status the government reported."
)
GENERAL_COMMENTS = (
    "Thank you for the report. Before we can accept it, please answer the comments on the entries and add "
    "the missing references.",
    "Most entries are well documented. A few statuses are not yet supported by the evidence given; please "
    "see the comments on those entries.",
    "The report is clear. Please look at the entries we commented on and resubmit.",
)
GENERAL_REPLY = (
    "Thank you; we have answered each comment and revised the entries concerned.",
    "We have added the documents asked for and answered the comments below.",
)


@dataclass(frozen=True)
class _Query:
    """One kind of reviewer comment on an entry, with the answer and the revision it leads to."""

    comment: str
    reply: str
    addition: str  # appended to the narrative
    evidence: tuple[str, str, str]  # the document the focal point adds
    fits: Callable[[str, EntryInput], bool] = lambda code, data: True  # which entries it is asked about


LEGAL_BASIS = frozenset({"PAL-2C", "PAL-3C", "PAL-4", "MAP-2", "TIR-2", "TIR-4", "TIR-5", "TIR-6"})
SERVICES = frozenset({"PAL-2A", "PAL-2B", "PAL-3B", "MAP-2", "MAP-3", "MAP-4", "TIR-1", "TIR-3"})


QUERIES = (
    _Query(
        "The evidence for this entry is a general report. Please add the act or decision itself, with its "
        "official reference, or consider whether a lower status is more accurate.",
        "The act is now attached, with the issue and page of the {gazette} where it was published.",
        "The legal basis is the act published in the {gazette} (No. {num}/{year}).",
        ("{gazette} No. {num}/{year}", "gazette", "act"),
        fits=lambda code, data: code in LEGAL_BASIS,
    ),
    _Query(
        "The figures here differ from those the country sent to the regional data clearing house. Please say which "
        "are right and where they come from.",
        "Both are right: the regional data clearing house counted assisted victims only, while these figures come "
        "from the case database of the {interior}. We have added the source.",
        "The figures come from the case database of the {interior}.",
        ("{interior}: case database extract, {year}", "interior", "case-database-extract"),
        fits=lambda code, data: bool({"victims-identified", "victims-assisted"} & set(data.figures)),
    ),
    _Query(
        "Please say which institution runs this and whether it also works outside the capital.",
        "The {coordinator} runs it; since the autumn it also works in two regional centres. We added this to "
        "the entry.",
        "Since the autumn of {year} it also works in two regional centres.",
        ("{coordinator}: note on the regional centres, {year}", "coordinator", "regional-centres"),
        fits=lambda code, data: code in SERVICES,
    ),
    _Query(
        "This status needs evidence that the measure works in practice, not only that it was adopted. Can you "
        "add monitoring data?",
        "We have added the monitoring report of {relief}, which covers the first six months of operation.",
        "A monitoring report by {relief} covers the first six months of operation.",
        ("{relief}: monitoring report, {year}", "relief", "monitoring-report"),
    ),
)

# the outcome of a country's report at the end of the seed
ACCEPT, RETURN_ACCEPT, RETURN, SUBMIT, DRAFT = "accept", "return-accept", "return", "submit", "draft"


# ----------------------------------------------------------------------------- the seeder
@dataclass
class _Plan:
    """Everything decided before any report is written: statuses and figures per country and cycle."""

    levels: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # (country, commitment) -> per cycle
    figures: dict[tuple[str, int], dict[str, int]] = field(default_factory=dict)  # (country, year) -> indicator
    deporting: str | None = None  # the country whose first report shows immediate deportations


# -- statistics: how victims split, roughly as the region's reports of 2003-2005 describe them
SOMETIMES_UNKNOWN = frozenset({"education", "marital-status"})
BREAKDOWN_SHARES: dict[str, dict[str, float]] = {
    "sex": {"female": 86, "male": 11, "unknown": 3},
    "age": {"under-14": 4, "from-14-to-17": 18, "from-18-to-24": 46, "from-25-to-34": 22, "from-35": 6, "unknown": 4},
    "exploitation": {"sexual": 78, "labour": 9, "begging": 6, "criminal": 2, "other": 2, "unknown": 3},
    "education": {"none": 8, "primary": 42, "secondary": 38, "higher": 4, "unknown": 8},
    "marital-status": {"single": 64, "married": 14, "separated": 12, "widowed": 2, "unknown": 8},
}
FOREIGN_ORIGINS: dict[str, float] = {"QS": 30, "QU": 24, "QP": 8, "QM": 6, "other": 16, "unknown": 3}
DESTINATIONS: dict[str, float] = {"QN": 12, "QT": 10, "QV": 8, "QR": 2, "other": 61}


class _Seeder:
    def __init__(
        self,
        rng: random.Random,
        framework: Framework,
        say: Callable[[str], None],
        statistics_rng: random.Random | None = None,
        plans_rng: random.Random | None = None,
        files_rng: random.Random | None = None,
    ):
        self.rng = rng
        # the statistics draw from their own stream, so adding them changed nothing else the seed writes
        self.statistics_rng = statistics_rng or random.Random(0)
        self.plans_rng = plans_rng or random.Random(1)  # so do the plans' progress and citations
        self.files_rng = files_rng or random.Random(2)  # and which documents come as uploaded files
        self.national_plans: dict[str, NationalPlan] = {}
        self.activity_paths: dict[tuple[str, str], list[int]] = {}  # (country, activity) -> ladder step a cycle
        self.framework = framework
        self.say = say
        method = framework.methodology
        self.levels = [level.id for level in method.status_levels]
        self.evidence_above = self.levels.index(method.evidence.required_above)
        self.kinds = {k.id for k in method.evidence.kinds}
        self.top = len(self.levels) - 1
        self.users: dict[str, User] = {}
        self.plan = _Plan()
        # the assessments of each accepted report, by country and year, kept for an amendment
        self.assessed: dict[tuple[str, int], dict[str, str]] = {}
        self.accepted: dict[tuple[str, int], dict[str, EntryInput]] = {}  # what each accepted report says
        self.ids: dict[int, dict[str, int]] = {}  # report id -> commitment code -> entry id

    # -- actors -------------------------------------------------------------------------
    def staff(self) -> Actor:
        return Actor(self.users[DEMO_SECRETARIAT], DEMO_REMOTE_ADDR)

    def focal_point(self, country: str) -> Actor:
        return Actor(self.users[country], DEMO_REMOTE_ADDR)

    def finding(self, cycle: ReportingCycle) -> None:
        """Method 2 fires the negative indicator on a sourced finding, not on the reported figure: record
        one, plainly invented, for the country whose report shows immediate deportations."""
        negatives = [n for n in self.framework.methodology.negative_indicators if n.trigger == "finding"]
        if self.plan.deporting is None or not negatives:
            return
        services.record_finding(
            cycle.id,
            self.plan.deporting,
            negatives[0].id,
            "Demonstration finding: an invented monitoring report, not a real document",
            "section 2 (demonstration data)",
            "an invented non-governmental organisation (demonstration data)",
            self.staff(),
        )

    def replies(self, demo_cycle: DemoCycle, cycle: ReportingCycle) -> None:
        """The right of reply before publication: two countries dispute an assessment of their draft
        verified scorecard; the secretariat keeps one and changes the other, with its reasons; every
        other country says it has no further replies. All of it is published beside the scorecards."""
        opened, replied = dt.date(demo_cycle.year + 1, 5, 2), dt.date(demo_cycle.year + 1, 5, 20)
        disputed = [
            (country, sorted(assessed)[0])
            for (country, year), assessed in sorted(self.assessed.items())
            if year == demo_cycle.year and assessed
        ]
        if not disputed:
            return
        self.say(f"{demo_cycle.name}: the right of reply (two replies answered before publication)")
        services.set_reply_deadline(cycle.id, dt.date(demo_cycle.year + 1, 6, 30), self.staff(), today=opened)
        answers = (
            (REPLY_KEPT, ReplyDecision.KEPT, ANSWER_KEPT),
            (REPLY_CHANGED, ReplyDecision.CHANGED, ANSWER_CHANGED),
        )
        for (country, commitment), (body, decision, answer) in zip(disputed, answers, strict=False):
            reply = services.reply_to_assessment(cycle.id, commitment, body, self.focal_point(country), today=replied)
            reported = self.accepted[(country, demo_cycle.year)][commitment].reported_status
            new_status = reported if decision is ReplyDecision.CHANGED else None
            services.answer_reply(reply.id, decision.value, answer, self.staff(), new_status=new_status)
        for country in DEMO_COUNTRIES:
            with contextlib.suppress(DomainError):  # a country with no accepted report has nothing to close
                services.close_replies(cycle.id, self.focal_point(country), today=replied)

    # -- the whole story ----------------------------------------------------------------
    def run(self, today: dt.date) -> None:
        self.accounts()
        self.make_plan()
        self.plans_of_action()
        first, second, third = DEMO_CYCLES
        countries = list(DEMO_COUNTRIES)

        returned = set(self.rng.sample(countries, 3))
        self.play(first, {c: RETURN_ACCEPT if c in returned else ACCEPT for c in countries})
        self.amendment(first, self.rng.choice(sorted(set(countries) - {self.plan.deporting})))
        cycle = self.cycle_row(first)
        self.finding(cycle)
        self.replies(first, cycle)
        self.say(f"{first.name}: publishing the verified results")
        services.publish_cycle(cycle.id, self.staff())

        order = countries[:]
        self.rng.shuffle(order)
        outcomes = [DRAFT, SUBMIT, RETURN, RETURN_ACCEPT] + [ACCEPT] * (len(order) - 4)
        self.play(second, dict(zip(order, outcomes, strict=True)))

        order = countries[:]
        self.rng.shuffle(order)
        sent = self.rng.randint(3, 5)
        self.play(third, {c: SUBMIT if n < sent else DRAFT for n, c in enumerate(order)})

        self.say(f"sending the due and overdue reminders as of {today:%d %B %Y}")
        services.send_due_reminders(today)
        self.marker()

    # -- accounts -----------------------------------------------------------------------
    def accounts(self) -> None:
        """Every demonstration account but the marker; accounts already there (the older seed's) are kept."""
        self.say("creating the demonstration accounts")
        creator = Actor(None, DEMO_REMOTE_ADDR)
        for email, name, role, country in DEMO_ACCOUNTS:
            if email == DEMO_MARKER:
                continue
            user = self.account(email, name, role, country, creator)
            if role is Role.ADMIN:
                creator = Actor(user, DEMO_REMOTE_ADDR)  # the administrator creates the others
            self.users[country or email] = user
        self.retire_older_accounts()

    def retire_older_accounts(self) -> None:
        """An older seed gave real countries demonstration focal points: disable those accounts (audited,
        kept in the record), so that no one can put invented words in a real government's mouth."""
        wanted = {email for email, *_ in DEMO_ACCOUNTS}
        older = db.session.execute(
            select(User).where(
                User.email.like("%@demo.example"), User.is_active.is_(True), User.country_id.is_not(None)
            )
        ).scalars()
        for user in list(older):
            if user.email not in wanted and user.country is not None and not fictional(user.country.code):
                self.say(f"disabling {user.email}: the demonstration names no real country")
                services.set_user_active(
                    user.id,
                    False,
                    Actor(self.users["admin@demo.example"], DEMO_REMOTE_ADDR),
                    reason="An older demonstration account of a real country; the demonstration names none.",
                )

    def account(self, email: str, name: str, role: Role, country: str | None, creator: Actor) -> User:
        user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
        if user is None:
            return services.create_user(email, name, role, country, DEMO_PASSWORD, creator)
        if user.role is not role or (user.country.code if user.country else None) != country:
            raise DemoError(f"{email} exists with another role or country; the demonstration needs it as {role.label}.")
        return user

    def marker(self) -> None:
        email, name, role, country = next(a for a in DEMO_ACCOUNTS if a[0] == DEMO_MARKER)
        self.say(f"creating {email}: the demonstration is complete")
        self.account(email, name, role, country, Actor(self.users["admin@demo.example"], DEMO_REMOTE_ADDR))

    # -- the plan -----------------------------------------------------------------------
    def applicable(self, country: str, cycle: DemoCycle) -> tuple[Any, ...]:
        return self.framework.applicable_commitments(country, on=cycle.period_end)

    def make_plan(self) -> None:
        """Statuses that rise by at most one level a cycle, and figures with a believable trend."""
        rng, plan = self.rng, self.plan
        for country in DEMO_COUNTRIES:
            profile = PROFILES[country]
            for commitment in self.applicable(country, DEMO_CYCLES[-1]):
                spec = SPECS.get(commitment.id) or _fallback_spec(commitment.title)
                level = profile.strength + spec.level_bias + rng.choice((-1, 0, 0, 1))
                path = [max(0, min(self.top, level))]
                for _ in DEMO_CYCLES[1:]:
                    path.append(min(self.top, path[-1] + (1 if rng.random() < 0.45 else 0)))
                plan.levels[(country, commitment.id)] = path
        signed_tirana = [c for c in DEMO_COUNTRIES if any(x.id == "TIR-2" for x in self.applicable(c, DEMO_CYCLES[0]))]
        if signed_tirana:
            plan.deporting = rng.choice(signed_tirana)
            # the country was only beginning to stop summary deportations
            path = plan.levels[(plan.deporting, "TIR-2")]
            path[0] = rng.choice((1, 2))
            for n in range(1, len(path)):
                path[n] = min(self.top, path[n - 1] + (1 if rng.random() < 0.6 else 0))
        for country in DEMO_COUNTRIES:
            profile = PROFILES[country]
            identified = profile.identified
            for n, cycle in enumerate(DEMO_CYCLES):
                if n:
                    identified = max(3, round(identified * rng.uniform(0.8, 1.2)))
                trained = rng.randrange(60, 160) * (n + 2)
                prosecutions = max(2, round(identified * rng.uniform(0.08, 0.3)))
                shelters = max(1, min(8, round(identified / 90) + rng.randint(0, 2) + n))
                foreign = not profile.origin
                stays = round(identified * rng.uniform(0.15, 0.4)) if foreign else rng.randint(0, 3)
                plan.figures[(country, cycle.year)] = {
                    "victims-identified": identified,
                    "victims-assisted": max(1, round(identified * rng.uniform(0.8, 1.25))),
                    "temporary-stays-granted": stays,
                    "temporary-residence-permits": round(stays * rng.uniform(0.2, 0.6)),
                    "immediate-deportations": (rng.randint(4, 14) if (country == plan.deporting and n == 0) else 0),
                    "prosecutions": prosecutions,
                    "convictions": round(prosecutions * rng.uniform(0.3, 0.7)),
                    "shelters-operating": shelters,
                    "shelter-places": shelters * rng.randint(8, 20),
                    "returns-assisted": (
                        round(identified * rng.uniform(0.4, 0.8)) if profile.origin else rng.randint(10, 60)
                    ),
                    "officials-trained": trained,
                }

    # -- National Plans of Action ---------------------------------------------------------
    def plans_of_action(self) -> None:
        """Import the illustrative plans, submitted by the focal point and accepted by the secretariat
        (so the audit trail shows the review), and plan each activity's status from cycle to cycle;
        then submit the plans left for the secretariat to review (they draw nothing from the plans' stream)."""
        rng = self.plans_rng
        for country in DEMO_PLAN_COUNTRIES:
            record = self.submitted_plan(country)
            self.national_plans[country] = accept_plan(record.id, self.staff())
            for activity in plan_of(record).activities:
                step = rng.choice((0, 1, 1))
                path = [step]
                for _ in DEMO_CYCLES[1:]:
                    step = min(len(PROGRESS_LADDER) - 1, step + (1 if rng.random() < 0.6 else 0))
                    path.append(step)
                self.activity_paths[(country, activity.id)] = path
        for country in DEMO_PLANS_TO_REVIEW:
            self.submitted_plan(country)

    def submitted_plan(self, country: str) -> NationalPlan:
        """The country's example plan, imported as illustrative and submitted by its focal point."""
        self.say(f"{PROFILES[country].name}: importing an illustrative National Plan of Action")
        record = import_plan(
            self.users[country].country_id,
            (DEMO_PLAN_FILES / f"{country}.yaml").read_bytes(),
            self.focal_point(country),
            source_name=f"{country}.yaml",
            illustrative=True,
        )
        return submit_plan(record.id, record.version, self.focal_point(country))

    def plan_progress(self, report: Report, country: str, cycle: DemoCycle) -> dict[str, tuple[str, ...]]:
        """Progress on most activities of the country's plan (statuses only move forward from cycle to
        cycle), saved as the focal point would; returns the activities each commitment's entry cites."""
        record = self.national_plans.get(country)
        if record is None:
            return {}
        rng, n = self.plans_rng, DEMO_CYCLES.index(cycle)
        progress: dict[str, ProgressInput] = {}
        for activity in plan_of(record).activities:
            if rng.random() < 0.15:
                continue  # not reported on this time
            step = self.activity_paths[(country, activity.id)][n]
            status = PROGRESS_LADDER[step]
            if status == "under-way" and rng.random() < 0.2:
                status = "delayed"
            share = (0.0, min(0.9, rng.uniform(0.25, 0.5) + 0.15 * n), 1.0)[step]
            values = {
                indicator.name: value
                for indicator in activity.indicators
                if (value := _indicator_value(indicator, share, status, rng.randint(12, 160)))
            }
            evidence = ""
            if step and rng.random() < 0.6:
                evidence = f"https://example.org/illustrative/{country.lower()}/{cycle.year + 1}/{activity.id}.pdf"
            note = rng.choice(DELAY_NOTES) if status == "delayed" else ""
            progress[activity.id] = ProgressInput(status, values, evidence, note)
        save_progress(report.id, report.version, progress, self.focal_point(country))
        cited: dict[str, tuple[str, ...]] = {}
        for code in self.entry_ids(report):
            implementing = [a.id for a in plan_of(record).activities if code in a.commitments and a.id in progress]
            chosen = tuple(a for a in implementing if rng.random() < 0.85)
            if chosen:
                cited[code] = chosen
        return cited

    # -- writing entries ----------------------------------------------------------------
    def words(self, country: str, cycle: DemoCycle, topic: str = "") -> dict[str, Any]:
        profile = PROFILES[country]
        words: dict[str, Any] = {key: body.name for key, body in profile.bodies.items()}
        words.update(
            country=profile.name,
            year=cycle.year,
            next_year=cycle.year + 1,
            topic=topic,
            topic_cap=topic[:1].upper() + topic[1:],
            meetings=self.rng.randint(4, 11),
            num=self.rng.randint(12, 480),
        )
        for indicator, value in self.plan.figures[(country, cycle.year)].items():
            words[indicator.replace("-", "_")] = value
        return words

    def fill(self, template: str, words: Mapping[str, Any]) -> str:
        return template.format_map(words)

    def entry_input(self, country: str, cycle: DemoCycle, code: str) -> EntryInput:
        """What the focal point writes for one commitment, at the planned level."""
        rng = self.rng
        commitment = self.framework.commitment(code)
        spec = SPECS.get(code) or _fallback_spec(commitment.title)
        level = self.plan.levels[(country, code)][DEMO_CYCLES.index(cycle)]
        words = self.words(country, cycle, spec.topic)
        figures = self.plan.figures[(country, cycle.year)]
        asked = {i: figures[i] for i in commitment.indicators if i in figures}
        sentences = self.narrative(spec, level, words, asked)
        evidence: tuple[EvidenceInput, ...] = ()
        if level > self.evidence_above or (level == self.evidence_above and rng.random() < 0.3):
            count = 2 if (len(spec.evidence) > 1 and rng.random() < 0.35) else 1
            evidence = tuple(
                self.document(country, cycle, item, words, self.kind_of(level, n))
                for n, item in enumerate(rng.sample(spec.evidence, count))
            )
        start = end = None
        if level >= 2 and rng.random() < 0.5:
            start = dt.date(cycle.year - rng.choice((0, 0, 1, 2)), rng.randint(1, 12), 1)
            if rng.random() < 0.6:
                end = dt.date(max(start.year, cycle.year) + rng.randint(0, 2), 12, 31)
        budget = currency = None
        if spec.budget and level >= 2 and rng.random() < 0.6:
            profile = PROFILES[country]
            budget = round(rng.randrange(20_000, 400_000, 5_000) * profile.per_euro, -3)
            currency = profile.currency
        return EntryInput(
            reported_status=self.levels[level],
            narrative=" ".join(sentences),
            responsible="; ".join(PROFILES[country].bodies[key].name for key in spec.responsible),
            start_date=start,
            end_date=end,
            budget_amount=budget,
            budget_currency=currency,
            evidence=evidence,
            figures=asked if (level >= 1 or "immediate-deportations" in asked) else {},
        )

    def narrative(self, spec: _Spec, level: int, words: dict[str, Any], figures: dict[str, int]) -> list[str]:
        """Two or three sentences: what was done (or is planned), where it stands, what comes next."""
        rng = self.rng
        if level == 0:
            return [self.fill(rng.choice(NOT_STARTED), words), self.fill(rng.choice(NOT_STARTED_NEXT), words)]
        if level == 1:
            said = [self.fill(rng.choice(PLANNED), words), self.fill(rng.choice(PLANNED_CONDITION), words)]
            if figures.get("immediate-deportations"):
                said.insert(0, self.fill(DEPORTATION_ACTIVITY, words))
            return said
        activity = DEPORTATION_ACTIVITY if figures.get("immediate-deportations") else rng.choice(spec.activities)
        said = [self.fill(activity, words)]
        if level == self.top:
            said.append(self.fill(rng.choice(FULL), words))
        elif level == self.top - 1 and level >= 3:
            said.append(
                self.fill(rng.choice(SUBSTANTIAL), {**words, "remaining": self.fill(rng.choice(REMAINING), words)})
            )
        else:
            said.append(self.fill(rng.choice(IN_PROGRESS), {**words, "gap": rng.choice(GAPS)}))
        if level < self.top and rng.random() < 0.5:
            said.append(self.fill(rng.choice(NEXT_STEP), words))
        return said

    def kind_of(self, level: int, n: int) -> str | None:
        """The evidence kind a demo document claims: a plan text for work under way, implementation
        for the higher levels, and a second document as corroboration at the top (when the method has kinds)."""
        kind = "adoption" if level < 3 else ("corroboration" if n and level == self.top else "implementation")
        return kind if kind in self.kinds else None

    def document(
        self,
        country: str,
        cycle: DemoCycle,
        item: tuple[str, str, str],
        words: Mapping[str, Any],
        kind: str | None = None,
    ) -> EvidenceInput:
        title, owner, slug = item
        host = PROFILES[country].bodies[owner].host
        page = str(self.rng.randint(2, 64)) if self.rng.random() < 0.4 else None
        title = self.fill(title, words)
        file = None
        if self.files_rng.random() < UPLOADED_SHARE:  # as a focal point attaches a scan to its link
            folder = Path(current_app.config["UPLOAD_DIR"])
            file = uploads.store(folder, f"{slug}-{cycle.year}.pdf", demonstration_pdf(title))
        return EvidenceInput(
            title=title,
            url=f"https://{host}/documents/{cycle.year + 1}/{slug}-{cycle.year}.pdf",
            page=page,
            file=file,
            kind=kind,
        )

    # -- one cycle ----------------------------------------------------------------------
    def cycle_row(self, cycle: DemoCycle) -> ReportingCycle:
        return db.session.execute(select(ReportingCycle).where(ReportingCycle.name == cycle.name)).scalar_one()

    def play(self, cycle: DemoCycle, outcomes: dict[str, str]) -> None:
        """One cycle as it happens: countries start, send, are reviewed, revise, are accepted."""
        rng = self.rng
        self.say(f"{cycle.name}: opening the cycle")
        row = services.create_cycle(
            cycle.name, cycle.period_start, cycle.period_end, cycle.opens_on, cycle.due_on, self.staff()
        )
        cycle_id = row.id
        offsets = {country: rng.randint(0, 20) for country in DEMO_COUNTRIES}  # days after the opening
        started = sorted(DEMO_COUNTRIES, key=lambda c: (offsets[c], c))
        reports: dict[str, Report] = {}
        plans: dict[str, dict[str, EntryInput]] = {}
        written: dict[str, int] = {}  # how many entries (from the top) each focal point has written
        self.say(f"{cycle.name}: {len(started)} countries start their reports")
        for country in started:
            day = cycle.opens_on + dt.timedelta(days=offsets[country])
            report = services.start_report(cycle_id, self.focal_point(country), today=day)
            reports[country] = report
            plans[country] = {code: self.entry_input(country, cycle, code) for code in self.entry_ids(report)}
            for code, activities in self.plan_progress(report, country, cycle).items():
                plans[country][code] = dataclasses.replace(plans[country][code], cited_activities=activities)
            written[country] = self.write(report, plans[country], 0, rng.uniform(0.3, 0.6), country)

        senders = [c for c in started if outcomes[c] != DRAFT]
        rng.shuffle(senders)
        self.say(f"{cycle.name}: {len(senders)} reports submitted")
        for country in started:
            if outcomes[country] == DRAFT:  # further along, but not finished
                self.write(reports[country], plans[country], written[country], rng.uniform(0.6, 0.85), country)
                if self.statistics_rng.random() < 0.5:
                    self.statistics(reports[country], country, cycle)
        for country in senders:
            report = reports[country]
            self.write(report, plans[country], written[country], 1.0, country)
            self.statistics(report, country, cycle)
            services.submit(report.id, report.version, self.focal_point(country))

        reviewed = [c for c in senders if outcomes[c] != SUBMIT]
        self.say(f"{cycle.name}: the secretariat reviews {len(reviewed)} reports")
        queries: dict[str, dict[str, _Query]] = {}
        for country in reviewed:
            if outcomes[country] in (RETURN, RETURN_ACCEPT):
                queries[country] = self.send_back(reports[country], plans[country])
            else:
                self.accept(reports[country], plans[country], country, cycle)
        for country in reviewed:
            if country in queries:
                self.revise(reports[country], plans[country], queries[country], country, cycle, outcomes[country])

    # -- statistics ---------------------------------------------------------------------
    def statistics(self, report: Report, country: str, cycle: DemoCycle) -> None:
        """The statistics section, consistent with the figures the entries give; education and
        marital status are not always known, so some reports leave those breakdowns out."""
        rng = self.statistics_rng
        stats = self.framework.statistics
        if stats is None:
            return
        figures = self.plan.figures[(country, cycle.year)]
        totals = {
            "victims-identified": figures["victims-identified"],
            "victims-assisted": figures["victims-assisted"],
            "victims-returned": figures["returns-assisted"],
        }
        values: dict[tuple[str, str, str], int] = {}
        for measure in stats.measures:
            total = totals.get(measure.id)
            if total is None:
                continue
            values[(measure.id, "", "")] = total
            for breakdown in measure.breakdowns:
                if breakdown in SOMETIMES_UNKNOWN and rng.random() < 0.35:
                    continue
                categories = [code for code, _ in self.framework.statistic_categories(breakdown)]
                weights = self.breakdown_weights(breakdown, categories, country)
                counts = Counter(rng.choices(categories, weights, k=total))
                values.update({(measure.id, breakdown, code): counts[code] for code in categories})
        referral = self.plan.levels.get((country, "MAP-2"), [0] * len(DEMO_CYCLES))[DEMO_CYCLES.index(cycle)]
        capacity = {
            "shelters": figures["shelters-operating"],
            "shelter-places": figures["shelter-places"],
            "referral-mechanism": int(referral >= 2),
            "temporary-residence-permits": figures["temporary-residence-permits"],
        }
        values.update({(figure.id, "", ""): capacity[figure.id] for figure in stats.capacity if figure.id in capacity})
        save_statistics(report.id, report.version, values, self.focal_point(country))

    def breakdown_weights(self, breakdown: str, categories: list[str], country: str) -> list[float]:
        """How victims split, in the proportions the region's reports of the time suggest."""
        if breakdown in ("origin", "destination"):
            own = PROFILES[country].origin
            if breakdown == "origin":
                shares = {country: 85, "other": 6, "unknown": 2} if own else {**FOREIGN_ORIGINS, country: 8}
            else:
                shares = {**DESTINATIONS, country: 0}
            # a real country never receives an invented victim: only the fictional ones and other/unknown
            return [shares.get(code, 0.3 if code in PROFILES else 0) for code in categories]
        shares = BREAKDOWN_SHARES[breakdown]
        return [shares.get(code, 1) for code in categories]

    def entry_ids(self, report: Report) -> dict[str, int]:
        """The report's entry ids by commitment code, in the report's order (one query, then remembered).

        Contributions to a regional programme are optional: the demonstration leaves them empty."""
        if report.id not in self.ids:
            self.ids[report.id] = {
                code: entry_id
                for code, entry_id in db.session.execute(
                    select(Commitment.code, Entry.id)
                    .join(Entry, Entry.commitment_id == Commitment.id)
                    .where(Entry.report_id == report.id)
                    .order_by(Entry.position)
                )
                if self.framework.instrument_of[code].applies_by_signature
            }
        return self.ids[report.id]

    def write(self, report: Report, plan: dict[str, EntryInput], done: int, share: float, country: str) -> int:
        """Save the next entries of a draft, up to ``share`` of them all; returns how many are written."""
        ids = self.entry_ids(report)
        upto = max(done + 1, round(len(ids) * share))
        codes = list(ids)[done:upto]
        if codes:
            self.save(report, {ids[code]: plan[code] for code in codes}, country)
        return done + len(codes)

    def save(self, report: Report, changes: dict[int, EntryInput], country: str) -> None:
        services.save_draft(report.id, report.version, changes, self.focal_point(country))

    def send_back(self, report: Report, plan: dict[str, EntryInput]) -> dict[str, _Query]:
        """Return the report with a general comment and one or two on entries whose status needs proof."""
        rng = self.rng
        doubtful = [code for code, data in plan.items() if self.levels.index(data.reported_status or "") >= 2]
        doubtful = doubtful or list(plan)
        chosen = rng.sample(doubtful, min(len(doubtful), rng.choice((1, 2, 2))))
        on_entries: dict[str, _Query] = {}
        for code in chosen:  # a different question on each entry; the last one fits any
            asked = set(on_entries.values())
            choices = [q for q in QUERIES if q.fits(code, plan[code]) and q not in asked] or [QUERIES[-1]]
            on_entries[code] = rng.choice(choices)
        ids = self.entry_ids(report)
        services.return_for_revision(
            report.id,
            rng.choice(GENERAL_COMMENTS),
            {ids[code]: query.comment for code, query in on_entries.items()},
            self.staff(),
        )
        return on_entries

    def revise(
        self,
        report: Report,
        plan: dict[str, EntryInput],
        queries: dict[str, _Query],
        country: str,
        cycle: DemoCycle,
        outcome: str,
    ) -> None:
        """The focal point answers the comments; unless the report is left returned, revises and resubmits."""
        rng = self.rng
        words = self.words(country, cycle)
        ids = self.entry_ids(report)
        codes = {entry_id: code for code, entry_id in ids.items()}
        comments = [c for c in report.comments if c.in_reply_to_id is None]
        if outcome == RETURN:
            comments = comments[:1]  # the answer has begun; the revision has not
        for comment in comments:
            query = queries.get(codes[comment.entry_id]) if comment.entry_id else None
            body = self.fill(query.reply, words) if query else rng.choice(GENERAL_REPLY)
            services.respond(report.id, comment.id, body, self.focal_point(country))
        if outcome == RETURN:
            return
        changes = {}
        for code, query in queries.items():
            data = plan[code]
            plan[code] = dataclasses.replace(
                data,
                narrative=f"{data.narrative} {self.fill(query.addition, words)}",
                evidence=(
                    *data.evidence,
                    dataclasses.replace(
                        self.document(country, cycle, query.evidence, words), page=str(rng.randint(2, 40))
                    ),
                ),
            )
            changes[ids[code]] = plan[code]
        self.save(report, changes, country)
        services.resubmit(report.id, report.version, self.focal_point(country))
        self.accept(report, plan, country, cycle)

    def accept(self, report: Report, plan: dict[str, EntryInput], country: str, cycle: DemoCycle) -> None:
        """Accept, assessing up to two entries one level lower than reported."""
        rng = self.rng
        generous = [code for code, data in plan.items() if self.levels.index(data.reported_status or "") >= 2]
        lowered = rng.sample(generous, min(len(generous), rng.choice((0, 1, 1, 2))))
        assessed = {code: self.levels[self.levels.index(plan[code].reported_status or "") - 1] for code in lowered}
        self.assessed[(country, cycle.year)] = assessed
        self.accepted[(country, cycle.year)] = plan
        ids = self.entry_ids(report)
        services.accept(report.id, {ids[code]: status for code, status in assessed.items()}, self.staff())

    def amendment(self, cycle: DemoCycle, country: str) -> None:
        """Late figures from an NGO shelter: the country amends its accepted report, which is accepted again."""
        rng = self.rng
        self.say(f"{cycle.name}: {PROFILES[country].name} amends its accepted report")
        original = db.session.execute(
            select(Report).where(
                Report.cycle_id == self.cycle_row(cycle).id,
                Report.country_id == self.users[country].country_id,
                Report.state == ReportState.ACCEPTED,
            )
        ).scalar_one()
        amendment = services.amend(original.id, self.focal_point(country))
        figures = self.plan.figures[(country, cycle.year)]
        late = rng.randint(6, 40)
        figures["victims-assisted"] += late
        words = self.words(country, cycle)
        note = (
            f"Corrected in revision 2: the figures now include {late} persons assisted by {words['ngo']}, whose "
            f"data arrived after the report was accepted."
        )
        plan = self.accepted[(country, cycle.year)]  # what the accepted report says
        ids = self.entry_ids(amendment)
        changes = {}
        for code, data in plan.items():
            if "victims-assisted" not in data.figures:
                continue
            plan[code] = dataclasses.replace(
                data,
                narrative=f"{data.narrative} {note}",
                evidence=(
                    *data.evidence,
                    self.document(country, cycle, ("{ngo}: annual report {year}", "ngo", "annual-report"), words),
                ),
                figures={**data.figures, "victims-assisted": figures["victims-assisted"]},
            )
            changes[ids[code]] = plan[code]
        self.save(amendment, changes, country)
        services.submit(amendment.id, amendment.version, self.focal_point(country))
        assessed = self.assessed.get((country, cycle.year), {})  # the reviewer's judgement stands
        services.accept(
            amendment.id,
            {ids[code]: status for code, status in assessed.items()},
            self.staff(),
        )
