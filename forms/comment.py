"""A comment on a case."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from incidents.services.comments import BODY_MAX

from .fields import TextAreaField
from .validators import length, not_blank, required


class CommentForm(FlaskForm):
    body = TextAreaField(
        _l("Your comment"),
        validators=[required(), not_blank, length(BODY_MAX)],
    )
