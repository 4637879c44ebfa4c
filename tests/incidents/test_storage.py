"""The file store's small interface (put, open, verify, iterate) on the folder backend, in the
layout the store always had."""

from __future__ import annotations

import hashlib
import io

import pytest

from incidents.services import documents, storage


def test_put_open_verify_iterate(tmp_path):
    store = storage.LocalStore(tmp_path)
    data = b"PK\x03\x04 a document"
    sha = hashlib.sha256(data).hexdigest()
    key = store.put(data, ".docx")
    assert key == f"{sha[:2]}/{sha}.docx" and (tmp_path / key).read_bytes() == data
    assert store.put(io.BytesIO(data), ".docx") == key  # a stream: the same file, kept once
    with store.open(key) as fh:
        assert fh.read() == data
    assert store.verify(key, sha) and not store.verify(key, "0" * 64)
    other = store.put(io.BytesIO(b"a photo"), ".jpg")
    assert list(store.iterate()) == sorted([key, other])
    assert not list(tmp_path.rglob("*.part"))  # no temp file left behind
    (tmp_path / key).write_bytes(data + b"x")
    assert not store.verify(key, sha)
    assert not store.verify(f"{'ab'}/{'ab' + '0' * 62}.docx", "ab" + "0" * 62)  # none there


def test_a_put_with_the_wrong_hash_keeps_nothing(tmp_path):
    store = storage.LocalStore(tmp_path)
    for data in (b"restored", io.BytesIO(b"restored")):
        with pytest.raises(storage.DamagedFile):
            store.put(data, ".pdf", sha256="ab" + "0" * 62)
    assert list(store.iterate()) == [] and not list(tmp_path.rglob("*.part"))


def test_strays_are_no_keys(tmp_path):
    store = storage.LocalStore(tmp_path)
    key = store.put(b"kept")
    (tmp_path / key[:2] / "notes.txt").write_text("x")
    (tmp_path / "loose.part").write_bytes(b"x")
    assert list(store.iterate()) == [key]
    assert dict(store.entries()) == {key: True, f"{key[:2]}/notes.txt": False, "loose.part": False}


def test_the_app_reads_what_its_store_keeps(app):
    sha = documents.store_upload(b"some bytes", ".docx")
    assert documents.store_path(sha) == storage.store().path(storage.key_for(sha, ".docx"))
    assert documents.read_stored(sha) == b"some bytes"
    documents.store_path(sha).unlink()
    with pytest.raises(storage.MissingFile):
        documents.read_stored(sha)
