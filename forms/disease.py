"""Forms of an occupational-disease case: the registration of the preliminary diagnosis, the
description of the working conditions, the final diagnosis, the conclusion, and the rows of the
occupational route, the harmful factors and the medical examinations."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.validators import Optional, ValidationError

from incidents.labels import choices, code_choices
from incidents.models import DiseaseForm, ExamKind, Sex
from incidents.rules import icd10

from .case import VictimForm, _area, _Base, _text
from .fields import DateField, DateTimeField, DecimalField, IntegerField, SelectField, StringField
from .validators import length, not_before_field, not_blank, not_in_future, number_range, required

# the classes of working conditions by their harmfulness (2 acceptable, 3.1-3.4 harmful,
# 4 dangerous), as the sanitary body's description states them
CONDITION_CLASSES = ("2", "3.1", "3.2", "3.3", "3.4", "4")
FIRST_YEAR, LAST_YEAR = 1940, 2100


def _icd10_field(label):
    return StringField(
        label,
        validators=[required(), not_blank, length(8), _icd10_format],
        filters=[lambda v: icd10.normalize(v) if v else v],
        description=_l("For example H83.3 or J62.8: a Latin letter, two digits, a point."),
    )


def _icd10_format(form, field):
    if field.data and not icd10.valid(field.data):
        raise ValidationError(
            _l(
                "“%(code)s” is not an ICD-10 code: a Latin letter and two digits, then a "
                "point and one or two digits (for example H83.3).",
                code=field.data,
            )
        )


class DiseaseReportForm(_Base):
    """The notice of a preliminary diagnosis, as the employer registers it."""

    CASE_FIELDS = (
        "occurred_at",
        "reported_at",
        "place",
        "structural_unit",
        "work_performed",
        "circumstances",
    )
    DISEASE_FIELDS = ("form", "health_organisation", "preliminary_diagnosis", "preliminary_icd10")
    FIELDS = CASE_FIELDS + DISEASE_FIELDS
    form = SelectField(_l("Form of the disease"), validators=[required()])
    occurred_at = DateTimeField(
        _l("Preliminary diagnosis made at (Bishkek time)"),
        validators=[required(), not_in_future],
    )
    reported_at = DateTimeField(
        _l("Employer received the notice at"),
        validators=[
            required(),
            not_in_future,
            not_before_field(
                "occurred_at", _l("The notice cannot come before the diagnosis was made.")
            ),
        ],
    )
    health_organisation = _text(_l("Health organisation that made the diagnosis"), 300)
    preliminary_diagnosis = _text(_l("Preliminary diagnosis"), 500)
    preliminary_icd10 = _icd10_field(_l("ICD-10 code of the preliminary diagnosis"))
    place = _text(_l("Workplace"), 500)
    structural_unit = _text(_l("Structural unit"), need=False)
    work_performed = _area(_l("Work under harmful conditions"), 2000)
    circumstances = _area(_l("Circumstances and conditions of the onset"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.choices = choices(DiseaseForm)

    def case_dict(self) -> dict:
        return {k: v for k, v in self.to_dict().items() if k in self.CASE_FIELDS}

    def disease_dict(self) -> dict:
        data = {k: v for k, v in self.to_dict().items() if k in self.DISEASE_FIELDS}
        data["form"] = DiseaseForm(data["form"])
        return data


class PreliminaryForm(_Base):
    FIELDS = DiseaseReportForm.DISEASE_FIELDS
    form = DiseaseReportForm.form
    health_organisation = DiseaseReportForm.health_organisation
    preliminary_diagnosis = DiseaseReportForm.preliminary_diagnosis
    preliminary_icd10 = DiseaseReportForm.preliminary_icd10

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.choices = choices(DiseaseForm)

    def to_dict(self) -> dict:
        data = super().to_dict()
        data["form"] = DiseaseForm(data["form"])
        return data


class ConditionsForm(_Base):
    """The sanitary body's description of the working conditions."""

    FIELDS = (
        "sanitary_body",
        "described_on",
        "conditions_class",
        "harmful_service_years",
        "ppe",
        "conditions_summary",
    )
    sanitary_body = _text(_l("Sanitary body"), 300)
    described_on = DateField(_l("Date of the description"), validators=[required(), not_in_future])
    conditions_class = SelectField(_l("Class of working conditions"), validators=[required()])
    harmful_service_years = DecimalField(
        _l("Years of work under the harmful factors"),
        places=1,
        validators=[Optional(), number_range(0, 70)],
    )
    ppe = _area(_l("Personal protective equipment used"), 2000, need=False)
    conditions_summary = _area(_l("Summary of the working conditions"), need=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conditions_class.choices = [("", "—"), *((c, c) for c in CONDITION_CLASSES)]


class DiagnosisForm(_Base):
    """The final diagnosis of the occupational-pathology centre."""

    FIELDS = ("pathology_centre", "final_diagnosis", "final_icd10", "final_on")
    pathology_centre = _text(_l("Occupational-pathology centre"), 300)
    final_diagnosis = _text(_l("Final diagnosis"), 500)
    final_icd10 = _icd10_field(_l("ICD-10 code of the final diagnosis"))
    final_on = DateField(_l("Date of the final diagnosis"), validators=[required(), not_in_future])

    def __init__(self, *args, preliminary_on=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.preliminary_on = preliminary_on

    def validate_final_on(self, field):
        if field.data and self.preliminary_on and field.data < self.preliminary_on:
            raise ValidationError(_l("The final diagnosis cannot come before the preliminary one."))


class ConclusionForm(_Base):
    """The commission's conclusion: connection to work and causes (the persons who violated
    norms and the prevention measures are the case's own rows)."""

    FIELDS = ("connected_to_work", "conclusion_causes")
    connected_to_work = SelectField(
        _l("The disease is connected to the work"), validators=[required()]
    )
    conclusion_causes = _area(_l("Causes of the disease"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.connected_to_work.choices = [("", "—"), ("yes", _l("Yes")), ("no", _l("No"))]

    def to_dict(self) -> dict:
        data = super().to_dict()
        data["connected_to_work"] = {"yes": True, "no": False}.get(data["connected_to_work"])
        return data


class ExposureForm(_Base):
    """One stretch of the occupational route."""

    FIELDS = ("employer_name", "job_title", "year_from", "year_to", "harmful_factors")
    employer_name = _text(_l("Employer"), 300)
    job_title = _text(_l("Occupation or position"))
    year_from = IntegerField(
        _l("From (year)"), validators=[required(), number_range(FIRST_YEAR, LAST_YEAR)]
    )
    year_to = IntegerField(
        _l("To (year; empty: to this day)"),
        validators=[Optional(), number_range(FIRST_YEAR, LAST_YEAR)],
    )
    harmful_factors = _text(_l("Harmful factors"), 500, need=False)

    def validate_year_to(self, field):
        if field.data is not None and self.year_from.data and field.data < self.year_from.data:
            raise ValidationError(_l("The end year cannot come before the start year."))


class FactorForm(_Base):
    """A harmful factor measured at the workplace against its limit."""

    FIELDS = ("name", "measured", "limit", "unit", "exposure_hours")
    name = _text(_l("Harmful factor"))
    measured = DecimalField(
        _l("Measured value"), places=3, validators=[required(), number_range(0, 10**8)]
    )
    limit = DecimalField(
        _l("Limit value"), places=3, validators=[required(), number_range(0.001, 10**8)]
    )
    unit = _text(_l("Unit"), 40)
    exposure_hours = DecimalField(
        _l("Exposure, hours per shift"), places=1, validators=[Optional(), number_range(0, 24)]
    )


class ExamForm(_Base):
    """A medical examination of the worker."""

    FIELDS = ("kind", "examined_on", "organisation", "result")
    kind = SelectField(_l("Examination"), validators=[required()])
    examined_on = DateField(_l("Date"), validators=[required(), not_in_future])
    organisation = _text(_l("Health organisation"), 300)
    result = _area(_l("Result"), 3000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = choices(ExamKind)


class WorkerForm(VictimForm):
    """The worker of a disease case: the victim without the injury and briefing fields."""

    FIELDS = (
        "full_name",
        "sex",
        "birth_date",
        "person_category",
        "occupation",
        "service_total_years",
        "service_employer_years",
    )
    induction_briefing_date = workplace_briefing_type = workplace_briefing_date = None
    internship = training_date = knowledge_test_date = knowledge_test_protocol = None
    injury_nature = body_part = medical_severity = intoxication = intoxication_degree = None

    def __init__(self, *args, **kwargs):
        super(VictimForm, self).__init__(*args, **kwargs)  # not the victim's choices set-up
        self.sex.choices = choices(Sex)
        self.person_category.choices = code_choices("person_categories", with_code=False)

    def to_dict(self) -> dict:
        return _Base.to_dict(self)


# the disease's own child rows, edited like the accident's (forms.case.FORMS)
DISEASE_FORMS = {"exposures": ExposureForm, "factors": FactorForm, "exams": ExamForm}
# the forms a disease case edits its shared rows with
DISEASE_OVERRIDES = {"victims": WorkerForm}
# the sections of the disease file, each a form of fields on case.disease
SECTIONS = {
    "preliminary": PreliminaryForm,
    "conditions": ConditionsForm,
    "diagnosis": DiagnosisForm,
    "conclusion": ConclusionForm,
}
