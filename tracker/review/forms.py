"""Forms of the review blueprint."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..forms import DATE_BOUNDS, ActionForm, plausible_date

MAX_COMMENT = 5000  # a reviewer's comment, on the report or one entry (the database's limit too)


class CycleForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired("Give the cycle a name."), Length(max=200)])
    period_start = DateField(
        "Period starts",
        validators=[DataRequired("Enter the first day of the period."), plausible_date],
        render_kw=DATE_BOUNDS,
    )
    period_end = DateField(
        "Period ends",
        validators=[DataRequired("Enter the last day of the period."), plausible_date],
        render_kw=DATE_BOUNDS,
    )
    opens_on = DateField(
        "Reporting opens",
        validators=[DataRequired("Enter the day reporting opens."), plausible_date],
        render_kw=DATE_BOUNDS,
    )
    due_on = DateField(
        "Reports due", validators=[DataRequired("Enter the due date."), plausible_date], render_kw=DATE_BOUNDS
    )
    reply_due_on = DateField(
        "Replies to draft scorecards due (optional)", validators=[Optional(), plausible_date], render_kw=DATE_BOUNDS
    )
    submit = SubmitField("Create cycle")

    def validate_period_end(self, field: DateField) -> None:
        if field.data and self.period_start.data and field.data < self.period_start.data:
            raise ValidationError("The period must end after it starts.")

    def validate_due_on(self, field: DateField) -> None:
        if field.data and self.opens_on.data and field.data < self.opens_on.data:
            raise ValidationError("Reports cannot be due before reporting opens.")

    def validate_reply_due_on(self, field: DateField) -> None:
        if field.data and self.due_on.data and field.data < self.due_on.data:
            raise ValidationError("The reply period must not end before reports are due.")


class ReturnForm(FlaskForm):
    class Meta:
        csrf = False  # one page, two prefixed forms: CSRFProtect checks the page's single token

    general = TextAreaField("Comment on the whole report", validators=[Length(max=MAX_COMMENT)])
    submit = SubmitField("Return for revision")


class AcceptForm(FlaskForm):
    class Meta:
        csrf = False  # see ReturnForm

    confirm = BooleanField(
        "I understand: accepting verifies every entry with the status I assessed and locks the report; "
        "it cannot be undone.",
        validators=[DataRequired("Tick the box to confirm you mean to accept.")],
    )
    submit = SubmitField("Accept report")


class PublishForm(ActionForm):
    """Publishing cannot be undone: the box must be ticked (the browser asks for it; so does the view)."""

    confirm = BooleanField(validators=[DataRequired("Tick the box to confirm you mean to publish.")])
