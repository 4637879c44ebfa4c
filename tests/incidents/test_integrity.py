"""The document store checked against the database: orphans and temp files are reported as
harmless, a row without its file (or with a changed one) as damage, on every kind of row that
names a stored file."""

from __future__ import annotations

import io
import logging
import os
import time
from pathlib import Path

import click
from PIL import Image

from incidents import jobs
from incidents.models import Evidence, GeneratedDocument, InsurerPackage, PackageFile
from incidents.services import documents, evidence, integrity, tracks
from incidents.services import packages as package_service
from tests import factories

PDF = b"%PDF-1.4\n% a scanned act\n%%EOF\n"


def _image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 40), (30, 120, 200)).save(out, fmt)
    return out.getvalue()


def every_kind_of_file(app, world, db):
    """A case whose rows name a file of every kind: generated documents, evidence (JPEG with
    its thumbnail, PNG, PDF), a parallel track's act, and a built insurer package (its DOCX,
    attachments, JSON and manifest). Committed."""
    app.config["SOFFICE_BINARY"] = ""  # no PDF copies: seconds of LibreOffice, nothing new
    case = factories.make_case(world)
    for kind, name, data in (
        ("photo", "место.jpg", _image("JPEG")),
        ("sketch", "схема.png", _image("PNG")),
        ("medical", "заключение.pdf", PDF),
    ):
        evidence.upload(case, world.specialist, kind=kind, name=name, data=data)
    track = {
        "kind": "technical_investigation",
        "authority": "Госгортехнадзор",
        "opened_at": factories.ago(1),
    }
    tracks.open_track(case, world.specialist, track, upload=("акт.pdf", PDF + b"track"))
    factories.advance_to(case, world, "insurer_notified")
    db.session.commit()
    jobs.run_due()  # builds the package
    package = package_service.current(case)
    assert package is not None and package.manifest_sha256, package.error if package else None
    return case


def _rows(db) -> int:
    docs = db.session.scalar(db.select(db.func.count(GeneratedDocument.id)))
    ev = db.session.scalars(db.select(Evidence)).all()
    files = db.session.scalar(db.select(db.func.count(PackageFile.id)))
    manifests = db.session.scalar(
        db.select(db.func.count(InsurerPackage.id)).where(
            InsurerPackage.manifest_sha256.is_not(None)
        )
    )
    return docs + len(ev) + sum(1 for e in ev if e.thumb_sha256) + 1 + files + manifests


def _store(app) -> Path:
    return Path(app.config["DOCUMENT_STORE"])


def _check(app, *args):
    return app.test_cli_runner().invoke(args=["integrity", "check", *args])


def test_a_consistent_store_reports_nothing_and_exits_zero(app, world, db):
    every_kind_of_file(app, world, db)
    report = integrity.scan(deep=True)
    assert report.problems == [] and report.damaged == 0
    assert report.rows == _rows(db)
    # a file named by several rows (a document and its copy in the package) is one file
    assert report.files < report.rows
    result = _check(app, "--deep")
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("0 missing, 0 corrupt, 0 orphan, 0 temp")


def test_each_kind_of_row_is_checked_under_its_own_suffix(app, world, db):
    """Remove every file: each row that named one is reported missing, under its kind's name."""
    every_kind_of_file(app, world, db)
    for path in _store(app).glob("*/*"):
        path.unlink()
    report = integrity.scan()
    missing = report.of(integrity.MISSING)
    assert len(missing) == report.rows == _rows(db)
    labels = {p.row.rsplit(" ", 1)[0] for p in missing}
    assert labels == {
        "generated_document",
        "evidence",
        "evidence thumbnail",
        "parallel_track",
        "package_file",
        "insurer_package manifest",
    }
    suffixes = {Path(p.path).suffix for p in missing}
    assert suffixes == {".docx", ".jpg", ".png", ".pdf", ".json"}
    jpeg = db.session.scalars(db.select(Evidence).where(Evidence.kind == "photo")).one()
    assert f"evidence thumbnail {jpeg.id}" in {p.row for p in missing}
    assert str(documents.store_path(jpeg.sha256, ".jpg")) in {p.path for p in missing}


def test_orphans_and_temp_files_are_reported_but_harmless(app, world, db):
    case = factories.make_case(world)
    db.session.commit()
    orphan = documents.store_upload(b"rolled back with its transaction", ".docx")
    part = documents.store_path(orphan).parent / "tmpk1ll3d.part"
    part.write_bytes(b"half a docx")
    stray = _store(app) / "zz" / "notes.txt"  # not a fan-out folder: not the store's
    stray.parent.mkdir()
    stray.write_text("x")
    odd = documents.store_path(orphan).parent / "README"
    odd.write_text("x")

    report = integrity.scan()
    assert report.damaged == 0
    assert {p.path for p in report.of(integrity.ORPHAN)} == {
        str(documents.store_path(orphan)),
        str(odd),
    }
    assert [p.path for p in report.of(integrity.TEMP)] == [str(part)]
    assert report.rows == len(case.documents) == 2
    result = _check(app)
    assert result.exit_code == 0, result.output
    assert f"orphan   {documents.store_path(orphan)}" in result.output
    assert f"temp     {part}" in result.output


