"""Domain validators with messages in the user's language."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from wtforms.validators import InputRequired, Length, NumberRange, StopValidation, ValidationError

from incidents.models.timeutil import LOCAL_TZ

REQUIRED = _l("This field is required.")


class _InputRequired(InputRequired):
    """Only spaces are no input either: a date or number field reads them as empty (None),
    which InputRequired alone would let through to a NOT NULL column."""

    def __call__(self, form, field):
        if field.raw_data and isinstance(field.raw_data[0], str) and not field.raw_data[0].strip():
            field.errors[:] = []
            raise StopValidation(self.message)
        super().__call__(form, field)


def required():
    """Something must be typed. InputRequired (not DataRequired) keeps a parse error such as
    "Enter a date" instead of replacing it with "required"; blank text is caught by not_blank."""
    return _InputRequired(message=REQUIRED)


def length(max_: int, min_: int = -1):
    return Length(
        min=min_, max=max_, message=_l("Keep it to at most %(max)d characters.", max=max_)
    )


def number_range(lo, hi):
    return NumberRange(
        min=lo, max=hi, message=_l("Enter a value from %(lo)s to %(hi)s.", lo=lo, hi=hi)
    )


def _today_local() -> date:
    return datetime.now(LOCAL_TZ).date()


def _now_local() -> datetime:
    return datetime.now(LOCAL_TZ).replace(tzinfo=None)


def not_in_future(form, field):
    value = field.data
    if value is None:
        return
    limit = _now_local() if isinstance(value, datetime) else _today_local()
    if value > limit:
        raise ValidationError(_l("This date is in the future."))


def not_before_field(other_name: str, message):
    def check(form, field):
        other = form[other_name].data
        if field.data is not None and other is not None and field.data < other:
            raise ValidationError(message)

    return check


def not_blank(form, field):
    if field.data is not None and isinstance(field.data, str) and not field.data.strip():
        raise ValidationError(REQUIRED)
