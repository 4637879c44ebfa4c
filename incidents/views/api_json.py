"""JSON in and out for the API: case representations; JSON bodies turned into the form data the
WTForms forms validate (one validation path for the UI and the API); request parsing errors."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import cache

from flask import request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField
from wtforms.fields import DateTimeLocalField
from wtforms.fields.core import UnboundField

import workflows
from forms.case import FORMS, CaseForm, FindingsForm

from .. import labels, permissions
from ..jsonvalues import iso, plain
from ..models import Case, GeneratedDocument, User
from ..models.timeutil import LOCAL_TZ, to_local
from ..openapi import MAX_ID
from ..openapi_forms import form_schema
from ..services import deadlines as deadline_service
from ..services.disease import SECTION_FIELDS

# -- out ------------------------------------------------------------------------------------


def row(obj, names) -> dict:
    return {"id": obj.id, **{name: plain(getattr(obj, name)) for name in names}}


# What the API returns: the fields the forms accept, plus what the system itself records.
CASE_FIELDS = tuple(f for f in CaseForm.FIELDS if f != "category")
FINDINGS_FIELDS = FindingsForm.FIELDS
CLOCK_FIELDS = (
    "notified_at",
    "commission_formed_at",
    "commission_order_number",
    "investigation_started_at",
    "investigation_ended_at",
    "act_approved_at",
    "insurer_notified_at",
    "closed_at",
    "extension_days",
    "extension_reason",
    "suspended_at",
    "paused_seconds",
    "cancel_reason",
    "created_at",
    "updated_at",
)
_RECORDED = {
    "victims": ("outcome", "days_lost"),
    "commission": ("user_id",),
    "measures": ("done_at",),
}
CHILD_FIELDS = {part: form.FIELDS + _RECORDED.get(part, ()) for part, form in FORMS.items()}
VICTIM_FIELDS = CHILD_FIELDS["victims"]
DISEASE_FIELDS = (
    *(name for names in SECTION_FIELDS.values() for name in names),
    "preliminary_at",
    "conditions_described_at",
    "diagnosis_confirmed_at",
)


def case_summary(case: Case, rules, now: datetime, overdue: bool | None = None) -> dict:
    """`overdue` as a list already knows it (the stored clock); computed when not given."""
    return {
        "id": case.id,
        "number": case.number,
        "status": case.status.value,
        "status_label": labels.label(case.status),
        "kind": case.kind.value,
        "category": case.category.value if case.category else None,
        "version": case.version,
        "occurred_at": iso(case.occurred_at),
        "reported_at": iso(case.reported_at),
        "place": case.place,
        "victims": [v.full_name for v in case.victims],
        "overdue": deadline_service.is_overdue(case, rules, now) if overdue is None else overdue,
        "url": url_for("api.get_case", case_id=case.id, _external=True),
    }


def deadline(d, lang: str) -> dict:
    rule = d.rule
    return {
        "key": d.key,
        "title": rule.title.get(lang) or rule.title["ru"],
        "basis": rule.basis.get(lang) or rule.basis["ru"],
        "verified": rule.verified,
        "started_at": iso(d.started_at),
        "due_at": iso(d.due_at),
        "met_at": iso(d.met_at),
        "state": d.state,
        "overdue": d.overdue,
    }


def document(doc: GeneratedDocument) -> dict:
    return {
        "id": doc.id,
        "kind": doc.kind,
        "language": doc.language,
        "version": doc.version,
        "victim_id": doc.victim_id,
        "addressee": doc.addressee,
        "filename": doc.filename,
        "sha256": doc.sha256,
        "size": doc.size,
        "current": doc.current,
        "frozen": doc.frozen,
        "created_at": iso(doc.created_at),
        "download_url": url_for("api.download_document", document_id=doc.id, _external=True),
    }


def triggers(case: Case, user: User) -> dict:
    """What the user may fire now, and what the guards still ask for."""
    allowed, blocked = [], {}
    flow = workflows.for_case(case)
    for trigger in flow.available(case):
        if not permissions.can_fire(user, case, trigger):
            continue
        reasons = flow.blockers(case, trigger)
        if reasons:
            blocked[trigger] = [str(r) for r in reasons]
        else:
            allowed.append(trigger)
    return {
        "allowed": allowed,
        "blocked": blocked,
        "reason_required": [t for t in [*allowed, *blocked] if t in flow.REASON_REQUIRED],
    }


def case_detail(case: Case, user: User, rules, now: datetime) -> dict:
    lang = labels.lang()
    out = case_summary(case, rules, now)
    del out["victims"]
    out.update(
        kind=case.kind.value,
        category_label=labels.label(case.category),
        organisation={"id": case.organisation_id, "name": case.organisation.name},
        **{name: plain(getattr(case, name)) for name in (*CASE_FIELDS, *CLOCK_FIELDS)},
        findings={name: plain(getattr(case, name)) for name in FINDINGS_FIELDS},
        **{
            part: [row(r, names) for r in getattr(case, part)]
            for part, names in CHILD_FIELDS.items()
        },
        deadlines=[deadline(d, lang) for d in deadline_service.compute(case, rules, now)],
        notices=[
            {
                "id": n.id,
                "addressee": n.addressee,
                "title": labels.notice_title(n.addressee, case),
                "due_at": iso(n.due_at),
                "sent_at": iso(n.sent_at),
                "method": n.method.value if n.method else None,
                "recipient": n.recipient,
                "acknowledged_at": iso(n.acknowledged_at),
            }
            for n in case.notices
        ],
        escalated_at=iso(case.escalated_at),
        disease=row(case.disease, DISEASE_FIELDS) if case.disease is not None else None,
        triggers=triggers(case, user),
        documents=[document(d) for d in case.documents],
        history=[
            {
                "at": iso(t.at),
                "trigger": t.trigger,
                "from": t.from_state,
                "to": t.to_state,
                "actor_id": t.actor_id,
                "actor": t.actor.name if t.actor else None,
                "comment": t.comment,
            }
            for t in case.transitions
        ],
    )
    return out


# -- in -------------------------------------------------------------------------------------


def form_values(obj, names) -> dict:
    """The stored values of `obj` as a JSON body would carry them (datetimes as Bishkek
    wall-clock time, like the HTML form), so a PATCH can overlay only what it changes."""
    out = {}
    for name in names:
        value = getattr(obj, name)
        if isinstance(value, datetime):
            value = to_local(value).replace(tzinfo=None).isoformat(timespec="minutes")
        elif isinstance(value, datetime | date | Enum | Decimal):
            value = plain(value)
        out[name] = value
    return out


def _fields(form_class) -> dict:
    """Field name -> field class, read from the form class (version included)."""
    return {
        name: value.field_class
        for name in dir(form_class)
        if isinstance(value := getattr(form_class, name, None), UnboundField)
    }


def _local_datetime(text: str) -> str:
    """An ISO time with an offset (e.g. "...Z" as the API returns it) -> Bishkek wall-clock
    time; anything else is left for the form to judge."""
    try:
        parsed = datetime.fromisoformat(text)
        if parsed.tzinfo is None:
            return text
        return parsed.astimezone(LOCAL_TZ).replace(tzinfo=None).isoformat(timespec="seconds")
    except (ValueError, OverflowError):  # past year 1 or 9999 in Bishkek: the form refuses it
        return text


def storable(text: str) -> bool:
    """Text a database can keep: PostgreSQL refuses NUL characters, and a lone surrogate
    (valid in a JSON string) is no UTF-8 at all."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def text_problem(name: str, text: str) -> str | None:
    """What keeps `text` out of the database (see `storable`), said for the field `name`."""
    if "\x00" in text:
        return _("The field %(field)s must not contain the NUL control character.", field=name)
    if not storable(text):
        return _(
            "The field %(field)s contains a lone surrogate, which is not a character.",
            field=name,
        )
    return None


