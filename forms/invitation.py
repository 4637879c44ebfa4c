"""Inviting a person to one case, and creating the account an invitation link opens."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import EqualTo, Length, Optional, Regexp, ValidationError

from incidents.labels import LABELS
from incidents.models import Role
from incidents.permissions import INVITABLE_ROLES

from .fields import SelectField, StringField
from .validators import length, not_blank, required

# enough to catch a typo; the mail that arrives (or not) is the real check
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
MIN_PASSWORD = 8
LANGUAGE_NAMES = (("ky", "Кыргызча"), ("ru", "Русский"), ("en", "English"))


def _email_field():
    return EmailField(
        _l("E-mail"),
        validators=[
            required(),
            length(254),
            Regexp(EMAIL_PATTERN, message=_l("Enter a valid e-mail address.")),
        ],
    )


class InvitationForm(FlaskForm):
    email = _email_field()
    name = StringField(_l("Name"), validators=[Optional(), length(200)])
    role = SelectField(_l("Role on the case"), validators=[required()])
    member_id = SelectField(_l("Commission member"), validators=[Optional()])

    def __init__(self, *args, members=(), **kwargs):
        """`members`: the commission members a new account may be linked to."""
        super().__init__(*args, **kwargs)
        self.role.choices = [(r.value, LABELS[Role][r]) for r in INVITABLE_ROLES]
        self.member_id.choices = [
            ("", "—"),
            *((str(m.id), f"{m.full_name} · {m.position}") for m in members),
        ]

    def validate_member_id(self, field):
        if field.data and self.role.data == Role.victim.value:
            raise ValidationError(
                _l("A victim or trusted person is invited without a commission seat.")
            )

    def to_dict(self) -> dict:
        return {
            "email": self.email.data.strip().lower(),
            "name": (self.name.data or "").strip() or None,
            "role": self.role.data,
            "member_id": int(self.member_id.data) if self.member_id.data else None,
        }


class AccountForm(FlaskForm):
    """The account an invited person creates; the e-mail is the invitation's."""

    name = StringField(_l("Full name"), validators=[required(), not_blank, length(200)])
    password = PasswordField(
        _l("Password"),
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
    language = SelectField(_l("Language"), validators=[required()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = list(LANGUAGE_NAMES)


class AcceptForm(FlaskForm):
    """The button a logged-in person presses to accept (a GET never changes anything)."""
