"""JSON API v1 (token authentication), mirroring the case screens for integrations: the
blueprint, its authentication and scopes, its errors, the tokens and the OpenAPI document. The
case routes are in api_cases.py; every module adding routes here is imported in register_views.

Every request but token creation and the document carries ``Authorization: Bearer <token>``;
session cookies are never consulted. Each view declares with `@openapi.operation` the token scope
it needs, and a token without it is refused before the view runs. Input goes through the same
WTForms forms as the HTML screens, writes through the same services, and access through
incidents.permissions. One transaction per request: the view commits once at the end of a
successful write and rolls back on any error."""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request
from flask_babel import gettext as _

from .. import audit, openapi
from ..auth import (
    SCOPES,
    find_user,
    issue_token,
    live_token,
    locked_for,
    record_failure,
    record_success,
    role_scopes,
    token_scopes,
    too_many,
    verify_password,
)
from ..extensions import csrf, db
from ..services.errors import DomainError
from . import api_json as js
from . import api_schemas

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # bearer tokens only: no cookie, so nothing to forge


def _json_error(status: int, message, **extra):
    return jsonify(error=str(message), **extra), status


@bp.errorhandler(js.ApiError)
def _api_error(exc: js.ApiError):
    db.session.rollback()
    response, status = _json_error(exc.status, exc.message, **exc.extra)
    return response, status, exc.headers


@bp.errorhandler(DomainError)
def _domain_error(exc: DomainError):
    db.session.rollback()
    extra = {}
    if exc.reasons:
        extra["reasons"] = [str(r) for r in exc.reasons]
    if exc.field:
        extra["fields"] = {exc.field: [str(exc.message)]}
    return _json_error(exc.status, exc.message, **extra)


@bp.teardown_request
def _rollback_on_error(exc):
    if exc is not None:
        db.session.rollback()


# -- authentication and scopes --------------------------------------------------------------


def _bearer() -> str | None:
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


@bp.before_request
def _authenticate():
    g.api_user = g.api_token = None
    spec = openapi.spec_of(current_app.view_functions.get(request.endpoint))
    if spec is not None and spec.public:
        return None
    token = _bearer()
    row = live_token(token) if token else None
    if row is None:
        response = jsonify(error=_("Please log in to open this page."))
        challenge = 'Bearer realm="api"'
        if token:
            challenge += ', error="invalid_token"'
        response.headers["WWW-Authenticate"] = challenge
        return response, 401
    g.api_user, g.api_token = row.user, row
    audit.acting_as(row.user, row)  # no session login here: the audit chain learns it from us
    if spec is None:  # a view nobody described: no token may use it
        return _json_error(403, _("You do not have access to this."))
    if spec.scope is not None and spec.scope not in token_scopes(row):
        response = jsonify(
            error=_("This token lacks the scope %(scope)s needed here.", scope=spec.scope),
            scope=spec.scope,
        )
        response.headers["WWW-Authenticate"] = (
            f'Bearer realm="api", error="insufficient_scope", scope="{spec.scope}"'
        )
        return response, 403
    return None


# -- tokens ---------------------------------------------------------------------------------


def _token_body_schema() -> dict:
    days = current_app.config["API_TOKEN_DAYS"]
    return {
        "type": "object",
        "properties": {
            "email": {"type": "string", "minLength": 1},
            "password": {"type": "string", "minLength": 1},
            "scopes": {
                "type": "array",
                "items": {"type": "string", "enum": list(SCOPES)},
                "minItems": 1,
                "description": "Default: every scope the user's role may use.",
            },
            "expires_in_days": {
                "type": "integer",
                "minimum": 1,
                "maximum": days,
                "description": f"Default: {days}.",
            },
        },
        "required": ["email", "password"],
    }