def value_problem(name: str, expected: str, value) -> str | None:
    """What is wrong with the JSON `value` of the field `name`, whose JSON type is `expected`
    ("boolean", "integer", "number" or "string", as the OpenAPI document gives it); None
    when the form may judge it. A boolean is JSON true or false only: WTForms would read any
    text, "no" and "0" too, as checked."""
    if value is None:
        return None
    if expected == "boolean":
        if isinstance(value, bool):
            return None
        return _("The field %(field)s must be true or false.", field=name)
    number = expected in ("integer", "number")
    if isinstance(value, list):
        if number:
            return _("The field %(field)s must be a number, not a list.", field=name)
        return _("The field %(field)s must be text, not a list.", field=name)
    if isinstance(value, dict):
        if number:
            return _("The field %(field)s must be a number, not an object.", field=name)
        return _("The field %(field)s must be text, not an object.", field=name)
    if isinstance(value, bool):
        if number:
            return _("The field %(field)s must be a number, not true or false.", field=name)
        return _("The field %(field)s must be text, not true or false.", field=name)
    if isinstance(value, str):
        return text_problem(name, value)
    return None


@cache
def _json_types(form_class) -> dict[str, str]:
    """Field name -> its JSON type in the OpenAPI document (the schema and the checks here
    come from one place, so a new boolean field is checked as one)."""
    out = {}
    for name, schema in form_schema(form_class)["properties"].items():
        types = schema.get("type", "string")
        types = [types] if isinstance(types, str) else types
        out[name] = next((t for t in types if t != "null"), "string")
    return out


