"""The API's insurer routes: the packages sent to the token's insurer, their files (check each
against the manifest), and the insurer's answer; and the published JSON Schema of package.json
(on the api blueprint of api.py, which authenticates every request and checks the scopes)."""

from __future__ import annotations

from flask import abort, current_app, g, jsonify, request
from flask_babel import gettext as _

from .. import openapi, permissions
from ..extensions import db
from ..models import AnswerKind, InsurerPackage, PackageStatus, Role
from ..services import deliveries, package_data
from ..services import packages as package_service
from . import api_json as js
from .api import bp
from .insurer import send_package_file

READ, ACK = "packages:read", "packages:ack"
MAX_PER_PAGE = 100

_FILE = {
    "type": "object",
    "required": ["name", "role", "media_type", "sha256", "size", "url"],
    "properties": {
        "name": {"type": "string"},
        "role": {"enum": ["document", "pdf", "attachment", "data", "manifest"]},
        "media_type": {"type": "string"},
        "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "size": {"type": "integer", "minimum": 0},
        "url": {"type": "string"},
    },
}
_NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
PACKAGE_SCHEMA = {
    "type": "object",
    "required": ["uid", "case_id", "case_number", "version", "status", "files", "answer"],
    "properties": {
        "uid": {"type": "string", "format": "uuid"},
        "case_id": {"type": "integer"},
        "case_number": {"type": "string"},
        "employer": {"type": "string"},
        "policy_number": {"type": "string"},
        "version": {"type": "integer"},
        "status": {"enum": [s.value for s in PackageStatus]},
        "created_at": {"type": "string", "format": "date-time"},
        "ready_at": _NULLABLE_TIME,
        "superseded_at": _NULLABLE_TIME,
        "pdf_note": {"type": ["string", "null"]},
        "manifest_sha256": {"type": ["string", "null"]},
        "files": {"type": "array", "items": _FILE},
        "answer": {
            "type": ["object", "null"],
            "properties": {
                "answer": {"enum": [a.value for a in AnswerKind]},
                "reason": {"type": ["string", "null"]},
                "answered_at": {"type": "string", "format": "date-time"},
            },
        },
    },
}
_PAGE = {
    "type": "object",
    "required": ["items", "page", "per_page", "total", "pages"],
    "properties": {
        "items": {"type": "array", "items": PACKAGE_SCHEMA},
        "page": {"type": "integer"},
        "per_page": {"type": "integer"},
        "total": {"type": "integer"},
        "pages": {"type": "integer"},
    },
}
_ANSWER_BODY = {
    "type": "object",
    "required": ["answer"],
    "properties": {
        "answer": {"enum": [a.value for a in AnswerKind]},
        "reason": {"type": "string", "maxLength": 2000, "description": "required to reject"},
    },
}
_UID = {"type": "string", "format": "uuid"}


def _package_json(package: InsurerPackage) -> dict:
    answer = None
    if package.answer is not None:
        answer = {
            "answer": package.answer.value,
            "reason": package.answer_reason,
            "answered_at": js.iso(package.answered_at),
        }
    return {
        "uid": package.uid,
        "case_id": package.case_id,
        "case_number": package.case.number,
        "employer": package.case.organisation.name,
        "policy_number": package.policy.number,
        "version": package.version,
        "status": package.status.value,
        "created_at": js.iso(package.created_at),
        "ready_at": js.iso(package.ready_at),
        "superseded_at": js.iso(package.superseded_at),
        "pdf_note": package.pdf_note,
        "manifest_sha256": package.manifest_sha256,
        "files": [
            {
                "name": f.name,
                "role": f.role,
                "media_type": f.media_type,
                "sha256": f.sha256,
                "size": f.size,
                "url": deliveries.file_url(package, f.name),
            }
            for f in package.files
        ],
        "answer": answer,
    }


def _load(uid: str) -> InsurerPackage:
    package = db.session.scalar(db.select(InsurerPackage).where(InsurerPackage.uid == uid))
    if package is None or not permissions.can_view_package(g.api_user, package):
        abort(404)  # another insurer's package does not exist for this token
    return package


