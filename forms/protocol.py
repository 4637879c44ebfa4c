"""Forms of the protocols: the scene inspection and the interviews (docs/procedure.md §5)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectMultipleField
from wtforms.validators import Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from .fields import BAD_CHOICE, DateField, DateTimeField, SelectField, StringField, TextAreaField
from .validators import length, not_before_field, not_blank, not_in_future, required

SHORT, MEDIUM, LONG = 200, 500, 5000
ENDS_BEFORE = _l("The end is before the start.")


def _text(label, max_=SHORT, need=False):
    validators = [required(), not_blank] if need else [Optional()]
    return StringField(label, validators=[*validators, length(max_)])


def _area(label, max_=LONG, need=False):
    validators = [required(), not_blank] if need else [Optional()]
    return TextAreaField(label, validators=[*validators, length(max_)])


class PhotoField(SelectMultipleField):
    """Evidence photos as checkboxes; an id not among the case's photos is refused."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        allowed = {v for v, _ in self.choices or []}
        if any(value not in allowed for value in self.data or []):
            raise ValidationError(BAD_CHOICE)


class _ProtocolForm(FlaskForm):
    FIELDS: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        out = {}
        for name in self.FIELDS:
            value = self[name].data
            out[name] = value.strip() if isinstance(value, str) else value
        return out


class SceneProtocolForm(_ProtocolForm):
    FIELDS = (
        "inspected_on",
        "ended_at",
        "place",
        "inspected_by",
        "present",
        "conditions",
        "workplace",
        "harmful_object",
        "guards",
        "ppe",
        "environment",
        "remarks",
        "photo_ids",
    )
    inspected_on = DateTimeField(_l("Inspection started"), validators=[required(), not_in_future])
    ended_at = DateTimeField(
        _l("Inspection ended"),
        validators=[Optional(), not_in_future, not_before_field("inspected_on", ENDS_BEFORE)],
    )
    place = _text(_l("Place of the inspection"), MEDIUM, need=True)
    inspected_by = _area(_l("Who inspected"), 2000, need=True)
    present = _area(_l("Who was present"), 2000)
    conditions = _area(_l("Conditions at the scene"))
    workplace = _area(_l("Workplace and equipment"))
    harmful_object = _area(_l("Part, tool or material that caused the harm"))
    guards = _area(_l("Guards and safety devices and their state"))
    ppe = _area(_l("Personal protective equipment used"))
    environment = _area(_l("Ventilation, lighting, temperature"))
    remarks = _area(_l("Remarks"))
    photo_ids = PhotoField(_l("Photos attached"), coerce=int, validators=[Optional()])


class InterviewProtocolForm(_ProtocolForm):
    FIELDS = (
        "interviewee_kind",
        "place",
        "started_at",
        "ended_at",
        "interviewer",
        "full_name",
        "birth_date",
        "birth_place",
        "address",
        "citizenship",
        "occupation",
        "service",
        "others_present",
        "rights_explained",
        "statement",
        "questions_answers",
    )
    interviewee_kind = SelectField(_l("Interviewee"), validators=[required()])
    place = _text(_l("Place of the interview"), MEDIUM, need=True)
    started_at = DateTimeField(_l("Interview started"), validators=[required(), not_in_future])
    ended_at = DateTimeField(
        _l("Interview ended"),
        validators=[Optional(), not_in_future, not_before_field("started_at", ENDS_BEFORE)],
    )
    interviewer = _text(_l("Interviewer"), 300, need=True)
    full_name = _text(_l("Full name of the interviewee"), need=True)
    birth_date = DateField(_l("Birth date"), validators=[Optional(), not_in_future])
    birth_place = _text(_l("Birth place"), 300)
    address = _text(_l("Address"), MEDIUM)
    citizenship = _text(_l("Citizenship"), 100)
    occupation = _text(_l("Occupation"))
    service = _text(_l("Length of service"))
    others_present = _area(_l("Others present"), 2000)
    rights_explained = BooleanField(_l("Rights and duties explained to the interviewee"))
    statement = _area(_l("Statement"), 20000, need=True)
    questions_answers = _area(_l("Questions and answers"), 20000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.interviewee_kind.choices = [
            ("victim", _l("Victim")),
            ("witness", _l("Witness")),
            ("official", _l("Official")),
        ]
