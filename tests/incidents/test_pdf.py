"""PDF copies for the insurer's package: one LibreOffice run converts several issued documents,
the Kyrgyz letters survive, and a failure says what went wrong instead of hanging."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
import zipfile
from pathlib import Path

import pytest
from flask import has_app_context

import doc_templates
from doc_templates.samples import VICTIM_NAME, sample_context
from incidents.services import documents, pdf
from tests import factories
from tests.conftest import need

KYRGYZ_NAME = "Нургүл Төлөгөнова"
KYRGYZ_TITLE = "өндүрүштөгү кырсык жөнүндө"  # Act N-1's heading in Kyrgyz
PDFTOTEXT = shutil.which("pdftotext")


def _need_tools() -> None:
    need(shutil.which("soffice") is not None, "LibreOffice (soffice)")
    need(PDFTOTEXT is not None, "pdftotext (poppler-utils)")


def _text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "read.pdf"
    path.write_bytes(data)
    run = subprocess.run([PDFTOTEXT, str(path), "-"], capture_output=True, check=True)
    return run.stdout.decode()


def _sample_act(path: Path, language: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(doc_templates.render("act_n1", language, sample_context("act_n1", language)))
    return path


def test_issued_documents_become_pdfs_in_one_run_with_their_kyrgyz_letters(app, world, tmp_path):
    _need_tools()
    case = factories.make_case(world, victim=factories.victim_data(full_name=KYRGYZ_NAME))
    factories.advance_to(case, world, "act_drafted")
    current = [d for d in case.documents if d.current]
    assert len(current) >= 4  # both acts, and the insurer's notice in both languages
    sources = [documents.store_path(d.sha256) for d in current]

    pdfs = pdf.convert(sources)

    assert set(pdfs) == set(sources) and all(data.startswith(b"%PDF-") for data in pdfs.values())
    act = next(d for d in current if d.kind == "act_n1" and d.language == "ky")
    text = _text(pdfs[documents.store_path(act.sha256)], tmp_path)
    assert KYRGYZ_TITLE in text and KYRGYZ_NAME in text


def test_sources_with_the_same_file_name_work_without_an_app(tmp_path):
    """A background worker calls convert outside any app context; its files may share a name."""
    _need_tools()
    assert not has_app_context()
    ky = _sample_act(tmp_path / "ky" / "act.docx", "ky")
    ru = _sample_act(tmp_path / "ru" / "act.docx", "ru")

    pdfs = pdf.convert([ky, ru])

    ky_text, ru_text = _text(pdfs[ky], tmp_path), _text(pdfs[ru], tmp_path)
    assert KYRGYZ_TITLE in ky_text and VICTIM_NAME in ky_text
    assert KYRGYZ_TITLE not in ru_text and VICTIM_NAME in ru_text


@pytest.mark.parametrize("binary", ["", "/nonexistent/soffice"])
def test_without_libreoffice_conversion_says_so(app, monkeypatch, tmp_path, binary):
    monkeypatch.setitem(app.config, "SOFFICE_BINARY", binary)
    assert not pdf.available()
    with pytest.raises(pdf.PdfUnavailable):
        pdf.convert([_sample_act(tmp_path / "act.docx", "ru")])


def _damage(good: Path, bad: Path) -> None:
    """A zip that looks like a DOCX, with word/document.xml cut in half."""
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            dst.writestr(
                item, data[: len(data) // 2] if item.filename.endswith("document.xml") else data
            )


@pytest.mark.parametrize(
    "spoil, message",
    [
        # LibreOffice would print random bytes as text into a PDF: they are refused before it runs.
        (lambda good, bad: bad.write_bytes(os.urandom(4096)), "not a DOCX file"),
        # LibreOffice cannot load it, says so on stderr, and still exits with 0.
        (_damage, "no PDF for .*could not be loaded"),
    ],
    ids=["garbage", "damaged"],
)
def test_a_file_that_is_not_a_good_docx_is_an_error_not_a_pdf(tmp_path, spoil, message):
    _need_tools()
    good = _sample_act(tmp_path / "good.docx", "ky")
    bad = tmp_path / "bad.docx"
    spoil(good, bad)
    with pytest.raises(pdf.PdfError, match=message) as raised:
        pdf.convert([good, bad], timeout=60)
    assert str(bad) in str(raised.value)


def _running_on(profile: str) -> bool:
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if profile.encode() in cmdline.read_bytes():
                return True
        except OSError:  # the process ended meanwhile
            pass
    return False


def test_a_run_past_the_timeout_is_killed_with_its_children(tmp_path):
    _need_tools()
    act = _sample_act(tmp_path / "act.docx", "ru")
    with pytest.raises(pdf.PdfError, match="ran past 0.2 s"):
        pdf.convert([act], timeout=0.2)
    assert not _running_on(f"lo-profile-{os.getpid()}")  # neither oosplash nor soffice.bin


def test_a_hung_run_is_killed_with_the_whole_process_group(app, monkeypatch, tmp_path):
    """A stand-in soffice whose child hangs on to stderr, like soffice.bin under oosplash:
    killing only the launcher would leave convert waiting for the child."""
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nsleep 5 &\nsleep 5\n")
    fake.chmod(0o755)
    monkeypatch.setitem(app.config, "SOFFICE_BINARY", str(fake))
    act = _sample_act(tmp_path / "act.docx", "ru")
    started = time.monotonic()
    with pytest.raises(pdf.PdfError, match="ran past 0.3 s"):
        pdf.convert([act], timeout=0.3)
    assert time.monotonic() - started < 3


def test_threads_of_one_process_take_turns_on_its_profile(tmp_path):
    """Two soffice runs on one profile: the second exits with 1 and writes nothing."""
    _need_tools()
    acts = [_sample_act(tmp_path / f"{i}" / "act.docx", "ky") for i in range(2)]
    results: dict = {}

    def work(act):
        try:
            results[act] = pdf.convert([act])[act][:5]
        except pdf.PdfError as error:
            results[act] = error

    threads = [threading.Thread(target=work, args=(act,)) for act in acts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {act: b"%PDF-" for act in acts}
