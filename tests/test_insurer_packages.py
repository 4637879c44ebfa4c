"""The insurer hand-off: the package (DOCX, PDF, attachments, package.json, manifest), built by
a background job after the insurer is notified, and read back the way an insurer would."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import zipfile

from jsonschema import Draft202012Validator
from PIL import Image

from incidents import jobs
from incidents.models import InsurerPackage, Job, JobStatus, PackageStatus, Role
from incidents.services import evidence, pdf
from incidents.services import packages as package_service
from tests import factories
from tests.conftest import need

VICTIM = "Нурбек Үсөнбаев"  # Kyrgyz letters ү and ө


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 200), (180, 40, 40)).save(out, "JPEG")
    return out.getvalue()


def notified_case(world, db, victim=VICTIM):
    """A light accident handed to the insurer (committed): its package is queued."""
    case = factories.make_case(world, victim=factories.victim_data(full_name=victim))
    evidence.upload(
        case, world.specialist, kind="photo", name="место.jpg", data=photo(), description="Настил"
    )
    factories.advance_to(case, world, "insurer_notified")
    db.session.commit()
    return case


def built(case) -> InsurerPackage:
    jobs.run_due()
    package = package_service.current(case)
    assert package is not None and package.status == PackageStatus.ready, package.error
    return package


def _unzip(client, package) -> zipfile.ZipFile:
    r = client.get(f"/insurer/packages/{package.uid}/package.zip")
    assert r.status_code == 200 and r.mimetype == "application/zip"
    return zipfile.ZipFile(io.BytesIO(r.data))


def test_the_package_carries_every_act_and_notice_with_a_true_manifest(app, world, db, client_for):
    need(pdf.available(), "LibreOffice")
    need(shutil.which("pdftotext") is not None, "pdftotext")
    case = notified_case(world, db)
    package = package_service.current(case)
    assert package.status == PackageStatus.building  # nothing heavy ran inside the request
    package = built(case)
    assert package.insurer_id == world.insurer_org.id and package.policy_id == world.policy.id

    archive = _unzip(client_for(world.insurer), package)
    manifest = json.loads(archive.read("manifest.json"))
    assert sorted(archive.namelist()) == sorted(
        [e["name"] for e in manifest["files"]] + ["manifest.json"]
    )
    for entry in manifest["files"]:
        data = archive.read(entry["name"])
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["name"]
        assert len(data) == entry["size"]
    assert hashlib.sha256(archive.read("manifest.json")).hexdigest() == package.manifest_sha256

    names = archive.namelist()
    docx = [n for n in names if n.startswith("documents/")]
    kinds = {n.split("/")[1].split("-")[0] for n in docx}
    assert {"notice", "commission_order", "act_n1", "insurer_notice"} <= kinds
    assert {n.rsplit("-", 2)[1] for n in docx} == {"ru", "ky"}  # both languages
    # a PDF of every DOCX, and the photo as it was uploaded
    assert sorted(n.removeprefix("pdf/") for n in names if n.startswith("pdf/")) == sorted(
        n.removeprefix("documents/").replace(".docx", ".pdf") for n in docx
    )
    [attachment] = [n for n in names if n.startswith("attachments/")]
    assert archive.read(attachment) == evidence.read(evidence.live(case)[0])

    # package.json validates against the schema the API publishes
    schema = client_for(world.insurer).get("/api/v1/schemas/insurer-package-v1.json").get_json()
    data = json.loads(archive.read("package.json"))
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert list(validator.iter_errors(data)) == []
    assert data["victims"][0]["full_name"] == VICTIM
    assert data["policy"]["number"] == "ГО-2026-00417"
    assert {d["name"] for d in data["documents"]} == {
        n for n in names if n.split("/")[0] in ("documents", "pdf", "attachments")
    }

    # the Kyrgyz act as PDF, read back as text
    [act_ky] = [n for n in names if n.startswith("pdf/act_n1-") and "-ky-" in n]
    text = subprocess.run(
        [shutil.which("pdftotext"), "-", "-"],
        input=archive.read(act_ky),
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert VICTIM in " ".join(text.split())
    assert "ө" in text and "ү" in text and "ң" in text


def test_without_libreoffice_the_package_says_so_and_carries_the_docx(app, world, db, client_for):
    app.config["SOFFICE_BINARY"] = ""  # as on a server without LibreOffice
    case = notified_case(world, db)
    package = built(case)
    assert package.pdf_note == package_service.NO_PDF
    roles = {f.role for f in package.files}
    assert roles == {"document", "attachment", "data", "manifest"}
    assert package_service.manifest_matches(package)
    page = client_for(world.insurer).get(f"/insurer/packages/{package.uid}").text
    assert "LibreOffice" in page


def test_a_build_that_keeps_failing_is_shown_failed_never_lost(app, world, db, client_for):
    case = notified_case(world, db)
    app.config["SOFFICE_BINARY"] = "/bin/false"  # "LibreOffice" that never writes a PDF
    jobs.run_due()
    job = db.session.scalar(db.select(Job).where(Job.name == "build_package"))
    package = package_service.current(case)
    assert job.status == JobStatus.failed and job.attempts == app.config["JOB_MAX_ATTEMPTS"]
    assert package.status == PackageStatus.failed and "PdfError" in package.error
    assert package.files == []
    page = client_for(world.specialist).get(f"/cases/{case.id}").text
    assert f'data-package="{package.uid}"' in page
    # the administrator runs it again once the converter works
    app.config["SOFFICE_BINARY"] = ""
    admin = factories.make_user(Role.admin, None, "admin@example.kg")
    db.session.commit()
    r = client_for(admin).post(f"/admin/jobs/{job.id}/retry")
    assert r.status_code == 303
    jobs.run_due()
    db.session.expire_all()
    assert package_service.current(case).status == PackageStatus.ready


def test_a_reopened_case_gets_a_new_package_and_the_old_one_is_replaced(app, world, db):
    case = notified_case(world, db)
    first = built(case)
    from incidents.services import cases

    cases.advance(case, world.head, "reopen", comment="Новые обстоятельства")
    db.session.commit()
    assert first.superseded_at is not None
    factories.advance_to(case, world, "insurer_notified")
    db.session.commit()
    second = built(case)
    assert (second.version, second.id != first.id) == (2, True)
