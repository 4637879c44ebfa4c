"""Parallel tracks: recorded with their own act, never blocking the labour investigation."""

from __future__ import annotations

import html
import io
import zipfile

import docx
import pytest
from flask_babel import force_locale, gettext

from incidents.extensions import db as _db
from incidents.models import Case, ParallelTrack
from tests import factories

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _form(**kw):
    data = {
        "kind": "technical_investigation",
        "authority": "Госпромнадзор, г. Бишкек",
        "reference": "ТР-17",
        "opened_at": factories.ago(2).strftime("%Y-%m-%dT%H:%M"),
        "note": "Техническое расследование аварии на котле",
    }
    data.update(kw)
    return data


def test_technical_investigation_with_its_act(app, world, client_for):
    case = factories.make_case(world, hazardous_facility=True)
    _db.session.commit()
    assert "industrial_safety" in {n.addressee for n in case.notices}
    client = client_for(world.specialist)
    r = client.post(
        f"/cases/{case.id}/tracks/new",
        data={**_form(), "file": (io.BytesIO(PDF), "акт ТР.pdf")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    track = _db.session.scalars(_db.select(ParallelTrack)).one()
    assert track.file_name.endswith(".pdf") and len(track.file_sha256) == 64
    download = client.get(f"/cases/{case.id}/tracks/{track.id}/file")
    assert download.status_code == 200 and download.data == PDF
    page = client.get(f"/cases/{case.id}").text
    assert "Госпромнадзор" in page and "ТР-17" in page
    # the track never blocks the labour investigation
    _db.session.expire_all()
    factories.advance_to(_db.session.get(Case, case.id), world, "investigating")
    _db.session.commit()
    assert client.post(f"/cases/{case.id}/tracks/{track.id}/close").status_code == 302
    _db.session.expire_all()
    assert _db.session.get(ParallelTrack, track.id).closed_at is not None


def test_a_file_that_lies_about_its_type_is_refused(app, world, client_for):
    case = factories.make_case(world)
    _db.session.commit()
    client = client_for(world.specialist)
    r = client.post(
        f"/cases/{case.id}/tracks/new",
        data={
            **_form(kind="criminal_referral"),
            "file": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "act.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 200
    assert "PDF" in r.text and "DOCX" in r.text  # the message says what is accepted
    assert _db.session.scalar(_db.select(_db.func.count(ParallelTrack.id))) == 0


def test_tracks_need_edit_rights(app, world, client_for):
    case = factories.make_case(world)
    _db.session.commit()
    assert client_for(world.member).get(f"/cases/{case.id}/tracks/new").status_code == 404
    assert client_for(world.stranger).get(f"/cases/{case.id}/tracks/new").status_code == 404


def _docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("Акт технического расследования № ТР-17")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def _not_word(lang="ru") -> str:
    with force_locale(lang):
        return html.escape(
            gettext(
                "This file is not a Word document or it is damaged. "
                "Attach the act as a PDF or DOCX file."
            )
        )


@pytest.mark.parametrize(
    "fake",
    [
        pytest.param({"photo.jpg": b"\xff\xd8\xff" + bytes(100)}, id="plain-zip"),
        pytest.param(
            {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"},
            id="zip-dressed-as-docx",
        ),
        pytest.param(  # a spreadsheet is an Office ZIP too, but not a Word document
            {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"},
            id="xlsx-like",
        ),
        pytest.param({"word/document.xml": 65 * 2**20}, id="zip-bomb"),  # 65 MB of zeros
    ],
)
def test_a_zip_named_docx_is_refused(app, world, client_for, fake):
    fake = _zip({k: bytes(v) if isinstance(v, int) else v for k, v in fake.items()})
    case = factories.make_case(world)
    _db.session.commit()
    r = client_for(world.specialist).post(
        f"/cases/{case.id}/tracks/new",
        data={**_form(), "file": (io.BytesIO(fake), "акт.docx")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 200
    assert _not_word() in r.text
    assert _db.session.scalar(_db.select(_db.func.count(ParallelTrack.id))) == 0


def test_a_word_document_is_taken(app, world, client_for):
    case = factories.make_case(world)
    _db.session.commit()
    act = _docx()
    client = client_for(world.specialist)
    r = client.post(
        f"/cases/{case.id}/tracks/new",
        data={**_form(), "file": (io.BytesIO(act), "акт ТР.docx")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 302, r.text
    track = _db.session.scalars(_db.select(ParallelTrack)).one()
    assert track.file_name.endswith(".docx")
    download = client.get(f"/cases/{case.id}/tracks/{track.id}/file")
    assert download.status_code == 200 and download.data == act
