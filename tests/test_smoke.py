from tests import factories


def test_light_case_reaches_closed_with_documents(app, world, db):
    case = factories.make_case(world)
    factories.advance_to(case, world, "closed")
    db.session.commit()
    kinds = {(d.kind, d.language) for d in case.current_documents()}
    assert ("act_n1", "ky") in kinds and ("closure_summary", "ru") in kinds
