"""Forms of the auth blueprint. Passwords are checked for length only, never truncated."""

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from ..passwords import MAX_LENGTH, password_problem


def _strong_enough(_form: FlaskForm, field: PasswordField) -> None:
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


class LoginForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired("Enter your email address."), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired("Enter your password."), Length(max=1024)])
    next = HiddenField(validators=[Length(max=2000)])
    submit = SubmitField("Log in")


class ReauthenticateForm(FlaskForm):
    password = PasswordField("Password", validators=[DataRequired("Enter your password."), Length(max=1024)])
    next = HiddenField(validators=[Length(max=2000)])
    submit = SubmitField("Confirm")


class ChangePasswordForm(FlaskForm):
    current = PasswordField(
        "Current password", validators=[DataRequired("Enter your current password."), Length(max=1024)]
    )
    new = PasswordField("New password", validators=[DataRequired("Enter a new password."), _strong_enough])
    confirm = PasswordField(
        "New password again",
        validators=[DataRequired("Enter the new password again."), EqualTo("new", "The two new passwords differ.")],
    )
    submit = SubmitField("Change password")


class SetPasswordForm(FlaskForm):
    new = PasswordField("Choose a password", validators=[DataRequired("Choose a password."), _strong_enough])
    confirm = PasswordField(
        "Password again",
        validators=[DataRequired("Enter the password again."), EqualTo("new", "The two passwords differ.")],
    )
    submit = SubmitField("Set password")


PASSWORD_HINT = f"At least 12 characters and at most {MAX_LENGTH}. A few unrelated words make a strong password."
