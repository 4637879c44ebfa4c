"""Forgot password: the address a reset link is mailed to, and the new password it sets."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import EqualTo, Length, Regexp

from .invitation import EMAIL_PATTERN, MIN_PASSWORD
from .validators import length, required


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("E-mail"),
        filters=[lambda v: v.strip() if v else v],  # a pasted address brings its spaces
        validators=[
            required(),
            length(254),
            Regexp(EMAIL_PATTERN, message=_l("Enter a valid e-mail address.")),
        ],
    )


class ResetPasswordForm(FlaskForm):
    """The same password rule as the account an invitation creates (forms/invitation.py)."""

    password = PasswordField(
        _l("New password"),
        validators=[
            required(),
            Length(
                min=MIN_PASSWORD,
                message=_l("Use at least %(min)d characters.", min=MIN_PASSWORD),
            ),
            length(200),
        ],
    )
    password2 = PasswordField(
        _l("Repeat the password"),
        validators=[
            required(),
            EqualTo("password", message=_l("The two passwords differ.")),
        ],
    )
