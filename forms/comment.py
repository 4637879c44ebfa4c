"""A comment on a case."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from incidents.labels import choices
from incidents.models import CommentVisibility
from incidents.services.comments import BODY_MAX

from .fields import SelectField, TextAreaField
from .validators import length, not_blank, required


class CommentForm(FlaskForm):
    body = TextAreaField(
        _l("Your comment"),
        validators=[required(), not_blank, length(BODY_MAX)],
    )
    visibility = SelectField(_l("Who reads it"))

    def __init__(self, *args, allowed=tuple(CommentVisibility), **kwargs):
        """`allowed`: the visibilities the author may choose, their default first."""
        super().__init__(*args, **kwargs)
        self.visibility.choices = [c for c in choices(CommentVisibility) if c[0] in allowed]
        if self.visibility.data in (None, "", "None"):
            self.visibility.data = allowed[0].value
