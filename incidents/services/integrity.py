"""The document store checked against the database: the files no row refers to, and the rows
whose file is missing or no longer matches its SHA-256.

Every file is written (temp file, fsync, rename) before the row that names it commits (see
`documents._store`), so a rolled-back or killed transaction leaves at most an *orphan*: a
complete file nobody refers to, or a `*.part` temp file of a write cut short. Both are harmless
leftovers and only reported. A row whose file is *missing* or *corrupt* is damage (a store
restored from an older backup than the database, a failing disk, a hand-edited file).

Both sides are streamed in SHA-256 order and merge-joined, so memory stays flat however many
millions of files the store holds: the rows come `ORDER BY sha256` with `yield_per`, the store
is walked one fan-out folder at a time with `os.scandir`. Existence is checked by default;
`deep=True` also hashes every referenced file. On SQLite the scan is one read transaction, during
which writers wait: fine for the small stores of the embedded default, not for a national one
(which runs on PostgreSQL, where readers block nobody)."""

from __future__ import annotations

import fcntl
import heapq
import os
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path, PurePath

import click
from flask import Flask

from ..extensions import db
from ..models import Evidence, GeneratedDocument, InsurerPackage, PackageFile, ParallelTrack
from . import storage
from .evidence import SUFFIXES, THUMB_SUFFIX

FANOUT = re.compile(r"[0-9a-f]{2}")  # store_path: <store>/<sha[:2]>/<sha><suffix>
STORED = re.compile(r"[0-9a-f]{64}(\.[A-Za-z0-9]+)?")
TEMP_SUFFIX = ".part"  # documents._store's temp files
TEMP_MAX_AGE = 3600  # seconds; a younger temp file may be a write still in flight
BATCH = 1000
LOG_LIMIT = 20  # problems logged one by one at start, per kind; the totals count them all
LOCK_NAME = ".integrity.lock"  # in the store's root, outside the fan-out folders

# Problem kinds. The first two are damage (the command exits non-zero), the others leftovers.
MISSING, CORRUPT, ORPHAN, TEMP = "missing", "corrupt", "orphan", "temp"
DAMAGE = (MISSING, CORRUPT)


@dataclass(frozen=True)
class Problem:
    kind: str
    path: str
    row: str | None = None  # "generated_document 17": the row that refers to the file

    def __str__(self) -> str:
        return f"{self.kind:8} {self.path}" + (f"  ({self.row})" if self.row else "")


@dataclass
class Report:
    """What a scan found: every problem counted, at most `keep` of them listed."""

    rows: int = 0  # file references read from the database
    files: int = 0  # files found in the store
    counts: Counter = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)

    @property
    def damaged(self) -> int:
        return sum(self.counts[k] for k in DAMAGE)

    def of(self, kind: str) -> list[Problem]:
        return [p for p in self.problems if p.kind == kind]

    def summary(self) -> str:
        found = ", ".join(f"{self.counts[k]} {k}" for k in (MISSING, CORRUPT, ORPHAN, TEMP))
        return f"{self.rows} file references, {self.files} files: {found}"


@dataclass(frozen=True)
class _Ref:
    sha256: str
    suffix: str
    row: str


# Every column that names a stored file: (label, id, sha256 column, the column the file's
# suffix follows or None, the suffix or a function of that column's value giving it). Keep in
# step with the callers of documents._store and store_upload.
def _sources() -> tuple:
    return (
        ("generated_document", GeneratedDocument.id, GeneratedDocument.sha256, None, ".docx"),
        ("evidence", Evidence.id, Evidence.sha256, Evidence.content_type, SUFFIXES.get),
        ("evidence thumbnail", Evidence.id, Evidence.thumb_sha256, None, THUMB_SUFFIX),
        (
            "parallel_track",
            ParallelTrack.id,
            ParallelTrack.file_sha256,
            ParallelTrack.file_name,
            lambda name: PurePath(name or "").suffix,
        ),
        ("package_file", PackageFile.id, PackageFile.sha256, PackageFile.suffix, str),
        (
            "insurer_package manifest",
            InsurerPackage.id,
            InsurerPackage.manifest_sha256,
            None,
            ".json",
        ),
    )