def test_a_missing_file_is_damage_and_named_with_its_row(app, world, db):
    case = factories.make_case(world)
    db.session.commit()
    gone, kept = case.documents
    documents.store_path(gone.sha256).unlink()

    report = integrity.scan()
    assert report.problems == [
        integrity.Problem(
            integrity.MISSING,
            str(documents.store_path(gone.sha256)),
            f"generated_document {gone.id}",
        )
    ]
    assert documents.read(kept)
    result = _check(app)
    assert result.exit_code == 1
    assert f"generated_document {gone.id}" in result.output
    assert "1 missing, 0 corrupt" in result.output


def test_a_changed_file_is_found_by_the_deep_check_only(app, world, db):
    case = factories.make_case(world)
    db.session.commit()
    doc = case.documents[0]
    path = documents.store_path(doc.sha256)
    path.write_bytes(path.read_bytes() + b"edited")

    assert integrity.scan().problems == []  # existence only: fast on millions of files
    report = integrity.scan(deep=True)
    assert report.problems == [
        integrity.Problem(integrity.CORRUPT, str(path), f"generated_document {doc.id}")
    ]
    assert _check(app).exit_code == 0
    result = _check(app, "--deep")
    assert result.exit_code == 1 and f"corrupt  {path}" in result.output


def test_clean_temp_removes_only_old_temp_files(app, world, db):
    factories.make_case(world)
    db.session.commit()
    orphan = documents.store_path(documents.store_upload(b"orphan", ".docx"))
    folder = orphan.parent
    old, young = folder / "tmpold.part", folder / "tmpyoung.part"
    for path in (old, young):
        path.write_bytes(b"partial")
    hours_ago = time.time() - 2 * 3600
    os.utime(old, (hours_ago, hours_ago))
    os.utime(orphan, (hours_ago, hours_ago))  # old, but not a temp file

    result = _check(app, "--clean-temp")
    assert result.exit_code == 0, result.output
    assert f"removed  {old}" in result.output
    assert not old.exists() and young.exists() and orphan.exists()
    assert [p.path for p in integrity.scan().of(integrity.TEMP)] == [str(young)]


def test_an_empty_store_is_no_error(app, world, db):
    assert integrity.scan().problems == []
    assert integrity.clean_temp() == []


def test_on_start_the_problems_are_logged_capped_with_totals(app, world, db, caplog):
    case = factories.make_case(world)
    db.session.commit()
    documents.store_path(case.documents[0].sha256).unlink()
    for i in range(integrity.LOG_LIMIT + 5):
        documents.store_upload(f"orphan {i}".encode(), ".docx")
    app.config["INTEGRITY_CHECK_ON_START"] = True

    with caplog.at_level(logging.WARNING, logger=app.logger.name):
        thread = integrity.check_on_start(app)
        thread.join(timeout=30)
    os.close(app.extensions.pop("integrity_lock"))  # a served app keeps it for its life
    lines = [r.getMessage() for r in caplog.records]
    assert sum(m.startswith("integrity: missing ") for m in lines) == 1
    assert sum(m.startswith("integrity: orphan ") for m in lines) == integrity.LOG_LIMIT
    assert lines[-1] == (
        f"integrity: 2 file references, {integrity.LOG_LIMIT + 6} files: "
        f"1 missing, 0 corrupt, {integrity.LOG_LIMIT + 5} orphan, 0 temp (5 not listed)"
    )


def test_on_start_only_one_process_scans_and_flask_commands_do_not(app, world, db, caplog):
    factories.make_case(world)
    db.session.commit()
    documents.store_upload(b"orphan", ".docx")
    app.config["INTEGRITY_CHECK_ON_START"] = True
    import fcntl

    with open(_store(app) / integrity.LOCK_NAME, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another worker is scanning
        with caplog.at_level(logging.INFO, logger=app.logger.name):
            integrity.check_on_start(app).join(timeout=30)
    assert caplog.records == []
    with click.Context(click.Command("db")):  # `flask --app wsgi db upgrade` imports wsgi.py
        assert integrity.check_on_start(app) is None
    app.config["INTEGRITY_CHECK_ON_START"] = False
    assert integrity.check_on_start(app) is None
