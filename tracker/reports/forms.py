"""The progress form: one sub-form per commitment, with evidence rows and figures.

A draft saves whatever is there, so every field is optional here; what a submission needs is
checked by ``services.submission_problems`` and shown next to each field.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.validators import URL, Length, NumberRange, Optional, Regexp, ValidationError

from ..forms import DATE_BOUNDS, plausible_date
from ..models import MAX_AMOUNT, PROGRESS_STATUSES
from ..services import EntryInput, EvidenceInput
from ..services.plans import ProgressInput
from ..uploads import StoredFile

EVIDENCE_ROWS_SPARE = 1
MAX_EVIDENCE = 10


class EvidenceForm(Form):
    title = StringField("Document title", validators=[Optional(), Length(max=300)])
    url = URLField(
        "Link",
        validators=[
            Optional(),
            URL(require_tld=False, message="Enter a full web address (https://…)."),
            Length(max=2000),
        ],
    )
    page = StringField("Page", validators=[Optional(), Length(max=40)])
    quote = TextAreaField("Short quote", validators=[Optional(), Length(max=1000)])
    # the methodology's evidence kinds; the view sets the choices, the service refuses unknown ones
    kind = SelectField("What it shows", choices=[], validate_choice=False)
    file = FileField("Or attach the document (optional)")
    keep_file = HiddenField()  # the file this row already holds; checked against the report's own files

    def validate(self, extra_validators=None) -> bool:  # type: ignore[no-untyped-def]
        """A row with a link, page or quote names its document (Optional() would skip a title check)."""
        valid = super().validate(extra_validators)
        has_file = bool(getattr(self.file.data, "filename", "")) or bool(self.keep_file.data)
        described = any((value or "").strip() for value in (self.url.data, self.page.data, self.quote.data))
        if described and not (self.title.data or "").strip() and not has_file:
            self.title.errors = [*self.title.errors, "Give the document a title."]
            return False
        return valid


class FigureForm(Form):
    indicator = HiddenField()
    value = IntegerField(
        validators=[
            Optional(),
            NumberRange(min=0, message="A count cannot be negative."),
            NumberRange(max=MAX_AMOUNT, message=f"Enter at most {MAX_AMOUNT:,}."),
        ]
    )


class EntryForm(Form):
    entry_id = HiddenField()
    reported_status = SelectField(
        "Implementation status", choices=[], validate_choice=False, validators=[Optional(), Length(max=64)]
    )
    narrative = TextAreaField("What was done", validators=[Optional(), Length(max=10000)], render_kw={"rows": 5})
    responsible = StringField("Responsible institution(s)", validators=[Optional(), Length(max=500)])
    start_date = DateField("Started", validators=[Optional(), plausible_date], render_kw=DATE_BOUNDS)
    end_date = DateField("Ended or due", validators=[Optional(), plausible_date], render_kw=DATE_BOUNDS)
    budget_amount = IntegerField(
        "Budget (optional)",
        validators=[
            Optional(),
            NumberRange(min=0, message="A budget cannot be negative."),
            NumberRange(max=MAX_AMOUNT, message=f"Enter a budget of at most {MAX_AMOUNT:,}."),
        ],
    )
    budget_currency = StringField(
        "Currency", validators=[Optional(), Regexp(r"^[A-Za-z]{3}$", message="Use a three-letter code, e.g. EUR.")]
    )
    evidence = FieldList(FormField(EvidenceForm), min_entries=0, max_entries=MAX_EVIDENCE)
    figures = FieldList(FormField(FigureForm), min_entries=0)
    # ids of the plan's activities this entry cites; the service checks each implements the commitment
    cited = SelectMultipleField("Cite in this entry", choices=[], validate_choice=False)

    def validate_end_date(self, field: DateField) -> None:
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError("The end cannot come before the start.")

    def to_input(
        self, file_for: Callable[[EvidenceForm], StoredFile | None] = lambda row: None, *, citable: bool = False
    ) -> EntryInput:
        """The entry as the service takes it; ``file_for`` stores or keeps each row's file.

        ``citable``: the plan has activities for this commitment, so the boxes were on the page and
        an unticked one means "no longer cited"; otherwise the entry's citations are left alone.
        """
        return EntryInput(
            reported_status=self.reported_status.data or None,
            narrative=(self.narrative.data or "").strip() or None,
            responsible=(self.responsible.data or "").strip() or None,
            start_date=self.start_date.data,
            end_date=self.end_date.data,
            budget_amount=self.budget_amount.data,
            budget_currency=(self.budget_currency.data or "").strip() or None,
            evidence=tuple(
                EvidenceInput(
                    title=(row.form.title.data or "").strip(),
                    url=(row.form.url.data or "").strip() or None,
                    page=(row.form.page.data or "").strip() or None,
                    quote=(row.form.quote.data or "").strip() or None,
                    file=stored,
                    kind=row.form.kind.data or None,
                )
                for row in self.evidence
                if (stored := file_for(row.form))
                or (row.form.title.data or "").strip()
                or (row.form.url.data or "").strip()
            ),
            figures={row.indicator.data: row.value.data for row in self.figures if row.value.data is not None},
            cited_activities=tuple(dict.fromkeys(self.cited.data or ())) if citable else None,
        )


class ReportForm(FlaskForm):
    version = HiddenField()
    entries = FieldList(FormField(EntryForm))
    save = SubmitField("Save draft")
    send = SubmitField("Submit for review")


class StatisticsForm(FlaskForm):
    """The statistics section's CSRF token and version; its numbers are read by ``statistics.section``
    because the framework decides which there are."""

    version = HiddenField()


class ProgressForm(FlaskForm):
    """The plan-progress page's CSRF token and report version; its fields are named after the plan's
    activities and indicators (``p.<activity>.<part>``), so they are read by ``parse_progress``."""

    version = HiddenField()


PROGRESS_CHOICES = [("", "Not reported"), *PROGRESS_STATUSES.items()]


def progress_name(activity_id: str, part: str, indicator: str | None = None) -> str:
    """The form field name of one part of an activity's progress: status, value, evidence or note."""
    return f"p.{activity_id}.{part}" + (f".{indicator}" if indicator is not None else "")