def _byte_order(column):
    """Sort as Python compares str: PostgreSQL's default collation may not (SQLite's does)."""
    return column.collate("C") if db.session.get_bind().dialect.name == "postgresql" else column


def _refs_of(label, id_col, sha_col, suffix_col, suffix) -> Iterator[_Ref]:
    extra = suffix_col if suffix_col is not None else db.null()
    query = (
        db.select(id_col, sha_col, extra)
        .where(sha_col.is_not(None))
        .order_by(_byte_order(sha_col), id_col)
        .execution_options(yield_per=BATCH)
    )
    for row_id, sha, extra in db.session.execute(query):
        sfx = suffix if isinstance(suffix, str) else (suffix(extra) or "")
        yield _Ref(sha, sfx, f"{label} {row_id}")


def _ordered(items: Iterable, key: Callable, what: str) -> Iterator:
    """Pass `items` through, failing loudly if they are not sorted: the merge relies on it."""
    last = None
    for item in items:
        k = key(item)
        if last is not None and k < last:
            raise RuntimeError(f"{what} not in SHA-256 order at {k!r}")
        last = k
        yield item


def _refs(stats: Counter) -> Iterator[_Ref]:
    streams = [_ordered(_refs_of(*s), lambda r: r.sha256, s[0]) for s in _sources()]
    for ref in heapq.merge(*streams, key=lambda r: r.sha256):
        stats["rows"] += 1
        yield ref


def _folders(root: Path) -> list[str]:
    try:
        with os.scandir(root) as entries:
            return sorted(e.name for e in entries if e.is_dir() and FANOUT.fullmatch(e.name))
    except FileNotFoundError:  # nothing stored yet
        return []


def _walk(root: Path) -> Iterator[os.DirEntry]:
    """Every file of the fan-out folders, in name order, one folder in memory at a time."""
    for folder in _folders(root):
        with os.scandir(root / folder) as entries:
            files = sorted((e for e in entries if e.is_file(follow_symlinks=False)), key=_name)
        yield from files


def _name(entry: os.DirEntry) -> str:
    return entry.name


def _files(root: Path, stats: Counter, strays: list[Problem]) -> Iterator[os.DirEntry]:
    """The store's files named by a SHA-256 in their own folder; the rest go to `strays`:
    temp files as TEMP, anything else (no row can name it) as ORPHAN."""
    for entry in _walk(root):
        stats["files"] += 1
        folder = Path(entry.path).parent.name
        if entry.name.endswith(TEMP_SUFFIX):
            strays.append(Problem(TEMP, entry.path))
        elif STORED.fullmatch(entry.name) and entry.name[:2] == folder:
            yield entry
        else:
            strays.append(Problem(ORPHAN, entry.path))


def _match(root: Path, sha: str, refs: list[_Ref], files: list, deep: bool):
    on_disk = {f.name: f for f in files}
    wanted = {r.sha256 + r.suffix for r in refs}
    for ref in refs:
        name = ref.sha256 + ref.suffix
        if name not in on_disk:
            yield Problem(MISSING, str(root / sha[:2] / name), ref.row)
    if deep:
        for name in sorted(wanted & on_disk.keys()):
            if not storage.LocalStore(root).verify(f"{sha[:2]}/{name}", sha):
                for ref in refs:
                    if ref.sha256 + ref.suffix == name:
                        yield Problem(CORRUPT, on_disk[name].path, ref.row)
    for name in sorted(on_disk.keys() - wanted):
        yield Problem(ORPHAN, on_disk[name].path)


