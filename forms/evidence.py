"""A file of evidence: its kind, a description and the file; its type is checked from the
content by the service (incidents.services.evidence), not here."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms.validators import Optional

from incidents.services.evidence import KINDS

from .fields import SelectField, StringField
from .validators import length, required


class EvidenceForm(FlaskForm):
    kind = SelectField(_l("Kind of file"), validators=[required()])
    description = StringField(_l("Description"), validators=[Optional(), length(500)])
    file = FileField(_l("File"), validators=[FileRequired(message=_l("Choose a file."))])

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "evidence")  # its ids stay apart from the page's other forms
        super().__init__(*args, **kwargs)
        self.kind.choices = list(KINDS.items())

    def upload(self, limit: int) -> tuple[str, bytes]:
        """The name and bytes of the file, read to at most one byte over `limit` (enough to
        tell that it is too large)."""
        f = self.file.data
        return f.filename, f.read(limit + 1)
