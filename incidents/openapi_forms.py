"""WTForms forms as JSON Schema, for the request bodies of the OpenAPI document: the object a
form validates once api_json.formdata has turned the JSON body into form data."""

from __future__ import annotations

from typing import Any

from wtforms import fields as wtf
from wtforms.fields.core import UnboundField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange


def form_schema(form_class: type, *, partial: bool = False, **nested: type) -> dict:
    """The JSON Schema of the object `form_class` validates (through api_json.formdata)."""
    bound = _bound(form_class)
    properties, required = {}, []
    unbound = [
        (name, value)
        for name in dir(form_class)
        if isinstance(value := getattr(form_class, name, None), UnboundField)
    ]
    for name, value in sorted(unbound, key=lambda item: item[1].creation_counter):
        schema, needed = _field_schema(name, value, getattr(bound, name, None))
        properties[name] = schema
        if needed and not partial:
            required.append(name)
    for name, inner in nested.items():
        properties[name] = form_schema(inner, partial=partial)
        if not partial:
            required.append(name)
    out = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        out["required"] = required
    return out


def _bound(form_class):
    """An instance, for the choices a form sets up in __init__ (enums, rule-pack code lists);
    None when the form needs more than that to be built."""
    try:
        return form_class(formdata=None, meta={"csrf": False})
    except Exception:  # a form that needs a case or a user: no enums, then
        return None


def _field_schema(name: str, unbound: UnboundField, bound) -> tuple[dict, bool]:
    cls = unbound.field_class
    validators = unbound.kwargs.get("validators") or (
        unbound.args[1] if len(unbound.args) > 1 else ()
    )
    label = unbound.kwargs.get("label") or (unbound.args[0] if unbound.args else None)
    required = any(isinstance(v, InputRequired | DataRequired) for v in validators)
    schema: dict[str, Any]
    if name == "version" and issubclass(cls, wtf.HiddenField):
        schema = {
            "type": "integer",
            "minimum": 0,
            "description": "The case version you read; a stale one is refused with 409.",
        }
    elif issubclass(cls, wtf.BooleanField):
        schema = {"type": "boolean"}
    elif issubclass(cls, wtf.IntegerField):
        schema = {"type": "integer"}
    elif issubclass(cls, wtf.DecimalField | wtf.FloatField):
        schema = {"type": "number"}
    elif issubclass(cls, wtf.DateField):
        schema = {"type": "string", "format": "date"}
    elif issubclass(cls, wtf.DateTimeField):
        schema = {
            "type": "string",
            "format": "date-time",
            "description": "With an offset, or as Bishkek wall-clock time (YYYY-MM-DDTHH:MM).",
        }
    elif issubclass(cls, wtf.SelectFieldBase):
        schema = _choice_schema(bound)
    else:
        schema = {"type": "string"}
    for v in validators:
        if isinstance(v, Length) and schema.get("type") == "string":
            if v.max is not None and v.max >= 0:
                schema["maxLength"] = v.max
            if v.min is not None and v.min > 0:
                schema["minLength"] = v.min
        elif isinstance(v, NumberRange):
            if v.min is not None:
                schema["minimum"] = v.min
            if v.max is not None:
                schema["maximum"] = v.max
    if required and schema.get("type") == "string" and not {"enum", "format"} & set(schema):
        schema.setdefault("minLength", 1)
    if label is not None:
        schema["title"] = str(label)
    return (schema if required else _nullable(schema)), required


def _choice_schema(bound) -> dict:
    values = [str(v) for v, _label in (bound.choices or [])] if bound is not None else []
    values = [v for v in values if v]
    if values and set(values) <= {"yes", "no"}:
        return {"type": "boolean"}  # a yes/no choice takes JSON true/false
    if values:
        return {"type": "string", "enum": values}
    return {"type": "string"}


def _nullable(schema: dict) -> dict:
    """Optional fields take null (as if left out)."""
    out = dict(schema)
    if "type" in out:
        out["type"] = [out["type"], "null"]
    if "enum" in out:
        out["enum"] = [*out["enum"], None]
    return out
