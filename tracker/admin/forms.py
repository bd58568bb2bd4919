"""Forms for user management and the audit filter."""

from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..forms import DATE_BOUNDS, plausible_date
from ..models import Role

ROLE_CHOICES = [SelectChoice(role.value, role.label) for role in Role]


class InviteForm(FlaskForm):
    name = StringField("Full name", validators=[DataRequired("Enter the person's name."), Length(max=200)])
    email = EmailField("Email address", validators=[DataRequired("Enter an email address."), Length(max=254)])
    role = SelectField("Role", choices=ROLE_CHOICES)
    country = SelectField("Country (focal points only)", choices=[], validate_choice=True)
    submit = SubmitField("Create invitation")


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES)
    country = SelectField("Country (focal points only)", choices=[], validate_choice=True)
    submit = SubmitField("Change role")


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    action = SelectField("Action", choices=[], validate_choice=False)
    actor = StringField("Actor email contains", validators=[Optional(), Length(max=254)])
    since = DateField("From", validators=[Optional(), plausible_date], render_kw=DATE_BOUNDS)
    until = DateField("To", validators=[Optional(), plausible_date], render_kw=DATE_BOUNDS)
