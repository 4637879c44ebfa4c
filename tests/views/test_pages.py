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
