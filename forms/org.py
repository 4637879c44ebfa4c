"""The employer's profile: what the notices and the insurer hand-off print."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import Optional, Regexp, ValidationError

from incidents.labels import code_choices
from incidents.labels import lang as current_lang
from incidents.rules import load as load_rules
from incidents.rules import pack_names

from .fields import DateField, IntegerField, SelectField, StringField
from .validators import length, not_blank, number_range, required


class OrganisationForm(FlaskForm):
    FIELDS = (
        "name",
        "tax_id",
        "activity_code",
        "region",
        "address",
        "phone",
        "headcount",
        "rule_pack",
    )
    name = StringField(_l("Name"), validators=[required(), not_blank, length(300)])
    tax_id = StringField(
        _l("Tax ID (INN)"),
        validators=[Optional(), Regexp(r"^\d{14}$", message=_l("The tax ID has 14 digits."))],
    )
    activity_code = StringField(_l("Activity code"), validators=[Optional(), length(20)])
    region = SelectField(_l("Region"), validators=[Optional()])
    address = StringField(_l("Address"), validators=[Optional(), length(500)])
    phone = StringField(_l("Phone"), validators=[Optional(), length(50)])
    headcount = IntegerField(_l("Headcount"), validators=[Optional(), number_range(1, 1000000)])
    rule_pack = SelectField(_l("Jurisdiction rules"), validators=[required()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.region.choices = code_choices("regions", blank=True, with_code=False)
        lang = current_lang()
        self.rule_pack.choices = [
            (name, load_rules(name).title.get(lang) or name) for name in pack_names()
        ]

    def to_dict(self) -> dict:
        data = {name: self[name].data for name in self.FIELDS}
        for key, value in data.items():
            if isinstance(value, str):
                data[key] = value.strip() or None
        data["rule_pack"] = data["rule_pack"] or "kr"
        return data


class PolicyForm(FlaskForm):
    """An employer's liability policy (Law No. 194): insurer, number, validity."""

    FIELDS = ("insurer_id", "number", "valid_from", "valid_to")
    insurer_id = SelectField(_l("Insurer (Law No. 194)"), validators=[required()])
    number = StringField(
        _l("Insurance policy number"), validators=[required(), not_blank, length(60)]
    )
    valid_from = DateField(_l("Valid from"), validators=[required()])
    valid_to = DateField(_l("Valid to"), validators=[required()])

    def __init__(self, *args, insurers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.insurer_id.choices = [("", "—"), *((str(o.id), o.name) for o in insurers)]

    def validate_valid_to(self, field):
        if field.data and self.valid_from.data and field.data < self.valid_from.data:
            raise ValidationError(_l("The policy cannot end before it starts."))

    def to_dict(self) -> dict:
        return {
            "insurer_id": int(self.insurer_id.data),
            "number": self.number.data.strip(),
            "valid_from": self.valid_from.data,
            "valid_to": self.valid_to.data,
        }