def _token_request(data: dict) -> tuple[str, str, list[str] | None, int | None]:
    """The fields of a token request, or a 400 naming every field that is wrong."""
    email, password = data.get("email"), data.get("password")
    scopes, days = data.get("scopes"), data.get("expires_in_days")
    errors = {
        name: [_("This field is required.")]
        for name, value in (("email", email), ("password", password))
        if not isinstance(value, str) or not value.strip()
    }
    for name, value in (("email", email), ("password", password)):
        if name in errors:
            if value is not None and not isinstance(value, str):
                errors[name] = [js.value_problem(name, "string", value) or _("Enter text.")]
        elif problem := js.text_problem(name, value):  # no such e-mail, no such password
            errors[name] = [problem]
    if scopes is not None:
        if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
            errors["scopes"] = [_("The request could not be understood.")]
        elif not scopes:
            errors["scopes"] = [_("Name at least one scope.")]
        elif unknown := [s for s in scopes if s not in SCOPES]:
            errors["scopes"] = [
                _(
                    "Unknown scope: %(unknown)s. The scopes are: %(known)s.",
                    unknown=", ".join(unknown),
                    known=", ".join(SCOPES),
                )
            ]
    longest = current_app.config["API_TOKEN_DAYS"]
    if days is not None:
        if isinstance(days, bool) or not isinstance(days, int):
            errors["expires_in_days"] = [_("Enter a number.")]
        elif not 1 <= days <= longest:
            errors["expires_in_days"] = [
                _("Enter a value from %(lo)s to %(hi)s.", lo=1, hi=longest)
            ]
    js.check(errors)
    return email, password, scopes, days


@bp.post("/tokens")
@openapi.operation(
    public=True,
    body=_token_body_schema,
    responses={201: "Token", 401: "Error", 403: "Error", 429: "Error"},
    tags=["tokens"],
)
def create_token():
    """Create a bearer token for a user.

    The token is shown once. It carries the scopes asked for (by default all its user's role
    may use: an insurer's cases:read, packages:read and packages:ack, everyone else's
    cases:read and cases:write) and lives `expires_in_days` (by default API_TOKEN_DAYS).
    Repeated wrong passwords for one e-mail address lock it for a while: 429 with Retry-After."""
    email, password, scopes, days = _token_request(js.body())
    wait = locked_for(email)
    if wait is not None:
        raise js.ApiError(429, too_many(wait), headers={"Retry-After": int(wait.total_seconds())})
    user = find_user(email)
    if not verify_password(user, password):
        record_failure(email)
        db.session.commit()
        raise js.ApiError(401, _("Wrong e-mail or password."))
    record_success(email)
    audit.acting_as(user)  # the new token's row is the user's own doing
    if scopes is not None and (denied := [s for s in scopes if s not in role_scopes(user.role)]):
        raise js.ApiError(
            403,
            _("Your account cannot be given these scopes: %(scopes)s.", scopes=", ".join(denied)),
            fields={"scopes": [_("Choose a value from the list.")]},
        )
    token, row = issue_token(user, scopes, days)
    db.session.commit()
    return jsonify(token=token, expires_at=js.iso(row.expires_at), scopes=row.scopes.split()), 201


@bp.delete("/tokens/current")
@openapi.operation(scope=None, responses={204: None}, tags=["tokens"])
def revoke_current_token():
    """Revoke the token this request carries (any scope may)."""
    g.api_token.revoked = True
    db.session.commit()
    return "", 204


# -- the document ---------------------------------------------------------------------------


@bp.get("/openapi.json")
@openapi.operation(public=True, responses={200: {"type": "object"}}, tags=["meta"])
def openapi_document():
    """This API's OpenAPI 3.1 document.

    Generated from the code: every route of the API, its scope, its input and its output."""
    return jsonify(
        openapi.document(
            bp.name,
            title="Incident investigation API",
            version="1",
            description=(
                "Accident investigation cases (Kyrgyz Republic labour law). Messages follow "
                "Accept-Language (ky, ru, en). Datetimes are returned in UTC with Z; they are "
                "accepted with an offset, or as Bishkek wall-clock time."
            ),
            components=api_schemas.components(),
        )
    )