def formdata(form_class, data: dict, prefix: str = "") -> tuple[MultiDict, dict]:
    """JSON object -> (MultiDict for `form_class`, errors of the values the form cannot take;
    `prefix` names a nested object's fields in the messages, e.g. "victim.")."""
    fields, types = _fields(form_class), _json_types(form_class)
    out, errors = MultiDict(), {}
    for key, value in data.items():
        if key not in fields:
            errors[key] = [_("The request could not be understood.")]
            continue
        problem = value_problem(prefix + key, types.get(key, "string"), value)
        if problem is not None:
            errors[key] = [problem]
            continue
        if value is None:
            continue
        field_class = fields[key]
        if isinstance(value, bool):  # only a boolean field gets here with true or false
            if issubclass(field_class, BooleanField):
                if value:
                    out[key] = "y"
                continue
            value = "yes" if value else "no"  # a yes/no choice (work_related)
        elif isinstance(value, str) and issubclass(field_class, DateTimeLocalField):
            value = _local_datetime(value.strip())
        out[key] = str(value)
    return out, errors


def nested(data: dict, name: str, errors: dict) -> dict:
    """The object `data[name]` (e.g. the victim of a new case), {} when it is left out; any
    other JSON value is an error of `name`."""
    value = data.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        errors[name] = [_("The field %(field)s must be an object.", field=name)]
        return {}
    return value


def version_of(data: dict, errors: dict) -> None:
    """`version`, when present, must be a whole number (the case version read earlier)."""
    value = data.get("version")
    if value is None:
        return
    if isinstance(value, bool) or not (
        isinstance(value, int)
        or (isinstance(value, str) and value.strip().isascii() and value.strip().isdigit())
    ):
        errors.setdefault("version", [_("Enter a number.")])


def form_errors(form, prefix: str = "") -> dict:
    return {
        f"{prefix}{name or '_form'}": [str(m) for m in messages]
        for name, messages in form.errors.items()
    }


# -- requests -------------------------------------------------------------------------------


class ApiError(Exception):
    def __init__(self, status: int, message, headers: dict | None = None, **extra):
        super().__init__(str(message))
        self.status, self.message, self.extra = status, message, extra
        self.headers = headers or {}


def body(optional: bool = False) -> dict:
    if optional and not request.get_data():
        return {}
    try:
        data = request.get_json(force=True, silent=True)
    except RecursionError:  # nested deeper than the JSON parser goes
        data = None
    if not isinstance(data, dict):
        raise ApiError(400, _("The request could not be understood."))
    return data


def validate(form_class, data: dict, prefix: str = ""):
    """The form validated against the JSON body; its errors keyed by field name."""
    posted, errors = formdata(form_class, data, prefix)
    version_of(data, errors)
    form = form_class(formdata=posted, meta={"csrf": False})
    if not form.validate():
        for name, messages in form_errors(form).items():
            # a value refused above reaches the form as missing: keep saying what was wrong
            errors.setdefault(name, messages)
    return form, {f"{prefix}{k}": v for k, v in errors.items()}


def check(errors: dict) -> None:
    if errors:
        raise ApiError(400, _("The request could not be understood."), fields=errors)


def valid(form_class, data: dict):
    form, errors = validate(form_class, data)
    check(errors)
    return form


def page_arg(name: str, default: int, maximum: int = MAX_ID) -> int:
    """A positive whole number from the query string; past `maximum` (an offset the database
    cannot count to) it is refused, not tried."""
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    if not (raw.isascii() and raw.isdigit()):
        raise ApiError(
            400, _("The request could not be understood."), fields={name: [_("Enter a number.")]}
        )
    if len(raw.lstrip("0")) > len(str(maximum)) or not 1 <= int(raw) <= maximum:
        raise ApiError(
            400,
            _("The request could not be understood."),
            fields={name: [_("Enter a value from %(lo)s to %(hi)s.", lo=1, hi=maximum)]},
        )
    return int(raw)


def choice_arg(name: str, enum_cls):
    raw = request.args.get(name) or None
    if raw is not None and raw not in enum_cls.__members__:
        raise ApiError(
            400,
            _("The request could not be understood."),
            fields={name: [_("Choose a value from the list.")]},
        )
    return enum_cls(raw) if raw else None
