"""What the API returns, as the JSON Schema components of its OpenAPI document.

Beside api_json.py, which builds the same objects, and read from the same field lists and model
columns, so the two change together; tests/test_openapi.py checks real responses against these
schemas. Add the components of new endpoints here and name them in `@openapi.operation`."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import workflows

from ..auth import SCOPES
from ..models import (
    Case,
    CaseNotice,
    CaseStatus,
    Category,
    Cause,
    CommissionMember,
    DiseaseFile,
    Exposure,
    GeneratedDocument,
    HarmfulFactor,
    Measure,
    MedicalExam,
    ResponsiblePerson,
    Victim,
    Witness,
)
from ..models.enums import CaseKind
from . import api_json as js

# the component of one row of each part of a case (GET /cases/{id}/{part}/{child_id})
PART_MODELS = {
    "victims": Victim,
    "witnesses": Witness,
    "commission": CommissionMember,
    "causes": Cause,
    "responsible": ResponsiblePerson,
    "measures": Measure,
    "exposures": Exposure,
    "factors": HarmfulFactor,
    "exams": MedicalExam,
}
PART_COMPONENTS = {part: model.__name__ for part, model in PART_MODELS.items()}

_PYTHON_TYPES = {
    str: {"type": "string"},
    int: {"type": "integer"},
    bool: {"type": "boolean"},
    float: {"type": "number"},
    Decimal: {"type": "number"},
    datetime: {"type": "string", "format": "date-time"},
    date: {"type": "string", "format": "date"},
}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _null(schema: dict) -> dict:
    out = dict(schema)
    out["type"] = [out["type"], "null"]
    if "enum" in out:
        out["enum"] = [*out["enum"], None]
    return out


def _enum(enum_cls) -> dict:
    return {"type": "string", "enum": [m.value for m in enum_cls]}


def column(model, name: str) -> dict:
    """A stored column as api_json renders it (enums by value, times as ISO 8601)."""
    col = model.__table__.columns[name]
    enum_cls = getattr(col.type, "enum_class", None)
    schema = _enum(enum_cls) if enum_cls else dict(_PYTHON_TYPES[col.type.python_type])
    return _null(schema) if col.nullable else schema


def _object(properties: dict, required=None) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else list(required),
    }


def _row(model, names) -> dict:
    return _object({"id": {"type": "integer"}, **{n: column(model, n) for n in names}})


_STRINGS = {"type": "array", "items": {"type": "string"}}
_URL = {"type": "string", "format": "uri"}

_SUMMARY = {
    "id": {"type": "integer"},
    "number": {"type": "string"},
    "status": _enum(CaseStatus),
    "status_label": {"type": "string"},
    "kind": _enum(CaseKind),
    # an accident's category; null for an occupational disease
    "category": {"type": ["string", "null"], "enum": [*(m.value for m in Category), None]},
    "version": {"type": "integer"},
    "occurred_at": column(Case, "occurred_at"),
    "reported_at": column(Case, "reported_at"),
    "place": column(Case, "place"),
    "victims": {**_STRINGS, "description": "The victims' full names."},
    "overdue": {"type": "boolean"},
    "url": _URL,
}


def _detail() -> dict:
    summary = {k: v for k, v in _SUMMARY.items() if k != "victims"}
    return _object(
        {
            **summary,
            "kind": _enum(CaseKind),
            "category_label": {"type": "string"},
            "organisation": _object({"id": {"type": "integer"}, "name": {"type": "string"}}),
            **{name: column(Case, name) for name in (*js.CASE_FIELDS, *js.CLOCK_FIELDS)},
            "findings": _object({name: column(Case, name) for name in js.FINDINGS_FIELDS}),
            **{
                part: {"type": "array", "items": _ref(component)}
                for part, component in PART_COMPONENTS.items()
            },
            "deadlines": {"type": "array", "items": _ref("Deadline")},
            "notices": {"type": "array", "items": _ref("Notice")},
            "escalated_at": column(Case, "escalated_at"),
            # an occupational disease's file; null for an accident
            "disease": {"anyOf": [{"type": "null"}, _row(DiseaseFile, js.DISEASE_FIELDS)]},
            "triggers": _ref("Triggers"),
            "documents": {"type": "array", "items": _ref("Document")},
            "history": {"type": "array", "items": _ref("HistoryEntry")},
        }
    )


def components() -> dict:
    time, maybe_time = column(Case, "reported_at"), column(Case, "closed_at")
    return {
        "Error": {
            "type": "object",
            "properties": {
                "error": {"type": "string", "description": "What went wrong, in words."},
                "fields": {
                    "type": "object",
                    "description": "Messages per field of the request (nested: victim.<name>).",
                    "additionalProperties": _STRINGS,
                },
                "reasons": {**_STRINGS, "description": "Why the workflow refused the step."},
                "scope": {
                    "type": "string",
                    "enum": list(SCOPES),
                    "description": "The scope this token lacks.",
                },
            },
            "required": ["error"],
        },
        "Token": _object(
            {
                "token": {"type": "string", "description": "Shown once; send it as Bearer."},
                "expires_at": time,
                "scopes": {"type": "array", "items": {"type": "string", "enum": list(SCOPES)}},
            }
        ),
        "CaseSummary": _object(_SUMMARY),
        "CaseList": _object(
            {
                "items": {"type": "array", "items": _ref("CaseSummary")},
                "per_page": {"type": "integer"},
                "next": {
                    "anyOf": [_URL, {"type": "null"}],
                    "description": "The following page; null on the last.",
                },
                # only when the request gave the deprecated `page`
                "page": {"type": "integer"},
                "total": {"type": "integer"},
                "pages": {"type": "integer"},
            },
            required=("items", "per_page", "next"),
        ),
        "CaseDetail": _detail(),
        "Deadline": _object(
            {
                "key": {"type": "string"},
                "title": {"type": "string"},
                "basis": {"type": "string"},
                "verified": {"type": "boolean"},
                "started_at": time,
                "due_at": time,
                "met_at": maybe_time,
                "state": {"type": "string"},
                "overdue": {"type": "boolean"},
            }
        ),
        "Notice": _object(
            {
                "id": {"type": "integer"},
                "title": {"type": "string"},
                **{
                    name: column(CaseNotice, name)
                    for name in (
                        "addressee",
                        "due_at",
                        "sent_at",
                        "method",
                        "recipient",
                        "acknowledged_at",
                    )
                },
            }
        ),
        "Triggers": _object(
            {
                "allowed": {"type": "array", "items": {"enum": list(workflows.all_triggers())}},
                "blocked": {
                    "type": "object",
                    "description": "Trigger -> what its guards still ask for.",
                    "additionalProperties": _STRINGS,
                },
                "reason_required": {
                    "type": "array",
                    "items": {"enum": list(workflows.all_triggers())},
                },
            }
        ),
        "HistoryEntry": _object(
            {
                "at": time,
                "trigger": {"type": "string"},
                "from": {"type": ["string", "null"]},
                "to": {"type": "string"},
                "actor_id": {"type": ["integer", "null"]},
                "actor": {"type": ["string", "null"]},
                "comment": {"type": ["string", "null"]},
            }
        ),
        "Document": _object(
            {
                **{
                    name: column(GeneratedDocument, name)
                    for name in (
                        "id",
                        "kind",
                        "language",
                        "version",
                        "victim_id",
                        "addressee",
                        "filename",
                        "sha256",
                        "size",
                    )
                },
                "current": {"type": "boolean"},
                "frozen": {"type": "boolean"},
                "created_at": time,
                "download_url": _URL,
            }
        ),
        "DocumentList": _object({"items": {"type": "array", "items": _ref("Document")}}),
        **{
            PART_COMPONENTS[part]: _row(model, js.CHILD_FIELDS[part])
            for part, model in PART_MODELS.items()
        },
    }
