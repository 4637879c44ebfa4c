"""A parallel track: the technical investigation at a hazardous facility, a criminal referral."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileSize
from wtforms.validators import Optional

from incidents.labels import choices
from incidents.models import TrackKind

from .fields import DateTimeField, SelectField, StringField, TextAreaField
from .validators import length, not_blank, not_in_future, required

MAX_FILE = 15 * 1024 * 1024


class TrackForm(FlaskForm):
    FIELDS = ("kind", "authority", "reference", "opened_at", "due_at", "note")
    kind = SelectField(_l("Track"), validators=[required()])
    authority = StringField(_l("Authority"), validators=[required(), not_blank, length(300)])
    reference = StringField(_l("Reference number"), validators=[Optional(), length(100)])
    opened_at = DateTimeField(_l("Opened at"), validators=[required(), not_in_future])
    due_at = DateTimeField(_l("Due by"), validators=[Optional()])
    note = TextAreaField(_l("Note"), validators=[Optional(), length(3000)])
    file = FileField(
        _l("Its act (PDF or DOCX)"),
        validators=[FileSize(MAX_FILE, message=_l("The file is larger than 15 MB."))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = choices(TrackKind)

    def to_dict(self) -> dict:
        return {name: self[name].data or None for name in self.FIELDS}

    def upload(self):
        f = self.file.data
        if not f or not getattr(f, "filename", None):
            return None
        return f.filename, f.read()
