"""Forms shared by several blueprints."""

from flask_wtf import FlaskForm
from wtforms import SubmitField


class ActionForm(FlaskForm):
    """A button that changes state: only its CSRF token matters."""

    submit = SubmitField()
