"""Typed SQLAlchemy 2.0 models.

The framework tables are versioned: a cycle pins a ``FrameworkVersion`` and its rows never change,
so a past cycle is always read against what it was reported on. Each version also keeps its
canonical JSON ``document``, from which the pure ``Framework`` object is rebuilt. ``Country`` is
not versioned: users and reports belong to a country whatever the framework says of it.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .database import Base, UTCDateTime, utcnow

# Budgets and counts people type: 64 bits on PostgreSQL (INTEGER there stops at 2,147,483,647);
# SQLite's INTEGER already holds 64 bits, so its column stays as it is.
Amount = BigInteger().with_variant(Integer(), "sqlite")
MAX_AMOUNT = 10**15 - 1  # what a form accepts: far above any budget, exact as a JSON number (< 2**53)


def _enum(enum_class: type[enum.Enum], name: str) -> Enum:
    """Enums stored as their value in a VARCHAR with a named CHECK constraint, on every database."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(member.value) for member in enum_class),
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


class InstrumentKind(enum.Enum):
    DECLARATION = "declaration"
    STATEMENT = "statement"
    ACTION_PLAN = "action_plan"


class SignatureBasis(enum.Enum):
    SIGNED = "signed"
    PARTICIPATES = "participates"


class FrameworkVersion(Base):
    """One loaded framework, identified by the SHA-256 of its canonical content."""

    __tablename__ = "framework_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(500))
    loaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    is_current: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    instruments: Mapped[list[Instrument]] = relationship(
        back_populates="version", order_by="Instrument.position", cascade="all, delete-orphan"
    )
    focus_areas: Mapped[list[FocusArea]] = relationship(
        back_populates="version", order_by="FocusArea.position", cascade="all, delete-orphan"
    )
    signatures: Mapped[list[Signature]] = relationship(back_populates="version", cascade="all, delete-orphan")

    @property
    def short_hash(self) -> str:
        return self.content_hash[:12]


# at most one current version, enforced by the database on SQLite and PostgreSQL alike
Index(
    "uq_framework_version_current",
    FrameworkVersion.is_current,
    unique=True,
    sqlite_where=FrameworkVersion.is_current.is_(True),
    postgresql_where=FrameworkVersion.is_current.is_(True),
)


commitment_focus_area = Table(
    "commitment_focus_area",
    Base.metadata,
    Column("commitment_id", ForeignKey("commitment.id", ondelete="CASCADE"), primary_key=True),
    Column("focus_area_id", ForeignKey("focus_area.id", ondelete="CASCADE"), primary_key=True),
)