def parse_progress(formdata) -> tuple[dict[str, ProgressInput], dict[str, str]]:  # type: ignore[no-untyped-def]
    """What the progress form says, by activity id, and every value as typed (to show it again).

    Any activity or indicator named in the form is passed on, known or not: the service refuses
    the unknown ones, so a forged field is an error shown to the person, never silently dropped.
    """
    typed: dict[str, str] = {}
    parts: dict[str, dict[str, object]] = {}
    for name in formdata:
        pieces = name.split(".", 3)
        if len(pieces) < 3 or pieces[0] != "p" or not pieces[1]:
            continue
        value = formdata.get(name) or ""
        typed[name] = value
        given = parts.setdefault(pieces[1], {"values": {}})
        if pieces[2] == "value" and len(pieces) == 4:
            given["values"][pieces[3]] = value  # type: ignore[index]
        elif pieces[2] in ("status", "evidence", "note") and len(pieces) == 3:
            given[pieces[2]] = value.strip()
    progress = {
        activity_id: ProgressInput(
            status=str(given.get("status", "")),
            indicator_values=dict(given["values"]),  # type: ignore[call-overload]
            evidence_url=str(given.get("evidence", "")),
            note=str(given.get("note", "")),
        )
        for activity_id, given in parts.items()
    }
    return progress, typed


def progress_as_typed(rows) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Saved progress rows as the form's values."""
    typed: dict[str, str] = {}
    for row in rows:
        typed[progress_name(row.activity, "status")] = row.status
        typed[progress_name(row.activity, "evidence")] = row.evidence_url or ""
        typed[progress_name(row.activity, "note")] = row.note or ""
        for indicator, value in (row.indicator_values or {}).items():
            typed[progress_name(row.activity, "value", indicator)] = value
    return typed


class ReplyForm(FlaskForm):
    body = TextAreaField(
        "Your answer", validators=[Length(max=5000, message="Keep your answer under 5,000 characters.")]
    )
    submit = SubmitField("Send answer")


def form_data(report, framework, cited: dict[int, list[str]] | None = None) -> dict:  # type: ignore[no-untyped-def]
    """The report as the form's initial data, with one spare evidence row per entry; ``cited`` gives
    each entry's cited activities (read in one query by the view)."""
    cited = cited or {}
    entries = []
    for entry in report.entries:
        commitment = framework.commitment(entry.commitment.code)
        figures = {f.indicator: f.value for f in entry.figures}
        evidence = [
            {
                "title": e.title,
                "url": e.url,
                "page": e.page,
                "quote": e.quote,
                "kind": e.kind or "",
                "keep_file": e.stored_name or "",
            }
            for e in entry.evidence
        ]
        entries.append(
            {
                "entry_id": str(entry.id),
                "reported_status": entry.reported_status or "",
                "narrative": entry.narrative,
                "responsible": entry.responsible,
                "start_date": entry.start_date,
                "end_date": entry.end_date,
                "budget_amount": entry.budget_amount,
                "budget_currency": entry.budget_currency,
                "evidence": evidence + [{}] * EVIDENCE_ROWS_SPARE,
                "figures": [{"indicator": i, "value": figures.get(i)} for i in commitment.indicators],
                "cited": cited.get(entry.id, []),
            }
        )
    return {"version": str(report.version), "entries": entries}
