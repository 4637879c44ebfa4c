"""The machine-readable ``package.json`` of an insurer hand-off package (Law No. 194), and the
JSON Schema it is checked against before a package leaves the system.

The document carries what the notice to the insurer needs (docs/procedure.md §5): the case,
the employer, the policy, every victim, the commission's findings, the outcome so far and the
list of files in the package. An occupational-disease case (docs/procedure.md §4) has no
accident category (null) and carries its own `disease` member: the diagnoses, the working
conditions, the occupational route, the harmful factors and the examinations; for an accident
that member is null. The worker is the case's one victim.

It follows the API's conventions (incidents/views/api_json.py): stored enum values as they
are, datetimes in UTC with "Z", dates as YYYY-MM-DD, Decimals as numbers. Rule-pack codes
(ICD-10 codes too) come with their labels in the two document languages, so an insurer
can read them without our code lists. The schema file is incidents/schemas/insurer-package-v1.json;
a change of shape is a new schema version, never an edit of v1."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator

from ..jsonvalues import iso, plain
from ..rules import RulePack, for_case
from . import routing

SCHEMA_NAME = "insurer-package-v1.json"
SCHEMA_URL_PATH = f"/api/v1/schemas/{SCHEMA_NAME}"
SCHEMA_FILE = Path(__file__).resolve().parents[1] / "schemas" / SCHEMA_NAME
SCHEMA_VERSION = "1"
LANGUAGES = ("ru", "ky")  # the document languages: every code label is given in both
FILE_KEYS = ("name", "role", "kind", "language", "media_type", "sha256", "size")


class PackageDataError(ValueError):
    """The document does not match the schema; `errors` lists "path: message" lines."""

    def __init__(self, errors: list[str]):
        super().__init__("package.json does not match the schema: " + "; ".join(errors))
        self.errors = errors


# -- the schema -----------------------------------------------------------------------------


@cache
def schema() -> dict:
    """The published schema, read once per process. Shared: do not change the dict."""
    with open(SCHEMA_FILE, encoding="utf-8") as fh:
        return json.load(fh)


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def validate(document: dict) -> None:
    """Raise PackageDataError with every mismatch (not just the first) for the job's log."""
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        raise PackageDataError(
            [f"/{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors]
        )


# -- the document ---------------------------------------------------------------------------


def _fields(obj, names) -> dict:
    return {name: plain(getattr(obj, name)) for name in names}


def _coded(pack: RulePack, which: str, code: str | None) -> dict | None:
    """A rule-pack code with its label in each document language (the code itself when the
    pack does not know it, so nothing is lost)."""
    if code is None:
        return None
    return {"code": code, "label": {lang: pack.label(which, code, lang) for lang in LANGUAGES}}


CASE_FIELDS = (
    "kind",
    "category",
    "status",
    "occurred_at",
    "reported_at",
    "place",
    "work_performed",
    "circumstances",
    "structural_unit",
    "work_related",
    "work_related_ground",
    "commission_order_number",
    "act_approved_at",
)


def _case(case, pack: RulePack) -> dict:
    return {
        "id": case.id,
        "number": case.number,
        "rule_pack": pack.name,
        **_fields(case, CASE_FIELDS),
        "event_type": _coded(pack, "event_types", case.event_type_code),
    }


def _employer(organisation, pack: RulePack) -> dict:
    return {
        **_fields(organisation, ("name", "tax_id", "activity_code", "address", "phone")),
        "region": _coded(pack, "regions", organisation.region),
    }


def _policy(policy) -> dict:
    return {
        **_fields(policy, ("number", "valid_from", "valid_to")),
        "insurer": _fields(policy.insurer, ("name", "tax_id")),
    }


VICTIM_FIELDS = (
    "full_name",
    "sex",
    "birth_date",
    "occupation",
    "service_total_years",
    "service_employer_years",
    "medical_severity",
    "injury_nature",
    "body_part",
    "intoxication",
    "intoxication_degree",
    "outcome",
    "days_lost",
)


def _victim(victim, pack: RulePack) -> dict:
    return {
        "id": victim.id,
        **_fields(victim, VICTIM_FIELDS),
        "person_category": _coded(pack, "person_categories", victim.person_category),
    }


def _classification(case, pack: RulePack) -> dict:
    return {
        "category": plain(case.category),  # None for an occupational disease
        "causes": [
            {
                **_coded(pack, "causes", c.code),
                **_fields(c, ("is_main", "description", "violated_norm")),
            }
            for c in case.causes
        ],
        "responsible": [
            _fields(r, ("full_name", "position", "violated_norms")) for r in case.responsible
        ],
        "measures": [_fields(m, ("action", "due_date", "owner", "done_at")) for m in case.measures],
    }


def _diagnosis(pack: RulePack, diagnosis: str | None, code: str | None, on) -> dict:
    return {"diagnosis": diagnosis, "icd10": _coded(pack, "icd10", code), "date": iso(on)}


def _disease(case, pack: RulePack) -> dict | None:
    """The disease file and its live rows; None for an accident."""
    if not case.is_disease or case.disease is None:
        return None
    d = case.disease
    return {
        "form": plain(d.form),
        "health_organisation": d.health_organisation,
        "preliminary": _diagnosis(
            pack, d.preliminary_diagnosis, d.preliminary_icd10, d.preliminary_at
        ),
        **_fields(d, ("sanitary_body", "conditions_class", "ppe", "harmful_service_years")),
        "final": {
            **_diagnosis(pack, d.final_diagnosis, d.final_icd10, d.final_on),
            "pathology_centre": d.pathology_centre,
        },
        "connected_to_work": d.connected_to_work,
        "causes": d.conclusion_causes,
        "exposures": [
            _fields(e, ("employer_name", "job_title", "year_from", "year_to", "harmful_factors"))
            for e in case.exposures
        ],
        "factors": [
            _fields(f, ("name", "measured", "limit", "unit", "exposure_hours", "over_limit"))
            for f in case.factors
        ],
        "exams": [
            _fields(x, ("kind", "examined_on", "organisation", "result")) for x in case.exams
        ],
    }


def _outcome(case) -> dict:
    victims = case.victims
    return {
        "all_known": all(v.outcome is not None for v in victims),
        "outcome_known_at": iso(case.outcome_known_at),
        # the project's one definition of a death: fatal severity or the outcome "died"
        "deaths": routing.deaths(case),
        "days_lost_total": sum(v.days_lost or 0 for v in victims),
        "victims": [
            {"victim_id": v.id, **_fields(v, ("full_name", "outcome", "days_lost"))}
            for v in victims
        ],
    }


def package_document(package, files: list[dict], *, base_url: str) -> dict:
    """The JSON document of one package. `files` lists the package's documents, PDFs and
    attachments (not package.json or the manifest); `base_url` is where the service, and so
    the schema, is published."""
    case = package.case
    pack = for_case(case)
    return {
        "schema": f"{base_url.rstrip('/')}{SCHEMA_URL_PATH}",
        "schema_version": SCHEMA_VERSION,
        "package": {
            "uid": package.uid,
            "version": package.version,
            "created_at": iso(package.created_at),
        },
        "case": _case(case, pack),
        "employer": _employer(case.organisation, pack),
        "policy": _policy(package.policy),
        "victims": [_victim(v, pack) for v in case.victims],
        "classification": _classification(case, pack),
        "disease": _disease(case, pack),
        "outcome": _outcome(case),
        "documents": [{key: f.get(key) for key in FILE_KEYS} for f in files],
    }
