"""The OpenAPI 3.1 description of the JSON API, generated from the code.

The paths come from the app's URL map (every rule of a blueprint, whichever module added it),
the summaries from the views' docstrings, the rest from what `@operation` attaches to each view:
the token scope it needs, its query parameters, its request body (a WTForms form class, the same
one the view validates with, or a JSON Schema) and its responses (named component schemas). The
API's authentication reads the same metadata, so the scope a view declares is the scope it
demands, and a view without `@operation` is refused to every token."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from werkzeug.http import HTTP_STATUS_CODES

from .auth import SCOPES
from .openapi_forms import form_schema

# The databases' INTEGER: an id past it names no row (the API answers 404 without asking).
MAX_ID = 2**31 - 1
_ATTR = "__openapi__"
_UNSET: Any = object()


# -- what a view declares -------------------------------------------------------------------


@dataclass(frozen=True)
class FormBody:
    """A request body validated by a WTForms form; `nested` forms are JSON objects inside it."""

    form_class: type
    partial: bool = False
    nested: Mapping[str, type] = field(default_factory=dict)


@dataclass(frozen=True)
class PerValue:
    """A body or response that depends on a path parameter: the path is documented once per
    key of `values`, with the key in place of the parameter."""

    param: str
    values: Mapping[str, Any]


@dataclass(frozen=True)
class File:
    media_type: str


@dataclass(frozen=True)
class Operation:
    scope: str | None
    public: bool
    body: Any
    body_required: bool
    query: Mapping[str, Mapping[str, Any]]
    path: Mapping[str, Any]
    responses: Mapping[int, Any]
    tags: tuple[str, ...]


def form(form_class: type, *, partial: bool = False, **nested: type) -> FormBody:
    """A JSON body checked by `form_class`: `partial` when every field may be left out (a PATCH
    that overlays the stored values); `nested` names objects inside it, e.g. victim=VictimForm."""
    return FormBody(form_class, partial, nested)


def per(param: str, values: Mapping[str, Any]) -> PerValue:
    """A body or response per value of the path parameter `param`, e.g. per("part", FORMS):
    the path is documented once per key, with the key in place of the parameter."""
    return PerValue(param, values)


def file(media_type: str) -> File:
    """A response that is a file download of this media type."""
    return File(media_type)


def operation(
    *,
    scope: str | None = _UNSET,
    public: bool = False,
    body: Any = None,
    body_required: bool = True,
    query: Mapping[str, Mapping[str, Any]] | None = None,
    path: Mapping[str, Any] | None = None,
    responses: Mapping[int, Any] | None = None,
    tags: tuple[str, ...] | list[str] = (),
) -> Callable:
    """Describe an API view; put it under the route decorator::

        @bp.put("/cases/<int:case_id>/findings")
        @openapi.operation(scope="cases:write", body=FindingsForm,
                           responses={200: "CaseDetail", 409: "Error"}, tags=["cases"])
        def put_findings(case_id): ...

    scope: the token scope the view needs (a key of incidents.auth.SCOPES); None: any valid
        token. Required unless `public`. The API refuses a token without it (403).
    public: no token at all (token creation, this document).
    body: the JSON request body: a WTForms form class (fields -> properties; InputRequired ->
        required; Length -> maxLength; NumberRange -> minimum/maximum; choices -> enum;
        DateField/DateTimeField -> format date/date-time), `form(...)` for a partial or nested
        one, a JSON Schema dict, a function returning one (called when the document is built,
        inside the app context), or `per(param, {value: any of these})`.
    body_required: False when the body may be left out.
    query: query parameters, name -> JSON Schema; "description" and "required" keys of that
        schema go to the parameter.
    path: path parameters, name -> a list of allowed values, a JSON Schema (the URL rule's
        converter gives the type; <int:...> is an integer id), or `per(name, values)` to
        document the path once per value.
    responses: status -> a component schema name ("CaseDetail", see
        incidents/views/api_schemas.py), an inline JSON Schema, `file(media_type)`, None for no
        body, or `per(param, {...})`. 400, 401, 403 and 404 with the Error schema are added where
        they can happen; list 409 yourself.
    tags: groups in the document.
    """
    if public and scope is not _UNSET:
        raise TypeError("a public operation takes no scope")
    if not public and scope is _UNSET:
        raise TypeError("name the operation's scope (or None for any token, or public=True)")
    if scope not in (None, _UNSET) and scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}; the scopes are {', '.join(SCOPES)}")
    spec = Operation(
        scope=None if public else scope,
        public=public,
        body=body,
        body_required=body_required,
        query=dict(query or {}),
        path=dict(path or {}),
        responses=dict(responses or {}),
        tags=tuple(tags),
    )

    def attach(view):
        setattr(view, _ATTR, spec)
        return view

    return attach


def spec_of(view) -> Operation | None:
    return getattr(view, _ATTR, None)


# -- the document ---------------------------------------------------------------------------

_RULE_ARG = re.compile(r"<(?:(?P<converter>\w+)(?:\((?P<args>[^)]*)\))?:)?(?P<name>\w+)>")


def document(
    blueprint: str, *, title: str, version: str, description: str, components: Mapping
) -> dict:
    """The OpenAPI 3.1 document of every URL rule of `blueprint` in the current app."""
    paths: dict[str, dict] = {}
    rules = [r for r in current_app.url_map.iter_rules() if r.endpoint.startswith(f"{blueprint}.")]
    for rule in sorted(rules, key=lambda r: r.rule):
        view = current_app.view_functions[rule.endpoint]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for path, op in _operations(rule, method.lower(), view):
                paths.setdefault(path, {})[method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version, "description": description},
        "paths": paths,
        "components": {
            "schemas": dict(components),
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "\n".join(f"- `{k}`: {v}" for k, v in SCOPES.items()),
                }
            },
        },
    }


def _operations(rule, method: str, view):
    spec = spec_of(view)
    template = _RULE_ARG.sub(lambda m: "{" + m["name"] + "}", rule.rule)
    summary, description = _docstring(view)
    base = rule.endpoint.partition(".")[2]
    if spec is None:  # undeclared: documented so it shows, refused by the API
        yield (
            template,
            {
                "operationId": base,
                "summary": summary,
                "x-endpoint": rule.endpoint,
                "responses": {"403": _response(403, "Error")},
            },
        )
        return
    varying = _varying(spec)
    for value in varying.values if varying else [None]:
        path = template
        if varying:
            path = template.replace("{" + varying.param + "}", value)
        op = {
            "operationId": f"{base}_{value}" if varying else base,
            "summary": f"{summary} ({value})" if varying else summary,
            "x-endpoint": rule.endpoint,
            "tags": list(spec.tags),
            "security": [] if spec.public else [{"bearer": [spec.scope] if spec.scope else []}],
        }
        if description:
            op["description"] = description
        parameters = [
            p for p in _path_parameters(rule, spec) if not varying or p["name"] != varying.param
        ]
        parameters += [_query_parameter(name, s) for name, s in spec.query.items()]
        if parameters:
            op["parameters"] = parameters
        body = _pick(spec.body, value)
        if body is not None:
            op["requestBody"] = {
                "required": spec.body_required,
                "content": {"application/json": {"schema": body_schema(body)}},
            }
        op["responses"] = _responses(spec, value, parameters, body is not None)
        yield path, op


def _varying(spec: Operation) -> PerValue | None:
    for item in (spec.body, *spec.responses.values(), *spec.path.values()):
        if isinstance(item, PerValue):
            return item
    return None


def _pick(item, value):
    return item.values[value] if isinstance(item, PerValue) else item


def _docstring(view) -> tuple[str, str]:
    doc = inspect.getdoc(view) or view.__name__.replace("_", " ").capitalize()
    first, _sep, rest = doc.partition("\n\n")
    return " ".join(first.split()), rest.strip()


def _path_parameters(rule, spec: Operation) -> list[dict]:
    out = []
    for match in _RULE_ARG.finditer(rule.rule):
        name, converter = match["name"], match["converter"] or "default"
        if converter == "int":
            schema = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
        elif converter == "float":
            schema = {"type": "number", "minimum": 0}
        elif converter == "uuid":
            schema = {"type": "string", "format": "uuid"}
        elif converter == "any":
            schema = {"enum": [a.strip(" '\"") for a in (match["args"] or "").split(",")]}
        else:
            schema = {"type": "string", "minLength": 1}
        declared = spec.path.get(name)
        if isinstance(declared, list | tuple):
            schema = {"type": "string", "enum": list(declared)}
        elif isinstance(declared, Mapping):
            schema = {**schema, **declared}
        out.append({"name": name, "in": "path", "required": True, "schema": schema})
    return out


def _query_parameter(name: str, schema: Mapping[str, Any]) -> dict:
    schema = dict(schema)
    param = {"name": name, "in": "query", "required": bool(schema.pop("required", False))}
    if "description" in schema:
        param["description"] = str(schema.pop("description"))
    param["schema"] = schema
    return param


def _responses(spec: Operation, value, parameters: list[dict], has_body: bool) -> dict:
    out = {}
    for status, item in spec.responses.items():
        out[str(status)] = _response(status, _pick(item, value))
    implied = []
    if has_body or any(p["in"] == "query" for p in parameters):
        implied.append(400)
    if not spec.public:
        implied += [401, 403]
    if any(p["in"] == "path" for p in parameters):
        implied.append(404)
    for status in implied:
        out.setdefault(str(status), _response(status, "Error"))
    return dict(sorted(out.items()))


def _response(status: int, item) -> dict:
    out: dict[str, Any] = {"description": HTTP_STATUS_CODES.get(status, str(status))}
    if isinstance(item, File):
        out["content"] = {item.media_type: {}}
    elif item is not None:
        schema = {"$ref": f"#/components/schemas/{item}"} if isinstance(item, str) else item
        out["content"] = {"application/json": {"schema": schema}}
    return out


def body_schema(body) -> dict:
    if isinstance(body, FormBody):
        return form_schema(body.form_class, partial=body.partial, **body.nested)
    if isinstance(body, type):
        return form_schema(body)
    if isinstance(body, Mapping):
        return dict(body)
    return body()