def problems(deep: bool = False, stats: Counter | None = None) -> Iterator[Problem]:
    """Every problem of the store against the database, as found (streamed); `stats` counts
    the file references ("rows") and the files ("files") read."""
    stats = Counter() if stats is None else stats
    root = storage.store().root
    strays: list[Problem] = []
    by_ref = groupby(_refs(stats), key=lambda r: r.sha256)
    by_file = groupby(_files(root, stats, strays), key=lambda f: f.name[:64])
    ref, file = next(by_ref, None), next(by_file, None)
    while ref is not None or file is not None:
        yield from strays
        strays.clear()
        if file is None or (ref is not None and ref[0] < file[0]):
            yield from _match(root, ref[0], list(ref[1]), [], deep)
            ref = next(by_ref, None)
        elif ref is None or file[0] < ref[0]:
            yield from _match(root, file[0], [], list(file[1]), deep)
            file = next(by_file, None)
        else:
            yield from _match(root, ref[0], list(ref[1]), list(file[1]), deep)
            ref, file = next(by_ref, None), next(by_file, None)
    yield from strays


def scan(deep: bool = False, keep: int | None = None) -> Report:
    """The whole report; `keep` caps how many problems are listed (all are counted)."""
    report = Report()
    stats: Counter = Counter()
    for problem in problems(deep, stats):
        report.counts[problem.kind] += 1
        if keep is None or len(report.problems) < keep:
            report.problems.append(problem)
    report.rows, report.files = stats["rows"], stats["files"]
    return report


def clean_temp(max_age: float = TEMP_MAX_AGE) -> list[str]:
    """Remove the store's `*.part` files older than `max_age` seconds, and nothing else; their
    paths. A younger one may belong to a write in flight."""
    root = storage.store().root
    cutoff = time.time() - max_age
    removed = []
    # a stream stored without its hash known is written beside the folders (services/storage)
    loose = []
    if root.is_dir():
        loose = [e for e in os.scandir(root) if e.is_file(follow_symlinks=False)]
    for entry in [*loose, *_walk(root)]:
        if entry.name.endswith(TEMP_SUFFIX) and entry.stat().st_mtime < cutoff:
            Path(entry.path).unlink(missing_ok=True)
            removed.append(entry.path)
    return removed


# -- on start -------------------------------------------------------------------------------


def check_on_start(app: Flask) -> threading.Thread | None:
    """Scan in a daemon thread of a served app and log what it finds, so a big store does not
    delay the first request. Skipped when INTEGRITY_CHECK_ON_START is off (tests) and under
    `flask` commands, which import wsgi.py too (`flask db upgrade` may run before the schema
    exists). Meant for workers that import wsgi.py themselves (gunicorn without --preload, as
    the README starts it): a preloading master would fork its workers mid-scan."""
    if not app.config.get("INTEGRITY_CHECK_ON_START") or click.get_current_context(silent=True):
        return None
    thread = threading.Thread(target=_log_scan, args=(app,), name="integrity", daemon=True)
    thread.start()
    return thread


def _log_scan(app: Flask) -> None:
    """One scan per server start: the web workers start together and each would read the whole
    store, so the first to lock the file keeps the lock for its life and the others leave the
    report to it. The lock dies with its process (a restart, a kill, a recycled worker)."""
    root = Path(app.config["DOCUMENT_STORE"])
    try:
        root.mkdir(parents=True, exist_ok=True)
        fd = os.open(root / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return
        app.extensions["integrity_lock"] = fd  # held, never closed: see above
        with app.app_context():
            log_report(app)
    except Exception:  # noqa: BLE001 - a failed check must not take the service down
        app.logger.exception("integrity: the document store check failed")


def log_report(app: Flask) -> Report:
    """A warning per problem (at most LOG_LIMIT of each kind) and one with the totals."""
    stats: Counter = Counter()
    report = Report()
    for problem in problems(stats=stats):
        report.counts[problem.kind] += 1
        if report.counts[problem.kind] <= LOG_LIMIT:
            app.logger.warning("integrity: %s", problem)
    report.rows, report.files = stats["rows"], stats["files"]
    unlisted = sum(max(0, n - LOG_LIMIT) for n in report.counts.values())
    level = app.logger.warning if report.counts else app.logger.info
    level("integrity: %s%s", report.summary(), f" ({unlisted} not listed)" if unlisted else "")
    return report
