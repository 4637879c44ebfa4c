"""One way to issue a document (no revision when nothing it says changed), and every download
of a stored file refused when the file no longer matches its SHA-256."""

from __future__ import annotations

import io
import re

from PIL import Image

from incidents import jobs
from incidents.models import GeneratedDocument, PackageStatus
from incidents.services import cases, documents, evidence, packages
from tests import factories
from tests.test_api import Api

FINDINGS = {
    "event_type_code": "05",
    "equipment": "Щит ЩР-1",
    "workplace_assessment": "класс 2",
    "work_related": True,
    "work_related_ground": "Уточнено комиссией",
}


def _acts(case):
    return [d for d in case.documents if d.kind == "act_n1" and d.language == "ru"]


def test_edits_that_change_nothing_the_act_says_keep_one_revision(app, world, db, client):
    case = factories.make_case(world)
    factories.advance_to(case, world, "act_drafted")
    cases.update_findings(case, world.specialist, FINDINGS, case.version)
    db.session.commit()
    assert [d.version for d in _acts(case)] == [1, 2]
    for _ in range(3):  # saved again and again with the same data
        cases.update_findings(case, world.specialist, dict(FINDINGS), case.version)
        db.session.commit()
    assert [d.version for d in _acts(case)] == [1, 2]
    api = Api(client, world.specialist)
    listed = api.ok("GET", f"/cases/{case.id}/documents")["items"]
    assert sorted(d["version"] for d in listed if d["kind"] == "act_n1") == [1, 1, 2, 2]
    # a change of what the act says: exactly one new revision per language
    cases.update_findings(case, world.specialist, {"equipment": "Щит ЩР-2"}, case.version)
    db.session.commit()
    assert [d.version for d in _acts(case)] == [1, 2, 3]
    current = [d for d in _acts(case) if d.current]
    assert len(current) == 1 and current[0].fingerprint
    assert "Щит ЩР-2" in documents.doc_templates.docx_text(documents.read(current[0]))


def test_every_issued_revision_differs_in_what_it_says(app, world, db):
    case = factories.make_case(world)
    factories.advance_to(case, world, "closed")
    db.session.commit()
    by_key: dict = {}
    for d in db.session.scalars(db.select(GeneratedDocument).order_by(GeneratedDocument.id)):
        key = (d.kind, d.language, d.victim_id, d.addressee)
        by_key.setdefault(key, []).append(d.fingerprint)
    for key, prints in by_key.items():
        assert len(prints) == len(set(prints)), key  # no byte-identical re-issue kept


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


# Every route that sends a stored file, found in the URL map by its shape, and how to reach
# it in a test. A new file route fails `test_every_file_route_is_known` until it is added.
FILE_ROUTE = re.compile(r"/documents/<|/evidence/<[^>]+>(/thumb)?$|/file$|/files/<|\.zip$")


# Every route that sends a stored file, found in the URL map by its shape. A new file route
# fails `test_every_file_route_is_known` until it is added here and to the tampering test.
FILE_ROUTES = {
    "cases.download",
    "api.download_document",
    "evidence.download",
    "evidence.thumb",
    "records.track_file",
    "insurer.download",
    "insurer.download_zip",
    "api.package_file",
}


def test_every_file_route_is_known(app):
    routes = {r.endpoint for r in app.url_map.iter_rules() if FILE_ROUTE.search(r.rule)}
    assert routes == FILE_ROUTES


def _tamper(sha256, suffix):
    path = documents.store_path(sha256, suffix)
    path.write_bytes(path.read_bytes() + b"tampered")


