"""PDF copies of issued documents for the insurer's hand-off package: LibreOffice, headless,
several DOCX in one call (one call per file would cost about a second each).

Each process has its own LibreOffice profile, because two runs sharing one fail without a word,
and the runs of one process take turns on it. LibreOffice makes a PDF of anything it can read,
random bytes included, so the sources are checked to be DOCX first; and it exits with 0 when a
file cannot be loaded, so the error is a missing PDF, not the exit status.

Works without an app context too (a background worker): the config keys then take their
defaults. SOFFICE_BINARY: None searches PATH, "" means LibreOffice is absent."""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import zipfile
from pathlib import Path

from flask import current_app, has_app_context

DEFAULT_TIMEOUT = 120.0
_turn = threading.Lock()  # one soffice per process at a time: they share the profile


class PdfUnavailable(Exception):
    """LibreOffice is not installed here (or SOFFICE_BINARY is "")."""


class PdfError(Exception):
    """A conversion failed: a source is not a DOCX, soffice failed or ran too long, or it wrote
    no PDF for a source. The message ends with the tail of soffice's stderr."""


def _config(key: str, default):
    return current_app.config.get(key, default) if has_app_context() else default


def _binary() -> str | None:
    configured = _config("SOFFICE_BINARY", None)
    if configured is not None:
        return shutil.which(configured) if configured else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    return _binary() is not None


def _profile() -> Path:
    return Path(tempfile.gettempdir(), f"lo-profile-{os.getpid()}")


# Looked up at exit, so a forked worker removes its own profile, not its parent's.
atexit.register(lambda: shutil.rmtree(_profile(), ignore_errors=True))


def _is_docx(path: Path) -> bool:
    if not zipfile.is_zipfile(path):
        return False
    with zipfile.ZipFile(path) as z:
        return "word/document.xml" in z.namelist()


def convert(sources: list[Path], *, timeout: float | None = None) -> dict[Path, bytes]:
    """The PDF bytes of each source DOCX, all converted by one soffice run (the first costs about
    a second, each further one about a tenth). `timeout` defaults to PDF_TIMEOUT_SECONDS (120)."""
    binary = _binary()
    if binary is None:
        raise PdfUnavailable("LibreOffice (soffice) is not installed")
    sources = [Path(s) for s in sources]
    for source in sources:
        if not _is_docx(source):
            raise PdfError(f"not a DOCX file: {source}")
    if not sources:
        return {}
    if timeout is None:
        timeout = float(_config("PDF_TIMEOUT_SECONDS", DEFAULT_TIMEOUT))
    with tempfile.TemporaryDirectory(prefix="pdf-") as tmp:
        # Numbered copies: two sources may share a name, and soffice names a PDF after its input.
        copies = [Path(tmp, f"{i}.docx") for i in range(len(sources))]
        for source, copy in zip(sources, copies, strict=True):
            shutil.copyfile(source, copy)
        out = Path(tmp, "out")
        command = [
            binary,
            f"-env:UserInstallation={_profile().as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *map(str, copies),
        ]
        with _turn:
            stderr = _run(command, timeout)
        pdfs = {}
        for source, copy in zip(sources, copies, strict=True):
            pdf = out / f"{copy.stem}.pdf"
            if not pdf.is_file():
                raise PdfError(f"no PDF for {source}: {_tail(stderr)}")
            pdfs[source] = pdf.read_bytes()
        return pdfs


def _run(command: list[str], timeout: float) -> bytes:
    """Run soffice in a process group of its own, so a timeout kills soffice.bin as well as the
    oosplash launcher; its stderr."""
    proc = subprocess.Popen(  # noqa: S603 - a list of our own arguments, no shell
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        _, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        _, stderr = proc.communicate()
        raise PdfError(f"soffice ran past {timeout:g} s: {_tail(stderr)}") from None
    if proc.returncode != 0:
        raise PdfError(f"soffice exited with {proc.returncode}: {_tail(stderr)}")
    return stderr


def _tail(stderr: bytes, limit: int = 1000) -> str:
    # "failed to launch javaldx" comes on every run and is harmless (no Java is needed).
    lines = [ln for ln in stderr.decode(errors="replace").splitlines() if "javaldx" not in ln]
    return "\n".join(lines)[-limit:] or "(soffice printed nothing)"
