"""The audit chain anchored outside the database: every issued document (and the insurer's
package) carries the chain's head at its issue, and `flask audit verify --anchor` proves the
chain against it — catching a rewrite that is consistent in itself, head and verdict included,
which plain verification cannot."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from datetime import UTC

import docx
import pytest
from docx.shared import Pt
from sqlalchemy import text

from doc_templates import TEMPLATE_DIR, docx_text
from doc_templates.anchor import PREFIX
from incidents import jobs
from incidents.audit import canonical, chain_hash
from incidents.audit_anchor import BROKEN, PROVEN, Anchor, head, prove
from incidents.audit_verify import verify_and_record
from incidents.extensions import db as _db
from incidents.models import AuditEvent, GeneratedDocument
from incidents.services import documents, pdf, signing
from incidents.services import packages as package_service
from tests import factories
from tests.conftest import need
from tests.test_protocols import SCENE

CAPTION = {"ru": "Журнал аудита", "ky": "Аудит журналы"}


def _docs(kind: str) -> list[GeneratedDocument]:
    """The current documents of `kind` (a case's registration issues the notices first)."""
    return _db.session.scalars(
        _db.select(GeneratedDocument)
        .where(GeneratedDocument.kind == kind, GeneratedDocument.superseded_at.is_(None))
        .order_by(GeneratedDocument.id)
    ).all()


def _event_hash(seq: int) -> str:
    return _db.session.scalar(_db.select(AuditEvent.hash).where(AuditEvent.seq == seq))


def _assert_anchored(data: bytes, language: str, at_issue: tuple[int, str], issued_at=None):
    """The file carries `at_issue` in its keywords and, readable, in every footer."""
    seq, digest = at_issue
    doc = docx.Document(io.BytesIO(data))
    props = doc.core_properties
    assert props.keywords == f"{PREFIX}:{seq}:{digest}"
    assert (props.title, props.author, props.subject, props.comments) == ("", "", "", "")
    if issued_at is not None:
        assert props.created == props.modified == issued_at.replace(microsecond=0, tzinfo=UTC)
    line = f"{CAPTION[language]}: № {seq}, {digest[:16]}…"
    assert line in docx_text(data)
    footer = doc.sections[0].footer
    runs = [r for p in footer.paragraphs for r in p.runs if r.text == line]
    assert len(runs) == 1 and runs[0].font.size == Pt(7)


def _step(world, case, status: str) -> tuple[int, str]:
    """Advance `case` to `status` in a transaction of its own; the head before it."""
    before = head(_db.session)
    factories.advance_to(case, world, status)
    _db.session.commit()
    return before


def test_every_kind_of_issued_document_carries_the_head_at_its_issue(app, world, client_for):
    case = factories.make_case(world)
    _db.session.commit()
    at_notify = _step(world, case, "notified")
    at_order = _step(world, case, "commission_formed")
    case.commission[1].user_id = world.inspector.id
    _db.session.commit()
    _step(world, case, "investigating")
    at_protocol = head(_db.session)
    r = client_for(world.specialist).post(f"/cases/{case.id}/protocols/scene/new", data=SCENE)
    assert r.status_code == 302, r.text
    at_act = _step(world, case, "act_drafted")
    at_dissent = head(_db.session)
    signing.sign(case, world.inspector, factories.PASSWORD, dissent="Не согласен с п. 9.")
    _db.session.commit()

    expected = {
        "notice": at_notify,
        "commission_order": at_order,
        "act_n1": at_act,
        "scene_protocol": at_protocol,
        "dissent": at_dissent,
    }
    for kind, at_issue in expected.items():
        docs = _docs(kind)
        assert {d.language for d in docs} == {"ru", "ky"}, kind
        for d in docs:
            _assert_anchored(documents.read(d), d.language, at_issue, d.created_at)
        assert _event_hash(at_issue[0]) == at_issue[1]  # a real event of the chain
    assert at_notify[0] < at_order[0] < at_protocol[0] < at_act[0] < at_dissent[0]

    # the register export (made on request, not stored) carries the head it was made at
    now = head(_db.session)
    r = client_for(world.specialist).get("/register/export.docx?year=2025&lang=ky")
    assert r.status_code == 200
    _assert_anchored(r.data, "ky", now)


def _notified(world) -> object:
    case = factories.make_case(world)
    _db.session.commit()
    factories.advance_to(case, world, "insurer_notified")
    _db.session.commit()
    return case


def test_the_insurer_package_manifest_carries_the_head_it_was_built_at(app, world):
    app.config["SOFFICE_BINARY"] = ""  # the manifest is what is tested, not the PDF copies
    case = _notified(world)
    at_build = head(_db.session)
    jobs.run_due()
    package = package_service.current(case)
    manifest = json.loads(
        package_service.read_file(package_service.file_named(package, "manifest.json"))
    )
    assert manifest["audit_head"] == {"seq": at_build[0], "hash": at_build[1]}
    assert _event_hash(at_build[0]) == at_build[1]
    assert "audit_head" not in package_service.json_data(package)


def test_the_pdf_copies_in_the_package_show_the_anchor(app, world, client_for):
    need(pdf.available(), "LibreOffice")
    need(shutil.which("pdftotext") is not None, "pdftotext")
    case = _notified(world)
    jobs.run_due()
    package = package_service.current(case)
    r = client_for(world.insurer).get(f"/insurer/packages/{package.uid}/package.zip")
    archive = zipfile.ZipFile(io.BytesIO(r.data))
    act = next(d for d in case.current_documents() if d.kind == "act_n1" and d.language == "ky")
    seq, digest = docx.Document(io.BytesIO(documents.read(act))).core_properties.keywords.split(
        ":"
    )[1:]
    pdf_name = "pdf/" + act.filename.removesuffix(".docx") + ".pdf"
    shown = subprocess.run(  # noqa: S603 - our own arguments, no shell
        [shutil.which("pdftotext"), "-", "-"],
        input=archive.read(pdf_name),
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert f"Аудит журналы: № {seq}, {digest[:16]}…" in shown


# -- proving the chain against an anchor --------------------------------------------------------


def _rewrite_from(conn, k: int) -> None:
    """The forger's consistent rewrite: event `k` changed, every later hash recomputed, the head
    and the stored verdicts made to agree (see tests/test_audit_tamper.py, rewrite_from)."""
    rows = conn.execute(text("SELECT * FROM audit_event WHERE seq >= :k ORDER BY seq"), {"k": k})
    rows = rows.mappings().all()
    prev = rows[0]["prev_hash"]
    for row in rows:
        data = json.loads(row["content"])
        if row["seq"] == k:
            data["data"]["forged"] = True
        content = canonical(data)
        digest = chain_hash(prev, content)
        conn.execute(
            text("UPDATE audit_event SET content = :c, hash = :h, prev_hash = :p WHERE seq = :s"),
            {"c": content, "h": digest, "p": prev, "s": row["seq"]},
        )
        conn.execute(
            text("UPDATE audit_check SET last_hash = :h WHERE last_seq = :s"),
            {"h": digest, "s": row["seq"]},
        )
        prev = digest
    conn.execute(text("UPDATE audit_head SET hash = :h WHERE id = 1"), {"h": prev})


@pytest.fixture
def stepped(app, world):
    """A light case to its drafted act, one committed transaction per step, and a verdict."""
    case = factories.make_case(world)
    _db.session.commit()
    for status in ("notified", "commission_formed", "investigating", "act_drafted"):
        factories.advance_to(case, world, status)
        _db.session.commit()
    assert verify_and_record(_db.session).ok
    return case


def _saved(tmp_path, doc: GeneratedDocument) -> str:
    path = tmp_path / doc.filename
    path.write_bytes(documents.read(doc))
    return str(path)


def _keywords(doc: GeneratedDocument) -> tuple[int, str]:
    _, seq, digest = docx.Document(io.BytesIO(documents.read(doc))).core_properties.keywords.split(
        ":"
    )
    return int(seq), digest


def test_a_consistent_rewrite_passes_verify_but_not_a_later_document(app, stepped, tmp_path):
    notice = _docs("notice")[0]
    act = _docs("act_n1")[0]
    notice_seq, _ = _keywords(notice)
    k = notice_seq + 1  # the first event of the transaction that issued the notices
    assert k < _keywords(act)[0]
    cli = app.test_cli_runner()
    assert cli.invoke(args=["audit", "verify", "--anchor", _saved(tmp_path, act)]).exit_code == 0

    with _db.engine.begin() as conn:
        _rewrite_from(conn, k)
    plain = cli.invoke(args=["audit", "verify"])
    assert plain.exit_code == 0, plain.output  # the rewrite is consistent in itself

    for anchor in (_saved(tmp_path, act), _keywords(act)[1]):
        result = cli.invoke(args=["audit", "verify", "--anchor", anchor])
        assert result.exit_code == 1, result.output
        assert f"audit chain BROKEN at event {k}:" in result.output
        assert f"{notice.filename} vouches for event {k - 1}" in result.output
    # a document issued before the rewritten event still proves the chain up to its head
    earlier = cli.invoke(args=["audit", "verify", "--anchor", _saved(tmp_path, notice)])
    assert earlier.exit_code == 0, earlier.output
    assert f"PROVEN up to event {notice_seq}" in earlier.output


def test_a_rewrite_anywhere_is_located_between_the_witnesses(app, stepped):
    """Without a document at every event the change is located to a range: the named event is
    the first no witness vouches for, the changed one is inside the range, never outside."""
    act_seq, act_hash = _keywords(_docs("act_n1")[0])
    witnesses = list(documents.issued_anchors())
    assert len({w.seq for w in witnesses}) >= 4  # registration, notify, order, act
    for k in range(2, act_seq + 1):
        with _db.engine.connect() as conn:
            trans = conn.begin()
            try:
                _rewrite_from(conn, k)
                proof = prove(conn, Anchor(act_seq, act_hash, "the act"), lambda: witnesses)
            finally:
                trans.rollback()
        assert proof.status == BROKEN, k
        vouched = max((w.seq for w in witnesses if w.seq < k), default=0)
        assert proof.broken_seq == vouched + 1 <= k, (k, proof)
    with _db.engine.connect() as conn:
        assert prove(conn, Anchor(act_seq, act_hash, "the act")).status == PROVEN


def test_a_plain_edit_before_the_anchor_is_named_at_its_event(app, stepped, tmp_path):
    act = _docs("act_n1")[0]
    with _db.engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_event SET content = content || ' ' WHERE seq = 3"),
        )
    result = app.test_cli_runner().invoke(
        args=["audit", "verify", "--anchor", _saved(tmp_path, act)]
    )
    assert result.exit_code == 1 and "BROKEN at event 3:" in result.output, result.output


def test_a_cut_off_chain_is_broken_for_a_document_issued_after_the_cut(app, stepped, tmp_path):
    act = _docs("act_n1")[0]
    seq, _ = _keywords(act)
    with _db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE seq >= :s"), {"s": seq - 1})
    result = app.test_cli_runner().invoke(
        args=["audit", "verify", "--anchor", _saved(tmp_path, act)]
    )
    assert result.exit_code == 1, result.output
    assert f"the chain ends at event {seq - 2}" in result.output


@pytest.mark.parametrize(
    "anchor, says",
    [
        ("ab" * 32, "UNKNOWN: abababababababab… is the hash of no event"),
        ("not-a-hash-nor-a-file", "neither a 64-digit hex hash nor a readable file"),
        ("README", "not a .docx file"),
        ("TEMPLATE", "carries no audit anchor"),
    ],
)
def test_an_unknown_or_unreadable_anchor_exits_2(app, stepped, tmp_path, anchor, says):
    if anchor == "README":
        anchor = str(tmp_path / "notes.docx")
        (tmp_path / "notes.docx").write_text("not a document")
    elif anchor == "TEMPLATE":
        anchor = str(TEMPLATE_DIR / "ru" / "notice.docx")
    result = app.test_cli_runner().invoke(args=["audit", "verify", "--anchor", anchor])
    assert result.exit_code == 2, result.output
    assert says in result.output
