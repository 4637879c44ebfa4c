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

KEY = re.compile(r"([0-9a-f]{2})/(([0-9a-f]{64})(\.[0-9A-Za-z]{1,10})?)")
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
    def put(self, data: bytes | BinaryIO, suffix: str = "") -> str:
        """Keep `data` (bytes or a readable binary stream); its key. Writing the same
        content twice keeps one file."""

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

    def put(self, data: bytes | BinaryIO, suffix: str = "") -> str:
        self.root.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.root, suffix=TEMP_SUFFIX)
        digest = hashlib.sha256()
        try:
            with os.fdopen(fd, "wb") as fh:
                if isinstance(data, bytes | bytearray | memoryview):
                    digest.update(data)
                    fh.write(data)
                else:
                    while chunk := data.read(CHUNK):
                        digest.update(chunk)
                        fh.write(chunk)
                fh.flush()
                os.fsync(fh.fileno())
            key = key_for(digest.hexdigest(), suffix)
            path = self.path(key)
            if path.exists():
                Path(tmp).unlink(missing_ok=True)
                return key
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
        if not self.root.is_dir():
            return
        for folder in sorted(self.root.iterdir()):
            if folder.is_symlink() or not folder.is_dir():
                continue
            for path in sorted(folder.iterdir()):
                key = f"{folder.name}/{path.name}"
                if KEY.fullmatch(key) and path.is_file() and not path.is_symlink():
                    yield key


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
