"""The demo loads a living system: users per role and cases at every stage."""

from __future__ import annotations

from incidents import jobs
from incidents.demo import load_demo
from incidents.extensions import db as _db
from incidents.models import Case, CaseStatus, PackageStatus
from incidents.models.timeutil import to_local
from incidents.services import packages


def test_demo_loads_once_with_a_closed_case_and_all_its_documents(app):
    users = load_demo("demo-pass-1")
    assert {role for _, _, role in users} >= {"specialist", "head", "inspector", "insurer"}
    statuses = {c.status for c in _db.session.scalars(_db.select(Case))}
    assert {
        CaseStatus.reported,
        CaseStatus.investigating,
        CaseStatus.act_drafted,
        CaseStatus.closed,
    } <= statuses
    closed = _db.session.scalars(_db.select(Case).where(Case.status == CaseStatus.closed)).one()
    kinds = {(d.kind, d.language) for d in closed.current_documents()}
    assert len(kinds) == 10
    # its insurer package is built by the job the demo command runs
    app.config["SOFFICE_BINARY"] = ""
    jobs.run_due()
    package = packages.current(closed)
    assert package.status == PackageStatus.ready and package.policy.covers(
        to_local(closed.occurred_at).date()
    )
    assert load_demo("demo-pass-1") is None  # idempotent
