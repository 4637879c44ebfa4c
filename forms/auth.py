"""Login."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField

from .validators import length, required


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[required(), length(254)])
    password = PasswordField(_l("Password"), validators=[required(), length(200)])
