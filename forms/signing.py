"""Signing the drafted act: the password again, and an optional dissenting opinion."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import Optional

from incidents.services.signing import DISSENT_MAX

from .fields import TextAreaField
from .validators import length, required


class SignForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[required(), length(200)])
    dissent = TextAreaField(
        _l("Dissenting opinion (optional)"),
        description=_l(
            "If you disagree with part of the act, say which points and why. It is attached to "
            "the act as your dissenting opinion."
        ),
        validators=[Optional(), length(DISSENT_MAX)],
    )