class FocusArea(Base):
    __tablename__ = "focus_area"
    __table_args__ = (UniqueConstraint("version_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("framework_version.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer)

    version: Mapped[FrameworkVersion] = relationship(back_populates="focus_areas")


class Instrument(Base):
    __tablename__ = "instrument"
    __table_args__ = (UniqueConstraint("version_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("framework_version.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    short_title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[InstrumentKind] = mapped_column(_enum(InstrumentKind, "instrument_kind"))
    adopted: Mapped[str] = mapped_column(String(10))
    position: Mapped[int] = mapped_column(Integer)

    version: Mapped[FrameworkVersion] = relationship(back_populates="instruments")
    commitments: Mapped[list[Commitment]] = relationship(
        back_populates="instrument", order_by="Commitment.position", cascade="all, delete-orphan"
    )


class Commitment(Base):
    __tablename__ = "commitment"
    __table_args__ = (
        UniqueConstraint("version_id", "code"),
        CheckConstraint("weight >= 0", name="weight_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("framework_version.id", ondelete="CASCADE"), index=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instrument.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    passage: Mapped[str] = mapped_column(String(200))
    weight: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)

    version: Mapped[FrameworkVersion] = relationship()
    instrument: Mapped[Instrument] = relationship(back_populates="commitments")
    focus_areas: Mapped[list[FocusArea]] = relationship(secondary=commitment_focus_area, order_by="FocusArea.position")


class Country(Base):
    """A country by its ISO 3166-1 alpha-2 code (Kosovo: XK); ``name`` is today's name."""

    __tablename__ = "country"
    __table_args__ = (CheckConstraint("length(code) = 2", name="code_two_letters"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(2), unique=True)
    name: Mapped[str] = mapped_column(String(200))


class Signature(Base):
    """A country's signature of (or participation in) an instrument, in one framework version."""

    __tablename__ = "signature"
    __table_args__ = (UniqueConstraint("version_id", "country_id", "instrument_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("framework_version.id", ondelete="CASCADE"), index=True)
    country_id: Mapped[int] = mapped_column(ForeignKey("country.id", ondelete="RESTRICT"), index=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instrument.id", ondelete="CASCADE"), index=True)
    signed: Mapped[str] = mapped_column(String(10))  # as written: YYYY, YYYY-MM or YYYY-MM-DD
    signed_on: Mapped[dt.date] = mapped_column(Date)  # the first day ``signed`` can mean
    basis: Mapped[SignatureBasis] = mapped_column(_enum(SignatureBasis, "signature_basis"))

    version: Mapped[FrameworkVersion] = relationship(back_populates="signatures")
    country: Mapped[Country] = relationship()
    instrument: Mapped[Instrument] = relationship()


# ----------------------------------------------------------------------------- accounts
class Role(enum.Enum):
    FOCAL_POINT = "focal_point"
    SECRETARIAT = "secretariat"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return {"focal_point": "Focal point", "secretariat": "Secretariat", "admin": "Administrator"}[self.value]


class User(Base):
    """A person who logs in: a country's focal point, the secretariat, or an administrator.

    ``session_token`` is part of the id kept in the session cookie; changing it (logout, password
    change, disabling) makes every cookie issued before unusable.
    """

    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(
            "(role = 'focal_point' AND country_id IS NOT NULL) OR (role <> 'focal_point' AND country_id IS NULL)",
            name="focal_point_has_country",
        ),
        CheckConstraint("failed_logins >= 0", name="failed_logins_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    country_id: Mapped[int | None] = mapped_column(ForeignKey("country.id", ondelete="RESTRICT"), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))  # None until an invitation is accepted
    session_token: Mapped[str] = mapped_column(String(64))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    country: Mapped[Country | None] = relationship()

    # Flask-Login's interface, written out so the session id carries the token
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    @property
    def is_staff(self) -> bool:
        """Secretariat or admin: may see every country."""
        return self.role in (Role.SECRETARIAT, Role.ADMIN)


class Invitation(Base):
    """A one-time link with which an invited person sets their password; only its hash is kept."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class AuditEvent(Base):
    """One row per decision or security event; append-only, each row chained to the one before.

    The database refuses UPDATE and DELETE on this table (triggers in the migration and in
    ``audit_triggers``), and ``row_hash`` covers the previous row's hash, so a row changed behind
    the database's back breaks the chain that ``flask audit verify`` checks.
    """

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"), index=True)
    actor_email: Mapped[str | None] = mapped_column(String(254))
    actor_role: Mapped[str | None] = mapped_column(String(32))
    object_type: Mapped[str | None] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)
    remote_addr: Mapped[str | None] = mapped_column(String(64))
    previous_hash: Mapped[str] = mapped_column(String(64))
    row_hash: Mapped[str] = mapped_column(String(64), unique=True)

    actor: Mapped[User | None] = relationship()


# ----------------------------------------------------------------------------- reporting
class ReportState(enum.Enum):
    """Where a report stands. "Not started" is the absence of a report for the country and cycle."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"

    @property
    def label(self) -> str:
        return self.value.capitalize()


DUE_SOON = dt.timedelta(days=14)  # a report still to send is "due soon" this close to its due date


class ReportingCycle(Base):
    """A reporting round: the period it covers, when it opens and is due, the framework it pins."""

    __tablename__ = "reporting_cycle"
    __table_args__ = (
        CheckConstraint("period_start <= period_end", name="period_in_order"),
        CheckConstraint("opens_on <= due_on", name="opens_before_due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    opens_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date] = mapped_column(Date)
    framework_version_id: Mapped[int] = mapped_column(ForeignKey("framework_version.id", ondelete="RESTRICT"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # the public sees it from then on; who: audit
    # the last day a country may reply to its draft verified scorecard; None: no right of reply
    # (cycles created before it existed)
    reply_due_on: Mapped[dt.date | None] = mapped_column(Date)

    framework_version: Mapped[FrameworkVersion] = relationship()

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Report(Base):
    """A country's report for a cycle. ``revision`` > 1 is an amendment of an accepted report.

    ``version`` counts saves; a form carries the version it was loaded with, and a save whose
    version is no longer current is refused (409), so two people never overwrite each other.
    """

    __tablename__ = "report"
    __table_args__ = (UniqueConstraint("cycle_id", "country_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("reporting_cycle.id", ondelete="RESTRICT"), index=True)
    country_id: Mapped[int] = mapped_column(ForeignKey("country.id", ondelete="RESTRICT"), index=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    amends_id: Mapped[int | None] = mapped_column(ForeignKey("report.id", ondelete="RESTRICT"))
    state: Mapped[ReportState] = mapped_column(_enum(ReportState, "report_state"), default=ReportState.DRAFT)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}  # every ORM update of a report checks and bumps it
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    cycle: Mapped[ReportingCycle] = relationship()
    country: Mapped[Country] = relationship()
    amends: Mapped[Report | None] = relationship(remote_side=[id])
    entries: Mapped[list[Entry]] = relationship(
        back_populates="report", order_by="Entry.position", cascade="all, delete-orphan"
    )
    comments: Mapped[list[ReviewComment]] = relationship(
        back_populates="report", order_by="ReviewComment.id", cascade="all, delete-orphan"
    )
    statistics: Mapped[list[Statistic]] = relationship(
        back_populates="report", order_by="Statistic.id", cascade="all, delete-orphan"
    )
    progress: Mapped[list[ActivityProgress]] = relationship(
        back_populates="report", order_by="ActivityProgress.id", cascade="all, delete-orphan"
    )


class Entry(Base):
    """What a country reports on one commitment, and what the secretariat assessed."""

    __tablename__ = "entry"
    __table_args__ = (
        UniqueConstraint("report_id", "commitment_id"),
        CheckConstraint("budget_amount IS NULL OR budget_amount >= 0", name="budget_not_negative"),
        CheckConstraint("start_date IS NULL OR end_date IS NULL OR start_date <= end_date", name="dates_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitment.id", ondelete="RESTRICT"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    reported_status: Mapped[str | None] = mapped_column(String(64))
    narrative: Mapped[str | None] = mapped_column(Text)
    responsible: Mapped[str | None] = mapped_column(String(500))
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    budget_amount: Mapped[int | None] = mapped_column(Amount)
    budget_currency: Mapped[str | None] = mapped_column(String(3))
    assessed_status: Mapped[str | None] = mapped_column(String(64))
    verified: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    report: Mapped[Report] = relationship(back_populates="entries")
    commitment: Mapped[Commitment] = relationship()
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="entry", order_by="Evidence.id", cascade="all, delete-orphan"
    )
    figures: Mapped[list[IndicatorValue]] = relationship(
        back_populates="entry", order_by="IndicatorValue.indicator", cascade="all, delete-orphan"
    )
    citations: Mapped[list[ActivityCitation]] = relationship(
        back_populates="entry", order_by="ActivityCitation.activity", cascade="all, delete-orphan"
    )


class Evidence(Base):
    """One item of evidence for an entry: a link or document, the page and a short quote."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id", ondelete="CASCADE"), index=True)
    url: Mapped[str | None] = mapped_column(String(2000))
    title: Mapped[str] = mapped_column(String(300))
    page: Mapped[str | None] = mapped_column(String(40))
    quote: Mapped[str | None] = mapped_column(Text)
    # an uploaded file, kept outside static/ under a random name; ``file_name`` is what the person uploaded
    stored_name: Mapped[str | None] = mapped_column(String(64))
    file_name: Mapped[str | None] = mapped_column(String(255))
    content_type: Mapped[str | None] = mapped_column(String(100))
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    # the methodology's evidence kind (adoption, implementation, corroboration): as the focal point
    # described it, and as the secretariat confirmed it on accepting the report (what the verified
    # score counts); None on evidence given before kinds existed
    kind: Mapped[str | None] = mapped_column(String(32))
    confirmed_kind: Mapped[str | None] = mapped_column(String(32))

    entry: Mapped[Entry] = relationship(back_populates="evidence")


class IndicatorValue(Base):
    """A figure the methodology asks for (an aggregate count, never a record about a person)."""

    __tablename__ = "indicator_value"
    __table_args__ = (
        UniqueConstraint("entry_id", "indicator"),
        CheckConstraint("value >= 0", name="value_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id", ondelete="CASCADE"), index=True)
    indicator: Mapped[str] = mapped_column(String(64))
    value: Mapped[int] = mapped_column(Amount)

    entry: Mapped[Entry] = relationship(back_populates="figures")


class Statistic(Base):
    """One aggregated count in a report's statistics section: a measure's total (``breakdown`` and
    ``category`` empty), the count of one category of one of its breakdowns, or a capacity figure.

    Counts only, never a record about a person; the public sees them only through suppression.
    """

    __tablename__ = "statistic"
    __table_args__ = (
        UniqueConstraint("report_id", "measure", "breakdown", "category"),
        CheckConstraint("value >= 0", name="value_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    measure: Mapped[str] = mapped_column(String(64))
    breakdown: Mapped[str] = mapped_column(String(64), default="")
    category: Mapped[str] = mapped_column(String(64), default="")
    value: Mapped[int] = mapped_column(Amount)

    report: Mapped[Report] = relationship(back_populates="statistics")


class NationalPlan(Base):
    """One revision of a country's National Plan of Action, reviewed like a report.

    ``source`` is the plan itself, as the YAML ``tracker.plans`` reads and writes: what
    ``flask nap export`` prints and what every page parses. The columns beside it are copies for
    lists and queries. ``revision`` > 1 amends an accepted plan; an accepted plan is locked.
    """

    __tablename__ = "national_plan"
    __table_args__ = (UniqueConstraint("country_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    country_id: Mapped[int] = mapped_column(ForeignKey("country.id", ondelete="RESTRICT"), index=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    amends_id: Mapped[int | None] = mapped_column(ForeignKey("national_plan.id", ondelete="RESTRICT"))
    state: Mapped[ReportState] = mapped_column(_enum(ReportState, "plan_state"), default=ReportState.DRAFT)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}
    source: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(String(300))
    plan_status: Mapped[str] = mapped_column(String(16))  # draft | adopted | expired: the government's, not ours
    activity_count: Mapped[int] = mapped_column(Integer)
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # demo data
    review_comment: Mapped[str | None] = mapped_column(Text)  # why the secretariat last returned it
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    country: Mapped[Country] = relationship()
    amends: Mapped[NationalPlan | None] = relationship(remote_side=[id])


PROGRESS_STATUSES = {
    "not-started": "Not started",
    "under-way": "Under way",
    "delayed": "Delayed",
    "completed": "Completed",
    "cancelled": "Cancelled",
}


class ActivityProgress(Base):
    """What a report says about one activity of the country's plan: its status, the value of each of
    its indicators (as written: "12 officials", "adopted"), evidence and a note."""

    __tablename__ = "activity_progress"
    __table_args__ = (UniqueConstraint("report_id", "activity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("national_plan.id", ondelete="RESTRICT"), index=True)
    activity: Mapped[str] = mapped_column(String(64))  # the activity's id in the plan
    status: Mapped[str] = mapped_column(String(32))  # a key of PROGRESS_STATUSES
    indicator_values: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)  # indicator name -> value
    evidence_url: Mapped[str | None] = mapped_column(String(2000))
    note: Mapped[str | None] = mapped_column(Text)

    report: Mapped[Report] = relationship(back_populates="progress")
    plan: Mapped[NationalPlan] = relationship()


class ActivityCitation(Base):
    """An entry citing an activity of the plan as what implements its commitment."""

    __tablename__ = "activity_citation"
    __table_args__ = (UniqueConstraint("entry_id", "activity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id", ondelete="CASCADE"), index=True)
    activity: Mapped[str] = mapped_column(String(64))

    entry: Mapped[Entry] = relationship(back_populates="citations")


class ReviewComment(Base):
    """A reviewer's comment on a report or one of its entries, or a focal point's reply to one."""

    __tablename__ = "review_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("entry.id", ondelete="CASCADE"), index=True)
    in_reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("review_comment.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    report: Mapped[Report] = relationship(back_populates="comments")
    author: Mapped[User] = relationship()


class Notification(Base):
    """A message for one person, in the app (and by email when SMTP is configured).

    ``dedupe_key`` makes reminders idempotent: ``flask notify due`` may run every hour from cron and
    still sends each "due soon" and "overdue" once.
    """

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(300))
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class StoredScore(Base):
    """One score of one scorecard, as the engine computed it, with its explanation.

    The engine's output is stored so that pages read scores instead of computing them; a scorecard
    is recomputed when what it depends on changes, and ``flask scores recompute`` proves the stored
    rows are exactly what the engine gives today.
    """

    __tablename__ = "score"
    __table_args__ = (
        UniqueConstraint("cycle_id", "country_id", "basis", "level", "subject"),
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 100)", name="score_in_range"),
        Index("ix_score_cycle_level", "cycle_id", "basis", "level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("reporting_cycle.id", ondelete="CASCADE"))
    country_id: Mapped[int] = mapped_column(ForeignKey("country.id", ondelete="CASCADE"), index=True)
    basis: Mapped[str] = mapped_column(String(16))  # verified | self-reported
    level: Mapped[str] = mapped_column(String(16))  # overall | instrument | focus-area | commitment
    subject: Mapped[str] = mapped_column(String(64))  # "" for overall
    state: Mapped[str] = mapped_column(String(16))  # scored | not-applicable | not-reported
    score: Mapped[float | None] = mapped_column(Float)
    rating: Mapped[str | None] = mapped_column(String(64))
    weight: Mapped[int] = mapped_column(Integer, default=0)
    reported: Mapped[int] = mapped_column(Integer, default=0)
    applicable: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str | None] = mapped_column(String(64))
    carried_from: Mapped[str | None] = mapped_column(String(200))
    entry_id: Mapped[int | None] = mapped_column(Integer)  # not a foreign key: the score outlives a draft's entry
    penalised: Mapped[bool] = mapped_column(Boolean, default=False)  # a negative indicator applied
    # method 2: the conservative form (not reported counts as 0), coverage (% of the applicable
    # weight with a status) and the cycle(s) the evidence is from; None on rows stored before it
    # until they are recomputed
    conservative: Mapped[float | None] = mapped_column(Float)
    coverage: Mapped[float | None] = mapped_column(Float)
    evidence_cycle: Mapped[str | None] = mapped_column(String(200))
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON)
    computed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    cycle: Mapped[ReportingCycle] = relationship()
    country: Mapped[Country] = relationship()


class ScoreRecompute(Base):
    """Why the stored scores of a published cycle were rewritten: the database refuses any change to
    them unless a row here is open (``finished_at`` empty), which only the recompute operation opens
    and closes in its own transaction (``tracker.locks``)."""

    __tablename__ = "score_recompute"

    id: Mapped[int] = mapped_column(primary_key=True)
    reason: Mapped[str] = mapped_column(String(500))
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    rows_written: Mapped[int] = mapped_column(Integer, default=0)


class ChartFigure(Base):
    """A Plotly figure as JSON, built when its scores change so that no request builds one."""

    __tablename__ = "chart_figure"
    # "when did a public chart change" reads this index only, never the large JSON rows (SQLite)
    __table_args__ = (Index("ix_chart_figure_key_built_at", "key", "built_at"),)

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    figure: Mapped[str] = mapped_column(Text)  # JSON, safe to embed in a <script type="application/json">
    table: Mapped[dict[str, Any]] = mapped_column(JSON)  # the same numbers, for the accessible data table
    built_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Installation(Base):
    """Facts about this installation that travel with its data: at most one row (id 1).

    ``demonstration`` is set by ``flask demo seed`` before it writes the first demonstration row, so no
    demonstration data exists without it; every export, API answer, chart and page reads it (never an
    account's existence), and production refuses to start while it is set.
    """

    __tablename__ = "installation"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    demonstration: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    demonstration_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


# ----------------------------------------------------------------------------- method 2
class Finding(Base):
    """A finding that fires a negative indicator, recorded by the secretariat with its source,
    whoever brought it (an NGO, an international organisation, a court, the media, the country).

    Findings of a published cycle are public with its scores: their source is what the explanation
    names. Never a record about a person.
    """

    __tablename__ = "finding"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("reporting_cycle.id", ondelete="RESTRICT"), index=True)
    country_id: Mapped[int] = mapped_column(ForeignKey("country.id", ondelete="RESTRICT"), index=True)
    indicator: Mapped[str] = mapped_column(String(64))  # the negative indicator's id in the methodology
    title: Mapped[str] = mapped_column(String(300))  # the source: a report, a court decision, a documented case
    locator: Mapped[str] = mapped_column(String(2000))  # where in it: a page, a paragraph, a link
    brought_by: Mapped[str] = mapped_column(String(300))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # withdrawn (recorded in error, its source retracted): kept in the record, never fires again
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    withdrawal_reason: Mapped[str | None] = mapped_column(String(2000))

    cycle: Mapped[ReportingCycle] = relationship()
    country: Mapped[Country] = relationship()
    withdrawn_by: Mapped[User | None] = relationship(foreign_keys=[withdrawn_by_id])


class ScoreSensitivity(Base):
    """How one published score moves under equal weights against the methodology's weights; built
    when the cycle is published (and again when an accepted amendment changes it)."""

    __tablename__ = "score_sensitivity"
    __table_args__ = (UniqueConstraint("cycle_id", "country_id", "level", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("reporting_cycle.id", ondelete="CASCADE"), index=True)
    country_id: Mapped[int] = mapped_column(ForeignKey("country.id", ondelete="CASCADE"))
    level: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(64))
    weighted: Mapped[float | None] = mapped_column(Float)
    equal: Mapped[float | None] = mapped_column(Float)
    weighted_conservative: Mapped[float | None] = mapped_column(Float)
    equal_conservative: Mapped[float | None] = mapped_column(Float)
    weighted_rating: Mapped[str | None] = mapped_column(String(64))
    equal_rating: Mapped[str | None] = mapped_column(String(64))

    country: Mapped[Country] = relationship()


class ReplyDecision(enum.Enum):
    KEPT = "kept"
    CHANGED = "changed"


class ScoreReply(Base):
    """A government's reply to one assessed status of its draft verified scorecard, and the
    secretariat's answer. Public beside the scorecard once the cycle is published; never before."""

    __tablename__ = "score_reply"
    __table_args__ = (
        CheckConstraint(
            "(decision IS NULL AND answer IS NULL AND answered_at IS NULL) OR "
            "(decision IS NOT NULL AND answer IS NOT NULL AND answered_at IS NOT NULL)",
            name="answered_whole",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("reporting_cycle.id", ondelete="RESTRICT"), index=True)
    country_id: Mapped[int] = mapped_column(ForeignKey("country.id", ondelete="RESTRICT"), index=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="RESTRICT"))  # the accepted revision
    commitment: Mapped[str] = mapped_column(String(16))  # the commitment's code
    reported_status: Mapped[str | None] = mapped_column(String(64))  # as the reply found them
    assessed_status: Mapped[str | None] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    decision: Mapped[ReplyDecision | None] = mapped_column(_enum(ReplyDecision, "reply_decision"))
    new_status: Mapped[str | None] = mapped_column(String(64))  # the assessment after a change
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    cycle: Mapped[ReportingCycle] = relationship()
    country: Mapped[Country] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])


class ReplyWindowClosed(Base):
    """A country told the secretariat it has no further replies for a cycle: its window closes
    before the deadline."""

    __tablename__ = "reply_window_closed"
    __table_args__ = (UniqueConstraint("cycle_id", "country_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("reporting_cycle.id", ondelete="RESTRICT"))
    country_id: Mapped[int] = mapped_column(ForeignKey("country.id", ondelete="RESTRICT"))
    closed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    closed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
