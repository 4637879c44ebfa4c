"""Placing and lifting a legal hold on a case."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import Optional

from incidents.labels import choices
from incidents.models import HoldKind

from .fields import SelectField, StringField, TextAreaField
from .validators import length, not_blank, required


class HoldForm(FlaskForm):
    kind = SelectField(_l("Legal ground"), validators=[required()])
    reference = StringField(
        _l("Reference (case number, court or authority)"),
        validators=[required(), not_blank, length(200)],
    )
    reason = TextAreaField(_l("Note"), validators=[Optional(), length(3000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = choices(HoldKind)

    def to_dict(self) -> dict:
        return {name: self[name].data for name in ("kind", "reference", "reason")}


class LiftHoldForm(FlaskForm):
    lift_reason = TextAreaField(
        _l("Why the hold ends (e.g. the court's decision has entered into force)"),
        validators=[required(), not_blank, length(3000)],
    )
