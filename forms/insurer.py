"""The insurer's answer to a package, and the insurer's delivery channels."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, URLField
from wtforms.validators import Email, Optional, ValidationError

from incidents import netguard
from incidents.labels import choices
from incidents.models import AnswerKind

from .fields import SelectField, TextAreaField
from .validators import length, required

REASON_MAX = 2000


class AnswerForm(FlaskForm):
    answer = SelectField(_l("Your answer"), validators=[required()])
    reason = TextAreaField(
        _l("Reason (required to reject)"), validators=[Optional(), length(REASON_MAX)]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.answer.choices = choices(AnswerKind)

    def validate_reason(self, field):
        if self.answer.data == AnswerKind.rejected.value and not (field.data or "").strip():
            raise ValidationError(_l("Say why you reject the documents."))


class ChannelsForm(FlaskForm):
    FIELDS = ("notice_email", "webhook_url")
    notice_email = EmailField(
        _l("Mailbox for new packages"),
        validators=[
            Optional(),
            Email(message=_l("Enter a valid e-mail address."), check_deliverability=False),
            length(254),
        ],
    )
    webhook_url = URLField(_l("Webhook address (https)"), validators=[Optional(), length(500)])

    def validate_webhook_url(self, field):
        value = (field.data or "").strip()
        if value and not value.lower().startswith(("https://", "http://")):
            raise ValidationError(
                _l("The address must start with https:// (http:// only inside your own network).")
            )
        try:
            netguard.check_literal(value) if value else None
        except netguard.Invalid as exc:
            raise ValidationError(_l("Enter a valid web address.")) from exc
        except netguard.Refused as exc:
            raise ValidationError(
                _l("This address is inside the service's own network and cannot receive packages.")
            ) from exc

    def to_dict(self) -> dict:
        return {name: (self[name].data or "").strip() or None for name in self.FIELDS}
