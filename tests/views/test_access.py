"""One access matrix over every case URL and role: who sees, who edits, who is refused."""

from __future__ import annotations

import pytest

from incidents.extensions import db as _db
from tests import factories

ROLES = ["anonymous", "specialist", "head", "member", "inspector", "union", "insurer", "stranger"]

# (method, url template, {role: expected status}); the rest, who do not see the case, get 404
# (as for a case that does not exist), anonymous a login redirect
MATRIX = [
    ("GET", "/cases/{case}", {"specialist": 200, "head": 200}),
    ("GET", "/cases/{case}/edit", {"specialist": 200, "head": 200}),
    ("GET", "/documents/{doc}", {"specialist": 200, "head": 200}),
    ("POST", "/cases/{case}/fire/form_commission", {"specialist": 303, "head": 303}),
    ("POST", "/cases/{case}/commission/new", {"specialist": 200, "head": 200}),
    ("POST", "/cases/{case}/victims/{victim}/remove", {"specialist": 302, "head": 302}),
]


@pytest.fixture
def notified_case(app, world):
    case = factories.make_case(world)
    factories.advance_to(case, world, "notified")
    _db.session.commit()
    return case


def _client(role, world, app, client_for):
    return app.test_client() if role == "anonymous" else client_for(getattr(world, role))


@pytest.mark.parametrize(("method", "template", "allowed"), MATRIX, ids=[m[1] for m in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(app, world, client_for, notified_case, method, template, allowed, role):
    case = notified_case
    url = template.format(case=case.id, doc=case.documents[0].id, victim=case.victims[0].id)
    client = _client(role, world, app, client_for)
    r = client.open(url, method=method, data={})
    if role == "anonymous":
        assert r.status_code == 302 and "/login" in r.headers["Location"]
    else:
        assert r.status_code == allowed.get(role, 404), (role, url, r.status_code)


def test_case_list_shows_only_visible_cases(app, world, client_for):
    mine = factories.make_case(world, place="Мой объект")
    theirs = factories.make_case(world, actor=world.stranger, place="Чужой объект")
    _db.session.commit()
    page = client_for(world.specialist).get("/").text
    assert "Мой объект" in page and "Чужой объект" not in page
    page = client_for(world.stranger).get("/").text
    assert "Чужой объект" in page and "Мой объект" not in page
    assert client_for(world.insurer).get("/").text.count("/cases/") == 0
    assert mine.id != theirs.id


def test_insurer_sees_the_case_once_notified(app, world, client_for):
    case = factories.make_case(world)
    factories.advance_to(case, world, "act_approved")
    _db.session.commit()
    insurer = client_for(world.insurer)
    assert insurer.get(f"/cases/{case.id}").status_code == 404
    factories.advance_to(case, world, "insurer_notified")
    _db.session.commit()
    assert insurer.get(f"/cases/{case.id}").status_code == 200
    doc = case.current_documents()[0]
    assert insurer.get(f"/documents/{doc.id}").status_code == 200
    assert insurer.post(f"/cases/{case.id}/fire/close").status_code == 403


def test_commission_member_from_outside_sees_the_case(app, world, client_for):
    case = factories.make_case(world)
    factories.add_commission(case, world.specialist)
    case.commission[1].user_id = world.inspector.id
    _db.session.commit()
    inspector = client_for(world.inspector)
    assert inspector.get(f"/cases/{case.id}").status_code == 200
    assert "1/" in inspector.get("/").text
    assert client_for(world.union).get(f"/cases/{case.id}").status_code == 404


def test_unknown_ids_are_404(app, world, client_for):
    c = client_for(world.specialist)
    assert c.get("/cases/999999").status_code == 404
    assert c.get("/documents/999999").status_code == 404
    case = factories.make_case(world)
    _db.session.commit()
    assert c.get(f"/cases/{case.id}/nonsense/new").status_code == 404


def test_a_member_sees_only_the_cases_they_sit_on(app, world, client_for):
    seated = factories.make_case(world, place="Объект-Место")
    other = factories.make_case(world, place="Объект-Другой")
    factories.add_commission(seated, world.specialist)
    seated.commission[1].user_id = world.member.id
    _db.session.commit()
    member = client_for(world.member)
    assert member.get(f"/cases/{seated.id}").status_code == 200
    assert member.get(f"/cases/{other.id}").status_code == 404  # not theirs: not there
    listing = member.get("/").text
    assert "Объект-Место" in listing and "Объект-Другой" not in listing
