"""The repository stands alone: no tracked file points at documents that live outside it (the
design notes and the domain notes the project was started from). What they said is in
docs/procedure.md and in the code's own comments."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from tests.conftest import need

ROOT = Path(__file__).resolve().parent.parent

# Built from pieces, so that this file does not mention them itself.
_MD = r"\.md"
_OUTSIDE = [
    "PROCEDURE" + _MD,
    "TOOLING" + _MD,
    "STYLE" + _MD,
    "GLOSSARY" + _MD,
    "LAW" + "-DIGEST",
    "FLASK" + "-ANCHORS",
    r"\.\./" + "shared",
    "shared" + "/domain",
    "shared" + "/design",
]
OUTSIDE = re.compile("|".join(_OUTSIDE))


def tracked_files() -> list[Path]:
    git = shutil.which("git")
    need(git is not None and (ROOT / ".git").exists(), "a git checkout")
    out = subprocess.run([git, "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    return [ROOT / name for name in out.decode().split("\0") if name]


def references_outside(path: Path) -> list[str]:
    """`path:line: text` of every line that names a document outside the repository."""
    try:
        text = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, FileNotFoundError):
        return []  # a binary file (template, catalog, image), or deleted and not yet staged
    return [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for number, line in enumerate(text.splitlines(), start=1)
        if OUTSIDE.search(line)
    ]


def test_the_pattern_finds_a_reference():
    # guards the test below against a pattern that matches nothing
    for sample in (
        "see " + "PROCEDURE" + ".md section 4",
        "(" + "TOOLING" + ".md §3)",
        "`../" + "shared" + "/domain/x`",
    ):
        assert OUTSIDE.search(sample)
    assert not OUTSIDE.search("see docs/procedure.md §4")


def test_no_tracked_file_refers_to_documents_outside_the_repository():
    files = tracked_files()
    assert ROOT / "docs" / "procedure.md" in files
    hits = [hit for path in files for hit in references_outside(path)]
    assert hits == [], "\n".join(hits)