def test_a_tampered_file_is_refused_by_every_download(app, world, db, client, client_for):
    world.specialist.language = world.insurer.language = "ky"  # the web's language is theirs
    case = factories.make_case(world)
    ev = evidence.upload(case, world.specialist, kind="photo", name="место.jpg", data=_jpeg())
    db.session.commit()
    doc = case.documents[0]
    web = client_for(world.specialist)
    r = web.post(
        f"/cases/{case.id}/tracks/new",
        data={**TRACK, "file": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "акт.pdf")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    db.session.expire_all()  # the request saved the case in its own session
    factories.advance_to(case, world, "insurer_notified")
    db.session.commit()
    jobs.run_due()  # builds the insurer's package
    package = packages.current(case)
    assert package.status == PackageStatus.ready, package.error
    track = case.tracks[0]
    in_package = next(f for f in package.files if f.name.startswith("documents/"))
    insurer = client_for(world.insurer)
    insurer_api = Api(client, world.insurer, lang="ru")
    api = Api(client, world.specialist, lang="ru")
    urls = {
        "cases.download": (web, f"/documents/{doc.id}"),
        "api.download_document": (api, f"/documents/{doc.id}"),
        "evidence.download": (web, f"/cases/{case.id}/evidence/{ev.id}"),
        "evidence.thumb": (web, f"/cases/{case.id}/evidence/{ev.id}/thumb"),
        "records.track_file": (web, f"/cases/{case.id}/tracks/{track.id}/file"),
        "insurer.download": (insurer, f"/insurer/packages/{package.uid}/files/{in_package.name}"),
        "insurer.download_zip": (insurer, f"/insurer/packages/{package.uid}/package.zip"),
        "api.package_file": (insurer_api, f"/packages/{package.uid}/files/{in_package.name}"),
    }
    assert set(urls) == FILE_ROUTES
    for who, url in urls.values():  # intact: sent
        r = _get(who, url)
        assert r.status_code == 200, url
    _tamper(doc.sha256, ".docx")
    _tamper(ev.sha256, ".jpg")
    _tamper(ev.thumb_sha256, evidence.THUMB_SUFFIX)
    _tamper(track.file_sha256, ".pdf")
    _tamper(in_package.sha256, in_package.suffix)
    for endpoint, (who, url) in urls.items():
        r = _get(who, url)
        if isinstance(who, Api):
            assert r.status_code == 410, endpoint
            assert r.json["error"].startswith("Сохранённый файл повреждён"), endpoint
        else:
            assert r.status_code == 410, endpoint
            assert "Сакталган файл бузулган" in r.get_data(as_text=True), endpoint
        assert b"tampered" not in r.data


TRACK = {
    "kind": "technical_investigation",
    "authority": "Госпромнадзор, г. Бишкек",
    "reference": "ТР-17",
    "opened_at": factories.ago(2).strftime("%Y-%m-%dT%H:%M"),
}


def test_the_disease_notice_is_reissued_only_when_it_changes(app, world, db, client):
    """Filled in step by step through the API while the case stands "suspected" (where the
    notice follows the case's data): it once reached a revision per save."""
    api = Api(client, world.specialist)
    case = api.ok("POST", "/diseases", _disease_body(), status=201)
    url = f"/cases/{case['id']}"
    conditions = {
        "sanitary_body": "ДПЗиГСЭН",
        "described_on": factories.ago(1).strftime("%Y-%m-%d"),
        "conditions_class": "3.4",
    }
    factor = {"name": "Толуол", "measured": "480", "limit": "50", "unit": "мг/м³"}
    preliminary = {
        "form": "acute",
        "health_organisation": "ГКБ № 1",
        "preliminary_diagnosis": "Острое отравление толуолом",
        "preliminary_icd10": "T52.2",
    }
    steps = [
        ("PUT", f"{url}/disease/conditions", conditions, 200),
        ("PUT", f"{url}/disease/conditions", conditions, 200),
        ("POST", f"{url}/factors", factor, 201),
        ("POST", f"{url}/factors", {**factor, "name": "Ксилол"}, 201),
        ("PUT", f"{url}/disease/conditions", {**conditions, "ppe": "Респиратор"}, 200),
        ("PUT", f"{url}/disease/preliminary", preliminary, 200),  # what it said already
    ]
    for method, path, body, status in steps:
        api.ok(method, path, body, status=status)
        assert [d["version"] for d in _notices(api, case)] == [1], path
    # the notice names the health organisation: a change of it is one new revision
    api.ok("PUT", f"{url}/disease/preliminary", {**preliminary, "health_organisation": "ЦСМ № 7"})
    notices = _notices(api, case)
    assert sorted(d["version"] for d in notices) == [1, 2]
    auth = {"Authorization": f"Bearer {api.token}"}
    texts = [
        documents.doc_templates.docx_text(client.get(d["download_url"], headers=auth).data)
        for d in sorted(notices, key=lambda d: d["version"])
    ]
    assert "ГКБ № 1" in texts[0] and "ЦСМ № 7" in texts[1]


def _disease_body() -> dict:
    return {
        "form": "acute",
        "occurred_at": factories.ago(10).strftime("%Y-%m-%dT%H:%M"),
        "reported_at": factories.ago(2).strftime("%Y-%m-%dT%H:%M"),
        "health_organisation": "ГКБ № 1",
        "preliminary_diagnosis": "Острое отравление толуолом",
        "preliminary_icd10": "T52.2",
        "place": "Окрасочная камера",
        "work_performed": "Окраска",
        "circumstances": "Не работала вентиляция",
        "worker": {
            "full_name": "Бекболот Сатыбалдиев",
            "sex": "male",
            "birth_date": "1990-07-01",
            "person_category": "employee",
            "occupation": "Маляр",
        },
    }


def _notices(api, case) -> list[dict]:
    listed = api.ok("GET", f"/cases/{case['id']}/documents")["items"]
    return [d for d in listed if d["kind"] == "disease_notice" and d["language"] == "ru"]


def _get(who, url):
    return who("GET", url) if isinstance(who, Api) else who.get(url)
