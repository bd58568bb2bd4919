"""Length limits on what people type, kept by the database as well as by the forms.

SQLite does not enforce ``VARCHAR(n)`` and nothing limits ``TEXT`` anywhere, so a script or a form
that forgot its limit could store a megabyte in a comment. These triggers refuse a longer value on
both databases; each limit is the one the form shows (a form's ``Length(max=…)`` never exceeds it).
"""

from __future__ import annotations

from sqlalchemy import DDL, event

from .database import Base

# table -> column -> the most characters it may hold
TEXT_LIMITS: dict[str, dict[str, int]] = {
    "entry": {"reported_status": 64, "narrative": 10_000, "responsible": 500, "budget_currency": 3},
    "evidence": {"url": 2000, "title": 300, "page": 40, "quote": 1000, "file_name": 255},
    "review_comment": {"body": 5000},
    "reporting_cycle": {"name": 200},
    "user_account": {"email": 254, "name": 200},
    "activity_progress": {"activity": 64, "status": 32, "evidence_url": 2000, "note": 2000},
    "national_plan": {"title": 300, "plan_status": 16, "source": 262_144, "review_comment": 5000},
    "indicator_value": {"indicator": 64},
    "statistic": {"measure": 64, "breakdown": 64, "category": 64},
}
MESSAGE = "text is longer than its field allows"


def _too_long(row: str, columns: dict[str, int]) -> str:
    return " OR ".join(f"length({row}.{column}) > {limit}" for column, limit in columns.items())


def _sqlite() -> list[str]:
    return [
        f"CREATE TRIGGER {table}_text_limits_{action.lower()} BEFORE {action} ON {table} "
        f"WHEN {_too_long('NEW', columns)} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        for table, columns in TEXT_LIMITS.items()
        for action in ("INSERT", "UPDATE")
    ]


def _postgresql() -> list[str]:
    statements = []
    for table, columns in TEXT_LIMITS.items():
        statements += [
            f"CREATE OR REPLACE FUNCTION {table}_text_limits_guard() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN IF {_too_long('NEW', columns)} THEN RAISE EXCEPTION '{MESSAGE}'; END IF; RETURN NEW; END $$",
            f"CREATE TRIGGER {table}_text_limits BEFORE INSERT OR UPDATE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_text_limits_guard()",
        ]
    return statements


LIMIT_DDL = {"sqlite": _sqlite(), "postgresql": _postgresql()}

for _dialect, _statements in LIMIT_DDL.items():
    for _statement in _statements:
        event.listen(Base.metadata, "after_create", DDL(_statement).execute_if(dialect=_dialect))
