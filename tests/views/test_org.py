"""The employer keeps its profile; the insurer hand-off needs the policy from it."""

from __future__ import annotations

from incidents.extensions import db as _db
from incidents.models.timeutil import utcnow
from tests import factories


def _form(world, **kw):
    data = {
        "name": "ОсОО «Ак & Көк»",
        "tax_id": "02512201810045",
        "activity_code": "41.20.0",
        "address": "Бишкек",
        "phone": "+996 312 000 000",
        "headcount": "120",
        "region": "bishkek",
        "rule_pack": "kr",
    }
    data.update(kw)
    return data


def _policy(world, **kw):
    return {
        "insurer_id": str(world.insurer_org.id),
        "number": "ГО-2027-1",
        "valid_from": "2020-01-01",
        "valid_to": "2099-12-31",
        **kw,
    }


def test_head_adds_the_policy_that_unblocks_the_insurer_notice(app, world, client_for):
    world.policy.removed_at = utcnow()
    case = factories.make_case(world)
    factories.advance_to(case, world, "act_approved")
    _db.session.commit()
    head = client_for(world.head)
    page = head.get(f"/cases/{case.id}").text
    assert 'href="/organisation"' in page  # the blocked action links to where it is fixed
    # the reason, in the head's language
    assert "У работодателя нет страхового полиса (Закон № 194)." in page
    r = head.post("/organisation/policies", data=_policy(world, valid_to="2019-12-31"))
    assert r.status_code == 422
    assert "Дата окончания действия полиса не может быть раньше даты начала." in r.text
    r = head.post("/organisation/policies", data=_policy(world))
    assert r.status_code == 303
    _db.session.expire_all()
    assert case.policy.number == "ГО-2027-1"
    assert "ГО-2027-1" in head.get("/organisation").text
    r = client_for(world.specialist).post(f"/cases/{case.id}/fire/notify_insurer")
    assert r.status_code == 303
    _db.session.expire_all()
    assert case.status.value == "insurer_notified"


def test_a_policy_removed_by_mistake_is_kept_and_no_longer_covers(app, world, client_for):
    head = client_for(world.head)
    assert (
        client_for(world.stranger_head)
        .post(f"/organisation/policies/{world.policy.id}/remove")
        .status_code
        == 404
    )  # another employer's policy
    assert head.post(f"/organisation/policies/{world.policy.id}/remove").status_code == 303
    _db.session.expire_all()
    assert world.policy.removed_at is not None  # kept, not deleted
    assert factories.make_case(world).policy is None


def test_profile_validation_and_access(app, world, client_for):
    head = client_for(world.head)
    r = head.post("/organisation", data=_form(world, tax_id="12345"))
    assert r.status_code == 200
    assert "ИНН состоит из 14 цифр." in r.text  # in the head's language
    _db.session.expire_all()
    assert world.employer.tax_id == "02512201810045"
    assert client_for(world.member).get("/organisation").status_code == 403
    assert client_for(world.insurer).get("/organisation").status_code == 403
    assert client_for(world.union).get("/organisation").status_code == 403


def test_an_employer_under_the_russian_rules_gets_their_notices(app, world, client_for):
    head = client_for(world.head)
    assert (
        head.post("/organisation", data=_form(world, rule_pack="rf", region="osh")).status_code
        == 302
    )
    _db.session.expire_all()
    assert (world.employer.rule_pack, world.employer.region) == ("rf", "osh")
    case = factories.make_case(world, category="severe")
    from incidents.rules import load

    rf = load("rf")
    expected = {
        n.addressee for n in rf.notices_for("severe", death=False, hazardous_facility=False)
    }
    assert {n.addressee for n in case.notices} == expected != {"insurer"}
