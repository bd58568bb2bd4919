"""Forms of the plan pages: they only carry what was typed; the plan's own validator judges it whole."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length
from wtforms.widgets import CheckboxInput, ListWidget

STATUS_CHOICES = [
    SelectChoice("draft", "Draft (not yet adopted)"),
    SelectChoice("adopted", "Adopted"),
    SelectChoice("expired", "Expired"),
]
EXTRA_INDICATOR_ROWS = 2  # blank rows under an activity's indicators, to add new ones


def lines(text: str | None) -> tuple[str, ...]:
    """One item per non-empty line, stripped (responsible bodies)."""
    return tuple(line.strip() for line in (text or "").splitlines() if line.strip())


def text_or_none(value: str | None) -> str | None:
    """An empty box means "not given", which the plan writes as an absent key."""
    value = (value or "").strip()
    return value or None


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes, one per choice (the country's commitments)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form) -> None:  # type: ignore[no-untyped-def]
        """An unknown commitment is reported by the plan's validator, with the others."""


class Versioned(FlaskForm):
    version = HiddenField()


class UploadForm(FlaskForm):
    file = FileField("Plan file (YAML)", validators=[FileRequired("Choose the plan file to upload.")])
    submit = SubmitField("Upload and check")


class DetailsForm(Versioned):
    title = StringField("Title of the plan", validators=[Length(max=300)])
    status = SelectField("Status", choices=STATUS_CHOICES)
    adopted = StringField("Adopted on", validators=[Length(max=10)])
    period_start = StringField("Period starts", validators=[Length(max=10)])
    period_end = StringField("Period ends", validators=[Length(max=10)])
    document_url = StringField("Link to the official document", validators=[Length(max=600)])
    summary = TextAreaField("Summary", validators=[Length(max=4000)])
    submit = SubmitField("Save the plan's details")


class ObjectiveForm(Versioned):
    objective_id = StringField("Objective id", validators=[Length(max=64)])
    objective_title = StringField("Objective", validators=[Length(max=300)])
    submit = SubmitField("Save the objective")


class IndicatorForm(Form):
    name = StringField("Indicator", validators=[Length(max=200)])
    unit = StringField("Unit", validators=[Length(max=200)])
    baseline = StringField("Baseline", validators=[Length(max=200)])
    target = StringField("Target", validators=[Length(max=200)])
    counts_victims = BooleanField("Counts victims")


class ActivityFields(Form):
    """The fields of one activity, shared by the activity form and the "start a plan" form."""

    id = StringField("Activity id", validators=[Length(max=64)])
    title = StringField("Activity", validators=[Length(max=300)])
    description = TextAreaField("Description", validators=[Length(max=4000)])
    responsible = TextAreaField("Responsible bodies", validators=[Length(max=6000)])
    deadline = StringField("Deadline", validators=[Length(max=10)])
    timetable = StringField("Timetable", validators=[Length(max=200)])
    budget_amount = StringField("Budget", validators=[Length(max=15)])
    budget_currency = StringField("Currency", validators=[Length(max=3)])
    funding_source = StringField("Funding source", validators=[Length(max=200)])
    commitments = MultiCheckboxField("Regional commitments it implements", choices=[])


class ActivityForm(Versioned, ActivityFields):
    objective = SelectField("Objective", choices=[])
    indicators = FieldList(FormField(IndicatorForm), min_entries=EXTRA_INDICATOR_ROWS)
    submit = SubmitField("Save the activity")


class NewObjectiveForm(ActivityForm):
    """A new objective and its first activity (an objective has at least one)."""

    objective = None  # the activity goes in the new objective
    objective_id = StringField("Objective id", validators=[Length(max=64)])
    objective_title = StringField("Objective", validators=[Length(max=300)])


class StartForm(FlaskForm):
    """A minimal plan: its details, a first objective and a first activity; the rest is added later."""

    title = StringField("Title of the plan", validators=[Length(max=300)])
    status = SelectField("Status", choices=STATUS_CHOICES)
    adopted = StringField("Adopted on", validators=[Length(max=10)])
    period_start = StringField("Period starts", validators=[Length(max=10)])
    period_end = StringField("Period ends", validators=[Length(max=10)])
    objective_title = StringField("First objective", validators=[Length(max=300)])
    activity_title = StringField("First activity", validators=[Length(max=300)])
    responsible = TextAreaField("Responsible bodies", validators=[Length(max=6000)])
    commitments = MultiCheckboxField("Regional commitments it implements", choices=[])
    submit = SubmitField("Start the plan")


class VersionedAction(Versioned):
    """A button that changes the plan (remove, submit): the CSRF token and the version it was shown at."""

    submit = SubmitField()