@bp.get("/packages")
@openapi.operation(
    scope=READ,
    query={
        "state": {
            "enum": ["open", "answered", "all"],
            "description": "open: ready or being prepared, not answered, not replaced",
        },
        "page": {"type": "integer", "minimum": 1, "maximum": openapi.MAX_ID},
        "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
    },
    responses={200: _PAGE},
    tags=["packages"],
)
def list_packages():
    """The packages sent to the token's insurer, newest first."""
    user = g.api_user
    if user.role != Role.insurer or user.organisation_id is None:
        abort(403)
    query = db.select(InsurerPackage).where(InsurerPackage.insurer_id == user.organisation_id)
    state = request.args.get("state", "all")
    if state not in ("open", "answered", "all"):
        raise js.ApiError(
            400, _("Not a valid choice."), fields={"state": [_("Not a valid choice.")]}
        )
    if state == "open":
        query = query.where(InsurerPackage.answer.is_(None), InsurerPackage.superseded_at.is_(None))
    elif state == "answered":
        query = query.where(InsurerPackage.answer.is_not(None))
    page = js.page_arg("page", 1)
    per_page = min(js.page_arg("per_page", current_app.config["CASES_PER_PAGE"]), MAX_PER_PAGE)
    result = db.paginate(
        query.order_by(InsurerPackage.created_at.desc(), InsurerPackage.id.desc()),
        page=page,
        per_page=per_page,
        error_out=False,
    )
    return jsonify(
        items=[_package_json(p) for p in result.items],
        page=page,
        per_page=per_page,
        total=result.total,
        pages=max(1, -(-result.total // per_page)),
    )


@bp.get("/packages/<uid>")
@openapi.operation(
    scope=READ, path={"uid": _UID}, responses={200: PACKAGE_SCHEMA}, tags=["packages"]
)
def get_package(uid: str):
    """One package: its status, its files with their SHA-256, and the insurer's answer."""
    return jsonify(_package_json(_load(uid)))


@bp.get("/packages/<uid>/files/<path:name>")
@openapi.operation(
    scope=READ,
    path={"uid": _UID, "name": {"type": "string"}},
    responses={200: openapi.file("application/octet-stream")},
    tags=["packages"],
)
def package_file(uid: str, name: str):
    """One file of the package, byte for byte what the manifest hashes (ETag: its SHA-256)."""
    return send_package_file(_load(uid), name)


@bp.post("/packages/<uid>/acknowledgement")
@openapi.operation(
    scope=ACK,
    path={"uid": _UID},
    body=_ANSWER_BODY,
    responses={200: PACKAGE_SCHEMA, 409: "Error"},
    tags=["packages"],
)
def acknowledge(uid: str):
    """The insurer's answer, once: acknowledged, or rejected with a reason. The employer is
    told and the answer appears on the case timeline. Of answers sent at the same moment
    exactly one is recorded; the others get 409."""
    package = _load(uid)
    if not permissions.can_answer_package(g.api_user, package):
        abort(403)
    data = js.body()
    answer = data.get("answer")
    if not isinstance(answer, str) or answer not in {a.value for a in AnswerKind}:
        js.check({"answer": [_("Not a valid choice.")]})
    reason = data.get("reason")
    if (problem := js.value_problem("reason", "string", reason)) is not None:
        js.check({"reason": [problem]})
    if reason is not None and not isinstance(reason, str):  # a number
        js.check({"reason": [_("Enter text.")]})
    if reason and len(reason) > 2000:
        js.check({"reason": [_("Keep it to at most %(max)d characters.", max=2000)]})
    package_service.answer(package, g.api_user, AnswerKind(answer), reason)
    db.session.commit()
    return jsonify(_package_json(package))


@bp.get("/schemas/insurer-package-v1.json")
@openapi.operation(public=True, responses={200: {"type": "object"}}, tags=["packages"])
def package_schema():
    """The JSON Schema (draft 2020-12) of every package's package.json."""
    return jsonify(package_data.schema())
