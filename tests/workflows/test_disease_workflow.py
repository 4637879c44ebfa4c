"""The occupational-disease machine: its table, who may fire what, and its committed diagram."""

from __future__ import annotations

import pytest

from incidents.models import Role
from incidents.services.errors import Forbidden
from tests import disease_factories as df
from workflows import diagram, disease

EDGES = [
    ("describe_conditions", "suspected", "conditions_described"),
    ("confirm_diagnosis", "conditions_described", "diagnosis_confirmed"),
    ("form_commission", "diagnosis_confirmed", "commission_formed"),
    ("start_investigation", "commission_formed", "investigating"),
    ("draft_act", "investigating", "act_drafted"),
    ("approve_act", "act_drafted", "act_approved"),
    ("notify_insurer", "act_approved", "insurer_notified"),
    ("close", "insurer_notified", "closed"),
    ("reopen", "closed", "investigating"),
    ("suspend", "investigating", "suspended"),
    ("resume", "suspended", "investigating"),
    ("cancel", "suspected", "cancelled"),
]


@pytest.mark.parametrize(("trigger", "source", "dest"), EDGES)
def test_the_table_has_each_step(trigger, source, dest):
    matches = [
        t
        for t in disease.TRANSITIONS
        if t["trigger"] == trigger
        and source
        in [str(s) for s in (t["source"] if isinstance(t["source"], list) else [t["source"]])]
    ]
    assert [str(t["dest"]) for t in matches] == [dest]


def test_the_head_approves_and_the_specialist_records_the_diagnoses():
    assert disease.may_fire(Role.specialist, "describe_conditions")
    assert disease.may_fire(Role.specialist, "confirm_diagnosis")
    assert disease.may_fire(Role.head, "approve_act")
    assert not disease.may_fire(Role.specialist, "approve_act")
    assert not disease.may_fire(Role.insurer, "describe_conditions")


def test_a_member_cannot_record_the_working_conditions(app, world, db):
    from incidents.services import cases

    case = df.make_disease_case(world)
    df.describe_conditions(case, world.specialist)
    with pytest.raises(Forbidden):
        cases.advance(case, world.member, "describe_conditions")


def test_committed_diagram_is_current(app):
    committed = diagram.path(disease).read_text(encoding="utf-8")
    assert committed == diagram.diagram_markdown(disease), (
        "workflows/disease.md is stale: run `flask workflows diagram`"
    )


def test_every_trigger_has_roles_and_a_label():
    from incidents.labels import TRIGGER_LABELS

    assert set(disease.TRIGGER_ROLES) == set(disease.TRIGGERS)
    assert set(disease.TRIGGERS) <= set(TRIGGER_LABELS)
