"""Forms for the case and its stage data. Each form's ``to_dict()`` is what the service takes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField
from wtforms.validators import Optional, ValidationError

from incidents.labels import choices, code_choices
from incidents.models import (
    BriefingType,
    Category,
    CommissionRole,
    Intoxication,
    NoticeMethod,
    Outcome,
    Represents,
    Severity,
    Sex,
)

from .fields import (
    DateField,
    DateTimeField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from .validators import (
    length,
    not_before_field,
    not_blank,
    not_in_future,
    number_range,
    required,
)

SHORT, MEDIUM, LONG = 200, 500, 5000


class _Base(FlaskForm):
    """Every editing form carries the case version it was opened with."""

    version = HiddenField()
    FIELDS: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        out = {}
        for name in self.FIELDS:
            value = self[name].data
            out[name] = value.strip() if isinstance(value, str) else value
        return out

    def opened_version(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None


def _text(label, max_=SHORT, need=True):
    validators = [required(), not_blank] if need else [Optional()]
    return StringField(label, validators=[*validators, length(max_)])


def _area(label, max_=LONG, need=True):
    validators = [required(), not_blank] if need else [Optional()]
    return TextAreaField(label, validators=[*validators, length(max_)])


class CaseForm(_Base):
    FIELDS = (
        "category",
        "occurred_at",
        "reported_at",
        "shift_started_at",
        "place",
        "structural_unit",
        "work_performed",
        "circumstances",
        "first_aid",
        "hazardous_facility",
    )
    category = SelectField(_l("Category"), validators=[required()])
    occurred_at = DateTimeField(
        _l("Occurred at (Bishkek time)"), validators=[required(), not_in_future]
    )
    reported_at = DateTimeField(
        _l("Employer learned of it at"),
        validators=[
            required(),
            not_in_future,
            not_before_field("occurred_at", _l("The report cannot come before the accident.")),
        ],
    )
    shift_started_at = DateTimeField(
        _l("Shift started at"),
        validators=[
            Optional(),
            not_in_future,
        ],
    )
    place = _text(_l("Place of the accident"), MEDIUM)
    structural_unit = _text(_l("Structural unit"), need=False)
    work_performed = _area(_l("Work being done"), 2000)
    circumstances = _area(_l("Circumstances"))
    first_aid = _area(_l("First aid given"), 2000, need=False)
    hazardous_facility = BooleanField(_l("An accident (авария) at a hazardous production facility"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = choices(Category)

    def validate_shift_started_at(self, field):
        occurred = self.occurred_at.data
        if field.data is not None and occurred is not None and field.data > occurred:
            raise ValidationError(_l("The shift must start before the accident."))


class VictimForm(_Base):
    FIELDS = (
        "full_name",
        "sex",
        "birth_date",
        "person_category",
        "occupation",
        "service_total_years",
        "service_employer_years",
        "induction_briefing_date",
        "workplace_briefing_type",
        "workplace_briefing_date",
        "internship",
        "training_date",
        "knowledge_test_date",
        "knowledge_test_protocol",
        "injury_nature",
        "body_part",
        "medical_severity",
        "intoxication",
        "intoxication_degree",
    )
    full_name = _text(_l("Full name"))
    sex = SelectField(_l("Sex"), validators=[required()])
    birth_date = DateField(_l("Date of birth"), validators=[required(), not_in_future])
    person_category = SelectField(_l("Category of person (Law art. 2)"), validators=[required()])
    occupation = _text(_l("Occupation"))
    service_total_years = DecimalField(
        _l("Length of service in this work, years"), validators=[Optional(), number_range(0, 70)]
    )
    service_employer_years = DecimalField(
        _l("Length of service with this employer, years"),
        validators=[Optional(), number_range(0, 70)],
    )
    induction_briefing_date = DateField(
        _l("Induction briefing"), validators=[Optional(), not_in_future]
    )
    workplace_briefing_type = SelectField(_l("Workplace briefing type"), validators=[Optional()])
    workplace_briefing_date = DateField(
        _l("Workplace briefing date"), validators=[Optional(), not_in_future]
    )
    internship = _text(_l("Internship"), 300, need=False)
    training_date = DateField(
        _l("Labour-protection training"), validators=[Optional(), not_in_future]
    )
    knowledge_test_date = DateField(_l("Knowledge test"), validators=[Optional(), not_in_future])
    knowledge_test_protocol = _text(_l("Knowledge test protocol No."), 60, need=False)
    injury_nature = _text(_l("Nature of the injury"), 300, need=False)
    body_part = _text(_l("Injured body part"), need=False)
    medical_severity = SelectField(_l("Medical severity"), validators=[Optional()])
    intoxication = SelectField(_l("Intoxication"), validators=[Optional()])
    intoxication_degree = _text(_l("Degree of intoxication"), 100, need=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sex.choices = choices(Sex)
        self.person_category.choices = code_choices("person_categories", with_code=False)
        self.workplace_briefing_type.choices = choices(BriefingType, blank=True)
        self.medical_severity.choices = choices(Severity, blank=True)
        self.intoxication.choices = choices(Intoxication)

    def validate_birth_date(self, field):
        from datetime import date

        if field.data is not None and not (
            date(1900, 1, 1) <= field.data and (date.today() - field.data).days >= 14 * 365
        ):
            raise ValidationError(_l("Check the date of birth: the person must be at least 14."))

    def to_dict(self) -> dict:
        data = super().to_dict()
        for key in ("workplace_briefing_type", "medical_severity"):
            data[key] = data[key] or None
        data["intoxication"] = data["intoxication"] or Intoxication.none.value
        return data


class WitnessForm(_Base):
    FIELDS = ("full_name", "position", "contact")
    full_name = _text(_l("Full name"))
    position = _text(_l("Position"), need=False)
    contact = _text(_l("Address or phone"), 300, need=False)


class MemberForm(_Base):
    FIELDS = (
        "full_name",
        "position",
        "organisation_name",
        "role",
        "represents",
        "responsible_for_site_safety",
    )
    full_name = _text(_l("Full name"))
    position = _text(_l("Position"))
    organisation_name = _text(_l("Organisation"), 300)
    role = SelectField(_l("Role in the commission"), validators=[required()])
    represents = SelectField(_l("Represents"), validators=[Optional()], default="employer")
    responsible_for_site_safety = BooleanField(
        _l("Directly responsible for safety at the accident site")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = choices(CommissionRole)
        self.represents.choices = choices(Represents)

    def to_dict(self) -> dict:
        data = super().to_dict()
        data["represents"] = data["represents"] or Represents.employer.value
        return data


class FindingsForm(_Base):
    FIELDS = (
        "event_type_code",
        "equipment",
        "workplace_assessment",
        "work_related",
        "work_related_ground",
    )
    event_type_code = SelectField(_l("Event type"), validators=[Optional()])
    equipment = _area(_l("Place and equipment (act section 7)"), 3000, need=False)
    workplace_assessment = _text(_l("Workplace assessment of conditions"), 300, need=False)
    work_related = SelectField(_l("Work-related"), validators=[Optional()])
    work_related_ground = _area(_l("Ground of the conclusion"), 3000, need=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.event_type_code.choices = code_choices("event_types", blank=True)
        self.work_related.choices = [("", "—"), ("yes", _l("Yes")), ("no", _l("No"))]

    def to_dict(self) -> dict:
        data = super().to_dict()
        data["event_type_code"] = data["event_type_code"] or None
        data["work_related"] = {"yes": True, "no": False}.get(data["work_related"])
        return data


class CauseForm(_Base):
    FIELDS = ("code", "is_main", "description", "violated_norm")
    code = SelectField(_l("Cause code"), validators=[required()])
    is_main = BooleanField(_l("Main cause"))
    description = _area(_l("Description"), 3000)
    violated_norm = _text(_l("Violated norm"), MEDIUM, need=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.code.choices = code_choices("causes")


class ResponsibleForm(_Base):
    FIELDS = ("full_name", "position", "violated_norms")
    full_name = _text(_l("Full name"))
    position = _text(_l("Position"))
    violated_norms = _area(_l("Violated norms"), 3000)


class MeasureForm(_Base):
    FIELDS = ("action", "due_date", "owner")
    action = _area(_l("Measure"), 2000)
    due_date = DateField(_l("Due date"), validators=[required()])
    owner = _text(_l("Responsible for the measure"))


class OutcomeForm(_Base):
    FIELDS = ("outcome", "days_lost")
    outcome = SelectField(_l("Outcome"), validators=[required()])
    days_lost = IntegerField(
        _l("Days of incapacity"), validators=[Optional(), number_range(0, 3650)]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome.choices = choices(Outcome)


class DeliveryForm(_Base):
    """The record of sending one notice."""

    FIELDS = ("method", "recipient", "sent_at", "acknowledged_at")
    method = SelectField(_l("How it was sent"), validators=[required()])
    recipient = _text(_l("Sent to (name, office, address or number)"), 300)
    sent_at = DateTimeField(_l("Sent at"), validators=[required(), not_in_future])
    acknowledged_at = DateTimeField(
        _l("Receipt acknowledged at"), validators=[Optional(), not_in_future]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.method.choices = choices(NoticeMethod)


class TransitionForm(FlaskForm):
    version = HiddenField()
    comment = TextAreaField(_l("Comment or reason"), validators=[Optional(), length(2000)])
    days = IntegerField(_l("Extra days"), validators=[Optional(), number_range(1, 15)])
    order_number = StringField(_l("Order number"), validators=[Optional(), length(40)])


from .disease import DISEASE_FORMS  # noqa: E402 - it builds on _Base above

FORMS = {
    "victims": VictimForm,
    "witnesses": WitnessForm,
    "commission": MemberForm,
    "causes": CauseForm,
    "responsible": ResponsibleForm,
    "measures": MeasureForm,
    # an occupational disease's rows
    **DISEASE_FORMS,
}
