"""Protocols: the scene inspection (with photos) and the interviews, issued as DOCX in both
languages; a confirmed interview is locked; strangers are refused."""

from __future__ import annotations

from io import BytesIO

import docx
from PIL import Image

from doc_templates import docx_text
from incidents.extensions import db as _db
from incidents.models import Case, Evidence, GeneratedDocument, InterviewProtocol, SceneProtocol
from incidents.services import documents
from tests import factories


def _case(world):
    case = factories.make_case(world)
    factories.advance_to(case, world, "commission_formed")
    _db.session.commit()
    return case


def _photo(case) -> Evidence:
    buf = BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buf, "JPEG")
    data = buf.getvalue()
    ev = Evidence(
        case_id=case.id,
        kind="photo",
        description="Бадья на перекрытии",
        filename="scene.jpg",
        content_type="image/jpeg",
        sha256=documents.store_upload(data, ".jpg"),
        size=len(data),
    )
    _db.session.add(ev)
    _db.session.commit()
    return ev


def _docs(kind):
    _db.session.expire_all()
    rows = _db.session.scalars(
        _db.select(GeneratedDocument).where(GeneratedDocument.kind == kind)
    ).all()
    return rows


def _image_rels(data: bytes) -> int:
    rels = docx.Document(BytesIO(data)).part.rels.values()
    return sum(1 for r in rels if r.reltype.endswith("/image"))


SCENE = {
    "inspected_on": factories.ago(3).strftime("%Y-%m-%dT%H:%M"),
    "ended_at": factories.ago(2).strftime("%Y-%m-%dT%H:%M"),
    "place": "Перекрытие 3-го этажа, секция Б",
    "inspected_by": "Жумабеков Н. А., главный инженер",
    "present": "Токтогулов Э. М.",
    "conditions": "Бетон рассыпан по перекрытию",
    "workplace": "Кран КБ-403, бадья БН-1,0",
    "harmful_object": "Замок бадьи & створка",
    "guards": "Ограждение опасной зоны отсутствует",
    "ppe": "Каска, перчатки",
    "environment": "Дневной свет, +4 °C",
    "remarks": "Замечаний нет",
}


def test_scene_protocol_with_a_photo(app, world, client_for):
    case = _case(world)
    photo = _photo(case)
    client = client_for(world.specialist)
    assert client.get(f"/cases/{case.id}/protocols/scene/new").status_code == 200
    r = client.post(
        f"/cases/{case.id}/protocols/scene/new", data={**SCENE, "photo_ids": [str(photo.id)]}
    )
    assert r.status_code == 302, r.text
    protocol = _db.session.scalars(_db.select(SceneProtocol)).one()
    assert protocol.photo_ids == str(photo.id)
    docs = _docs("scene_protocol")
    assert sorted(d.language for d in docs) == ["ky", "ru"]
    for d in docs:
        assert d.addressee == f"scene:{protocol.id}" and d.version == 1
        data = documents.read(d)
        text = docx_text(data)
        for key in ("place", "inspected_by", "conditions", "harmful_object", "guards", "ppe"):
            assert SCENE[key] in text
        assert "Бадья на перекрытии" in text
        assert _image_rels(data) == 1
    assert "КАРООНУН ПРОТОКОЛУ" in docx_text(
        documents.read(next(d for d in docs if d.language == "ky"))
    )
    # saving again issues new versions and supersedes the old ones
    r = client.post(
        f"/cases/{case.id}/protocols/scene/{protocol.id}", data={**SCENE, "remarks": "Второй"}
    )
    assert r.status_code == 302
    docs = _docs("scene_protocol")
    current = [d for d in docs if d.superseded_at is None]
    assert len(docs) == 4 and {d.version for d in current} == {2}
    page = client.get(f"/cases/{case.id}").text
    assert 'id="protocols"' in page and SCENE["place"] in page
    for d in current:
        assert f"/documents/{d.id}" in page


INTERVIEW = {
    "interviewee_kind": "witness",
    "place": "Контора участка, каб. 4",
    "started_at": factories.ago(2).strftime("%Y-%m-%dT%H:%M"),
    "ended_at": factories.ago(1).strftime("%Y-%m-%dT%H:%M"),
    "interviewer": "Жумабеков Н. А.",
    "full_name": "Бекмурзаев Талант Усенович",
    "birth_date": "1985-02-01",
    "birth_place": "г. Нарын",
    "address": "г. Бишкек, ул. Киевская, 10",
    "citizenship": "Кыргызская Республика",
    "occupation": "Стропальщик",
    "service": "5 лет",
    "rights_explained": "y",
    "statement": "Я видел, как раскрылась бадья <без замка>.",
    "questions_answers": "Вопрос: где был сигнальщик?\nОтвет: его не было.",
}


def test_interview_protocol_confirm_locks_it(app, world, client_for):
    case = _case(world)
    client = client_for(world.specialist)
    r = client.post(f"/cases/{case.id}/protocols/interview/new", data=INTERVIEW)
    assert r.status_code == 302, r.text
    protocol = _db.session.scalars(_db.select(InterviewProtocol)).one()
    assert protocol.rights_explained and protocol.confirmed_at is None
    docs = _docs("interview_protocol")
    assert sorted(d.language for d in docs) == ["ky", "ru"]
    for d in docs:
        text = docx_text(documents.read(d))
        assert INTERVIEW["statement"] in text and INTERVIEW["full_name"] in text
    ky = docx_text(documents.read(next(d for d in docs if d.language == "ky")))
    assert "СУРАМЖЫЛООНУН ПРОТОКОЛУ" in ky and "күбө" in ky
    # the interviewee read and confirmed it: locked, and issued again saying so
    r = client.post(f"/cases/{case.id}/protocols/interview/{protocol.id}/confirm")
    assert r.status_code == 302
    _db.session.expire_all()
    assert _db.session.get(InterviewProtocol, protocol.id).confirmed_at is not None
    r = client.post(
        f"/cases/{case.id}/protocols/interview/{protocol.id}",
        data={**INTERVIEW, "statement": "Переписано"},
    )
    assert r.status_code == 409
    _db.session.expire_all()
    assert _db.session.get(InterviewProtocol, protocol.id).statement == INTERVIEW["statement"]
    current = [d for d in _docs("interview_protocol") if d.superseded_at is None]
    assert {d.version for d in current} == {2}
    ru = docx_text(documents.read(next(d for d in current if d.language == "ru")))
    assert "подтверждено" in ru
    assert (
        client.post(f"/cases/{case.id}/protocols/interview/{protocol.id}/confirm").status_code
        == 409
    )


def test_stranger_is_refused(app, world, client_for):
    case = _case(world)
    client = client_for(world.stranger)
    assert client.get(f"/cases/{case.id}/protocols/scene/new").status_code == 404
    r = client.post(f"/cases/{case.id}/protocols/interview/new", data=INTERVIEW)
    assert r.status_code == 404
    assert _db.session.scalars(_db.select(InterviewProtocol)).all() == []


def test_not_editable_before_the_commission(app, world, client_for):
    case = factories.make_case(world)
    _db.session.commit()
    client = client_for(world.specialist)
    assert client.get(f"/cases/{case.id}/protocols/scene/new").status_code == 403
    assert _db.session.get(Case, case.id).status.value == "reported"
