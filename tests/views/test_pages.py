import re

from tests import factories


def test_login_and_list(app, world, client_for):
    factories.make_case(world)
    from incidents.extensions import db

    db.session.commit()
    c = client_for(world.specialist)
    r = c.get("/")
    assert r.status_code == 200
    assert "1/" in r.text
    r = c.get("/cases/new")
    assert r.status_code == 200


def test_detail_page(app, world, client_for):
    case = factories.make_case(world)
    from incidents.extensions import db

    db.session.commit()
    c = client_for(world.specialist)
    r = c.get(f"/cases/{case.id}")
    assert r.status_code == 200, r.text
    print(r.text)


def test_the_timeline_tells_every_change_comment_and_upload(app, world, client_for):
    import io

    from incidents.extensions import db

    case = factories.make_case(world)
    factories.send_notices(case, world.specialist)
    db.session.commit()
    c = client_for(world.specialist)
    assert (
        c.post(f"/cases/{case.id}/comments", data={"body": "Ждём медзаключение"}).status_code < 400
    )
    r = c.post(
        f"/cases/{case.id}/evidence",
        data={
            "evidence-kind": "medical",
            "evidence-description": "Справка травмпункта",
            "evidence-file": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "справка.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    assert c.post(f"/cases/{case.id}/fire/notify").status_code == 303
    page = c.get(f"/cases/{case.id}").text
    timeline = page.split('id="timeline"')[1]
    events = re.findall(r'data-event="(\w+)"', timeline)
    assert events == ["notice", "comment", "upload", "transition"]
    assert "Ждём медзаключение" in timeline and "Справка травмпункта" in timeline
