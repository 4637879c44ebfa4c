"""Evidence of a case: typed by content, images decoded and thumbnailed, limits, access, and
removal that keeps the record."""

from __future__ import annotations

import html
import io
import re
import struct
import time
import zlib
from pathlib import Path

import pytest
from flask_babel import force_locale, gettext
from PIL import Image

from incidents import create_app
from incidents.config import TestingConfig
from incidents.extensions import db as _db
from incidents.models import Evidence
from incidents.services import evidence as evidence_service
from incidents.services.errors import Invalid
from tests import factories
from tests.conftest import IsolatedClient

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def jpeg(size=(800, 600), orientation: int | None = None) -> bytes:
    im = Image.new("RGB", size, (200, 30, 30))
    for x in range(0, size[0], 40):  # some detail, so the file is not trivially small
        for y in range(size[1]):
            im.putpixel((x, y), (0, 0, 255))
    out = io.BytesIO()
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    im.save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()


def png_with_alpha() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (500, 250), (0, 128, 0, 100)).save(out, "PNG")
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A valid 1-bit PNG of `width` x `height` white pixels: its rows are all zero bytes and
    compress to almost nothing (10000 x 8800, 88 MP, is a file of about 11 KB)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + the packed row
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    idat = zlib.compress(row * height, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _upload(client, case, data: bytes, name: str, kind="photo", description="Место падения"):
    return client.post(
        f"/cases/{case.id}/evidence",
        data={
            "evidence-kind": kind,
            "evidence-description": description,
            "evidence-file": (io.BytesIO(data), name),
        },
        content_type="multipart/form-data",
    )


def _rows() -> list[Evidence]:
    _db.session.expire_all()
    return list(_db.session.scalars(_db.select(Evidence).order_by(Evidence.id)))


def _stored_files(app) -> list[Path]:
    """Files in the store other than the case's issued documents (.docx)."""
    store = Path(app.config["DOCUMENT_STORE"])
    return [p for p in store.rglob("*") if p.is_file() and p.suffix != ".docx"]


@pytest.fixture
def case(world):
    c = factories.make_case(world)
    _db.session.commit()
    return c


def test_sniff_reads_the_content_not_the_name():
    assert evidence_service.sniff(jpeg()) == ("image/jpeg", ".jpg")
    assert evidence_service.sniff(png_with_alpha()) == ("image/png", ".png")
    assert evidence_service.sniff(PDF) == ("application/pdf", ".pdf")
    assert evidence_service.sniff(EXE) is None
    assert evidence_service.sniff(b"") is None


def test_jpeg_and_pdf_are_listed_thumbnailed_and_downloaded(app, world, case, client_for):
    client = client_for(world.specialist)
    photo = jpeg()
    r = _upload(client, case, photo, "снимок станка.JPG")
    assert r.status_code == 302 and r.location.endswith(f"/cases/{case.id}#evidence")
    r = _upload(client, case, PDF, "заключение.pdf", kind="medical", description="Форма 315/у")
    assert r.status_code == 302

    first, second = _rows()
    assert (first.kind, first.content_type, first.size) == ("photo", "image/jpeg", len(photo))
    assert first.filename == "снимок станка.JPG" and first.thumb_sha256 is not None
    assert first.uploaded_by_id == world.specialist.id
    assert (second.content_type, second.thumb_sha256) == ("application/pdf", None)

    page = client.get(f"/cases/{case.id}").text
    assert 'id="evidence"' in page and "Форма 315/у" in page and "Место падения" in page
    assert first.sha256[:12] in page and second.sha256[:12] in page
    assert f"/cases/{case.id}/evidence/{first.id}/thumb" in page
    assert f"/cases/{case.id}/evidence/{second.id}/thumb" not in page  # a PDF has none

    thumb = client.get(f"/cases/{case.id}/evidence/{first.id}/thumb")
    assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"
    assert thumb.headers["X-Content-Type-Options"] == "nosniff"
    with Image.open(io.BytesIO(thumb.data)) as im:
        assert im.format == "JPEG" and im.width <= 320 and im.height <= 320
        assert im.size == (320, 240)
    assert client.get(f"/cases/{case.id}/evidence/{second.id}/thumb").status_code == 404

    download = client.get(f"/cases/{case.id}/evidence/{first.id}")
    assert download.status_code == 200 and download.data == photo
    assert download.mimetype == "image/jpeg"
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert "filename*=UTF-8''" in download.headers["Content-Disposition"]
    pdf = client.get(f"/cases/{case.id}/evidence/{second.id}")
    assert pdf.data == PDF and pdf.mimetype == "application/pdf"

    # what others build on
    _db.session.expire_all()
    assert [e.id for e in evidence_service.live(case)] == [first.id, second.id]
    assert [e.id for e in evidence_service.photos(case)] == [first.id]
    assert evidence_service.read(first) == photo


def test_thumbnail_is_turned_upright_by_exif(app, world, case, client_for):
    client = client_for(world.specialist)
    # stored landscape, shot in portrait: orientation 6 turns it 90° clockwise
    assert _upload(client, case, jpeg((800, 400), orientation=6), "p.jpg").status_code == 302
    (ev,) = _rows()
    with Image.open(io.BytesIO(evidence_service.read_thumb(ev))) as im:
        assert im.size == (160, 320)


def test_png_with_transparency_is_accepted(app, world, case, client_for):
    client = client_for(world.specialist)
    assert _upload(client, case, png_with_alpha(), "схема", kind="sketch").status_code == 302
    (ev,) = _rows()
    assert (ev.content_type, ev.filename) == ("image/png", "схема.png")
    thumb = client.get(f"/cases/{case.id}/evidence/{ev.id}/thumb")
    with Image.open(io.BytesIO(thumb.data)) as im:
        assert im.size == (320, 160) and im.mode == "RGB"


def test_a_pdf_named_jpg_is_a_pdf(app, world, case, client_for):
    client = client_for(world.specialist)
    assert _upload(client, case, PDF, "../../scan.jpg", kind="other").status_code == 302
    (ev,) = _rows()
    assert (ev.content_type, ev.filename, ev.thumb_sha256) == (
        "application/pdf",
        "scan.jpg.pdf",
        None,
    )


def test_an_exe_named_jpg_is_refused_and_nothing_is_written(app, world, case, client_for):
    client = client_for(world.specialist)
    r = _upload(client, case, EXE, "photo.jpg")
    assert r.status_code == 400
    assert "JPEG" in r.text and "PDF" in r.text  # says what is accepted
    assert _rows() == [] and _stored_files(app) == []


def test_a_truncated_jpeg_is_refused(app, world, case, client_for):
    client = client_for(world.specialist)
    broken = jpeg()[:1500]
    assert evidence_service.sniff(broken) == ("image/jpeg", ".jpg")  # it looks like a JPEG
    r = _upload(client, case, broken, "photo.jpg")
    assert r.status_code == 400
    assert _rows() == [] and _stored_files(app) == []


def _too_large_message(megapixels: str) -> str:
    with force_locale("ru"):
        return html.escape(
            gettext(
                "The image is too large: at most %(megapixels)s megapixels are accepted. "
                "Reduce its width and height and upload it again.",
                megapixels=megapixels,
            )
        )


def test_a_tiny_png_of_88_megapixels_is_refused_before_decoding(app, world, case, client_for):
    bomb = png_header_only(10_000, 8_800)
    assert len(bomb) < 20_000
    started = time.perf_counter()
    with pytest.raises(Invalid) as refused:
        evidence_service.upload(case, world.specialist, kind="photo", name="plan.png", data=bomb)
    elapsed = time.perf_counter() - started
    assert elapsed < 0.5, f"took {elapsed:.2f} s: the image was decoded"
    assert refused.value.field == "file"
    # through the form, the page says why, in the user's language
    r = _upload(client_for(world.specialist), case, bomb, "plan.png")
    assert r.status_code == 400 and _too_large_message("40") in r.text
    assert _rows() == [] and _stored_files(app) == []


def test_the_pixel_limit_is_a_setting(app, world, case, client_for):
    app.config["EVIDENCE_MAX_PIXELS"] = 1_000_000
    client = client_for(world.specialist)
    r = _upload(client, case, png_header_only(1_001, 1_000), "wide.png")
    assert r.status_code == 400 and _too_large_message("1") in r.text
    assert _rows() == []
    assert _upload(client, case, png_header_only(1_000, 1_000), "ok.png").status_code == 302
    assert [e.content_type for e in _rows()] == ["image/png"]


def test_a_file_over_the_size_limit_is_refused(app, world, case, client_for):
    app.config["EVIDENCE_MAX_BYTES"] = 1000
    client = client_for(world.specialist)
    r = _upload(client, case, PDF + b"%" * 1000, "big.pdf")
    assert r.status_code == 400
    assert _rows() == [] and _stored_files(app) == []
    assert _upload(client, case, PDF, "small.pdf").status_code == 302


def test_a_case_holds_at_most_the_configured_number_of_files(app, world, case, client_for):
    app.config["EVIDENCE_MAX_FILES"] = 2
    client = client_for(world.specialist)
    assert _upload(client, case, PDF, "1.pdf").status_code == 302
    assert _upload(client, case, PDF + b"2", "2.pdf").status_code == 302
    r = _upload(client, case, PDF + b"3", "3.pdf")
    assert r.status_code == 400 and len(_rows()) == 2
    # a removed file no longer counts
    assert client.post(f"/cases/{case.id}/evidence/{_rows()[0].id}/remove").status_code == 302
    assert _upload(client, case, PDF + b"3", "3.pdf").status_code == 302
    assert len(_rows()) == 3


def test_removal_keeps_the_row_and_hides_it(app, world, case, client_for):
    client = client_for(world.specialist)
    photo = jpeg()
    _upload(client, case, photo, "photo.jpg")
    (ev,) = _rows()
    r = client.post(f"/cases/{case.id}/evidence/{ev.id}/remove")
    assert r.status_code == 302
    (kept,) = _rows()
    assert kept.removed_at is not None and evidence_service.read(kept) == photo
    assert evidence_service.live(case) == [] and evidence_service.photos(case) == []
    page = client.get(f"/cases/{case.id}").text
    assert kept.sha256[:12] not in page
    assert client.get(f"/cases/{case.id}/evidence/{ev.id}").status_code == 404
    assert client.get(f"/cases/{case.id}/evidence/{ev.id}/thumb").status_code == 404
    # removing twice says so, and changes nothing
    assert client.post(f"/cases/{case.id}/evidence/{ev.id}/remove").status_code == 302
    assert _rows()[0].removed_at == kept.removed_at


def test_another_organisation_gets_404(app, world, case, client_for):
    _upload(client_for(world.specialist), case, jpeg(), "photo.jpg")
    (ev,) = _rows()
    stranger = client_for(world.stranger)
    base = f"/cases/{case.id}"
    assert stranger.get(base).status_code == 404
    assert stranger.get(f"{base}/evidence").status_code == 404
    assert stranger.get(f"{base}/evidence/{ev.id}").status_code == 404
    assert stranger.get(f"{base}/evidence/{ev.id}/thumb").status_code == 404
    assert _upload(stranger, case, PDF, "x.pdf").status_code == 404
    assert stranger.post(f"{base}/evidence/{ev.id}/remove").status_code == 404
    (still,) = _rows()
    assert still.removed_at is None and len(_stored_files(app)) == 2  # the photo, its thumb


def test_an_id_from_another_case_is_not_found(app, world, case, client_for):
    client = client_for(world.specialist)
    _upload(client, case, PDF, "x.pdf")
    (ev,) = _rows()
    own = factories.make_case(world)
    _db.session.commit()
    assert client.get(f"/cases/{own.id}/evidence/{ev.id}").status_code == 404
    assert client.post(f"/cases/{own.id}/evidence/{ev.id}/remove").status_code == 302
    assert _rows()[0].removed_at is None


def test_viewers_download_but_only_editors_change(app, world, case, client_for):
    _upload(client_for(world.specialist), case, PDF, "x.pdf")
    (ev,) = _rows()
    from incidents.models import CaseParticipant

    # a view-only participant (the victim's trusted person, by invitation)
    _db.session.add(CaseParticipant(case_id=case.id, user_id=world.member.id, role="victim"))
    _db.session.commit()
    member = client_for(world.member)
    page = member.get(f"/cases/{case.id}").text
    assert ev.sha256[:12] in page and f"/cases/{case.id}/evidence/{ev.id}/remove" not in page
    card = page.split('id="evidence"')[1].split("</section>")[0]
    assert "multipart/form-data" not in card  # no upload form
    assert member.get(f"/cases/{case.id}/evidence/{ev.id}").data == PDF
    assert _upload(member, case, PDF + b"m", "m.pdf").status_code == 403
    assert member.post(f"/cases/{case.id}/evidence/{ev.id}/remove").status_code == 403
    assert len(_rows()) == 1 and _rows()[0].removed_at is None


def test_the_form_needs_a_file_and_a_known_kind(app, world, case, client_for):
    client = client_for(world.specialist)
    r = client.post(
        f"/cases/{case.id}/evidence",
        data={"evidence-kind": "selfie", "evidence-description": ""},
        content_type="multipart/form-data",
    )
    assert r.status_code == 400 and 'id="evidence"' in r.text and "is-invalid" in r.text
    assert _rows() == []


def test_upload_and_removal_work_with_csrf_on(app_config, world, app):
    strict = create_app(TestingConfig, **app_config, WTF_CSRF_ENABLED=True)
    strict.test_client_class = IsolatedClient
    case = factories.make_case(world)
    _db.session.commit()
    c = strict.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', c.get("/login").text)
    login = {"email": world.specialist.email, "password": factories.PASSWORD}
    assert c.post("/login", data={**login, "csrf_token": token.group(1)}).status_code == 302
    page = c.get(f"/cases/{case.id}").text
    card = page.split('id="evidence"')[1].split("</section>")[0]
    token = re.search(r'name="csrf_token" value="([^"]+)"', card).group(1)
    assert _upload(c, case, PDF, "x.pdf").status_code == 400  # no token
    r = c.post(
        f"/cases/{case.id}/evidence",
        data={
            "csrf_token": token,
            "evidence-kind": "other",
            "evidence-file": (io.BytesIO(PDF), "x.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    (ev,) = _rows()
    assert c.post(f"/cases/{case.id}/evidence/{ev.id}/remove").status_code == 400
    remove = {"csrf_token": token}
    assert c.post(f"/cases/{case.id}/evidence/{ev.id}/remove", data=remove).status_code == 302
    assert _rows()[0].removed_at is not None
    with strict.app_context():
        _db.engine.dispose()
