"""The file store: every file the service keeps (issued documents, evidence, thumbnails,
package files, track acts), content-addressed by its SHA-256.

A store has a small interface, so a second backend can stand in for the folder on disk:
``put(data) -> key``, ``open(key) -> stream``, ``verify(key, sha256) -> bool``,
``iterate() -> keys``. A key is the file's place in the store, ``<sha[:2]>/<sha><suffix>``;
it is the same on every backend and is the path under DOCUMENT_STORE on disk, the layout the
store always had (integrity checks and backups name files by it).

``read(sha256, suffix)`` is what downloads use: the whole file, checked against its SHA-256,
``DamagedFile`` when it no longer matches (or is gone)."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import current_app

KEY = re.compile(r"([0-9a-f]{2})/((\1[0-9a-f]{62})(\.[0-9A-Za-z]+)?)")
TEMP_SUFFIX = ".part"
CHUNK = 1 << 20


class DamagedFile(Exception):
    """A stored file no longer matches the SHA-256 recorded when it was stored, or is gone."""

    def __init__(self, key: str, reason: str = "does not match its SHA-256"):
        super().__init__(f"{key}: {reason}")
        self.key = key


class MissingFile(DamagedFile, FileNotFoundError):
    """A stored file that is gone (still a FileNotFoundError for the callers that expect one)."""


def key_for(sha256: str, suffix: str = "") -> str:
    return f"{sha256[:2]}/{sha256}{suffix}"


class Store(Protocol):
    def put(self, data: bytes | BinaryIO, suffix: str = "", sha256: str | None = None) -> str:
        """Keep `data` (bytes or a readable binary stream); its key. Writing the same
        content twice keeps one file. With `sha256`, content that does not hash to it is not
        kept (DamagedFile)."""

    def open(self, key: str) -> BinaryIO:
        """The stored file as a binary stream (FileNotFoundError when there is none)."""

    def verify(self, key: str, sha256: str) -> bool:
        """Whether the file under `key` exists and hashes to `sha256`."""

    def iterate(self) -> Iterator[str]:
        """The key of every stored file, in key order."""


class LocalStore:
    """The store as a folder: ``<root>/<sha[:2]>/<sha><suffix>``, written once and atomically
    (a temp file in the same folder, fsync, rename)."""

    def __init__(self, root: Path | str):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        if not KEY.fullmatch(key):
            raise ValueError(f"not a store key: {key!r}")
        return self.root / key

    def put(self, data: bytes | BinaryIO, suffix: str = "", sha256: str | None = None) -> str:
        if isinstance(data, bytes | bytearray | memoryview):
            digest = hashlib.sha256(data).hexdigest()
            if sha256 is not None and digest != sha256:
                raise DamagedFile(key_for(sha256, suffix))
            key = key_for(digest, suffix)
            if not self.path(key).exists():
                # the temp file beside its final name, as the store always wrote them
                self._place(self.path(key).parent, key, lambda fh: fh.write(data))
            return key
        found = hashlib.sha256()

        def copy(fh) -> None:
            while chunk := data.read(CHUNK):
                found.update(chunk)
                fh.write(chunk)

        # the hash is known only once read: with `sha256` the temp file goes beside its name
        folder = self.root / sha256[:2] if sha256 else self.root
        return self._place(folder, None, copy, found, suffix, sha256)

    def _place(self, folder: Path, key, write, found=None, suffix="", sha256=None) -> str:
        """Write a temp file in `folder` (`write(fh)`), fsync it, rename it to its key."""
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=TEMP_SUFFIX)
        try:
            with os.fdopen(fd, "wb") as fh:
                write(fh)
                fh.flush()
                os.fsync(fh.fileno())
            if key is None:
                key = key_for(found.hexdigest(), suffix)
                if sha256 is not None and found.hexdigest() != sha256:
                    raise DamagedFile(key_for(sha256, suffix))
            path = self.path(key)
            path.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return key

    def open(self, key: str) -> BinaryIO:
        return self.path(key).open("rb")

    def verify(self, key: str, sha256: str) -> bool:
        try:
            with self.open(key) as fh:
                digest = hashlib.sha256()
                while chunk := fh.read(CHUNK):
                    digest.update(chunk)
        except FileNotFoundError:
            return False
        return digest.hexdigest() == sha256

    def iterate(self) -> Iterator[str]:
        for key, ok in self.entries():
            if ok:
                yield key

    def entries(self) -> Iterator[tuple[str, bool]]:
        """Every entry of the store's folders as (relative path, whether it is a stored file);
        a stray (a temp file, a symlink, a foreign name) is there for reports, never a key."""
        if not self.root.is_dir():
            return
        for folder in sorted(self.root.iterdir()):
            if folder.is_symlink() or not folder.is_dir():
                yield folder.name, False
                continue
            for path in sorted(folder.iterdir()):
                key = f"{folder.name}/{path.name}"
                yield key, bool(KEY.fullmatch(key)) and path.is_file() and not path.is_symlink()


def store() -> LocalStore:
    """This app's store (DOCUMENT_STORE)."""
    return LocalStore(current_app.config["DOCUMENT_STORE"])


def put(data: bytes | BinaryIO, suffix: str = "") -> str:
    """Keep `data`; its SHA-256."""
    return KEY.fullmatch(store().put(data, suffix)).group(3)


def read(sha256: str, suffix: str = "") -> bytes:
    """The whole stored file, checked against `sha256`; DamagedFile when it does not match or
    is gone."""
    key = key_for(sha256, suffix)
    try:
        with store().open(key) as fh:
            data = fh.read()
    except FileNotFoundError:
        raise MissingFile(key, "is missing") from None
    if hashlib.sha256(data).hexdigest() != sha256:
        raise DamagedFile(key)
    return data
