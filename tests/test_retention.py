"""Retention classes from the rule pack, legal holds that block any disposal, the disposal
review, and an organisation's whole archive with a manifest of hashes."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from PIL import Image

from incidents import rules
from incidents.extensions import db as _db
from incidents.models import AuditEvent, GeneratedDocument, HoldKind
from incidents.models.timeutil import to_local
from incidents.rules import load
from incidents.rules.check import validate
from incidents.services import evidence, retention
from tests import disease_factories as df
from tests import factories


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def closed(app, world):
    case = factories.make_case(world)
    factories.advance_to(case, world, "closed")
    _db.session.commit()
    return case


def test_the_pack_keeps_accident_records_45_and_disease_acts_75_years():
    pack = load("kr")
    assert pack.retention_for("act_n1").years == 45
    assert pack.retention_for("register").years == 45
    assert pack.retention_for("disease_act").years == 75
    # a kind no class names is kept as long as the longest class
    assert pack.retention_for("something_new").years == 75
    assert all(not r.verified and r.basis["ky"] for r in pack.retention)
    assert load("rf").retention == pack.retention  # taken through `include`


def test_the_pack_check_refuses_an_unknown_kind_and_a_kind_in_two_classes(tmp_path):
    text = (Path(rules.__file__).parent / "kr.toml").read_text(encoding="utf-8")
    text = text.replace('kinds = ["disease_act",', 'kinds = ["disease_act", "act_n1", "acts",')
    (tmp_path / "bad.toml").write_text(text, encoding="utf-8")
    errors = validate("bad", tmp_path)
    assert any("'acts' is not a document kind" in e for e in errors)
    assert any("'act_n1' is already kept by accident_records" in e for e in errors)


def test_a_closed_case_is_kept_45_years_from_its_closure(app, world, closed):
    kept = retention.of_case(closed)
    assert kept.rule.name == "accident_records"
    assert kept.keep_until == to_local(closed.closed_at).date() + relativedelta(years=45)
    open_case = factories.make_case(world)
    _db.session.commit()
    assert retention.of_case(open_case).keep_until is None


def test_a_disease_case_is_kept_75_years(app, world):
    case = df.make_disease_case(world)
    df.advance_disease_to(case, world, "closed")
    _db.session.commit()
    kept = retention.of_case(case)
    assert kept.rule.years == 75
    assert kept.keep_until == to_local(case.closed_at).date() + relativedelta(years=75)


def test_a_hold_blocks_the_disposal_review_until_it_is_lifted(app, world, closed, client_for):
    after = to_local(closed.closed_at).date() + relativedelta(years=45, days=1)
    before = after - relativedelta(days=2)
    assert retention.due_for_review(before) == ([], [])
    due, held = retention.due_for_review(after)
    assert [d.case.id for d in due] == [closed.id] and held == []

    web = client_for(world.specialist)
    r = web.post(
        f"/cases/{closed.id}/holds/new",
        data={"kind": "criminal_case", "reference": "УД № 12-345/2026", "reason": "Следствие"},
    )
    assert r.status_code == 302
    _db.session.expire_all()  # the request saved it in its own session
    [hold] = closed.holds
    assert hold.kind == HoldKind.criminal_case and hold.active
    page = web.get(f"/cases/{closed.id}").text
    assert "УД № 12-345/2026" in page and 'data-active="yes"' in page
    assert f"{to_local(closed.closed_at).date() + relativedelta(years=45):%d.%m.%Y}" in page

    due, held = retention.due_for_review(after)
    assert due == [] and [h.case.id for h in held] == [closed.id]
    out = (
        app.test_cli_runner()
        .invoke(args=["retention", "report", "--as-of", after.isoformat()])
        .output
    )
    assert "review: 0" in out and "legal hold (not to be disposed of): 1" in out
    assert "УД № 12-345/2026" in out

    # lifting needs a reason, in the user's language
    world.specialist.language = "ky"
    _db.session.commit()
    r = web.post(f"/cases/{closed.id}/holds/{hold.id}/lift", data={"lift_reason": "  "})
    assert r.status_code == 200 and "Бул талааны толтуруу милдеттүү." in r.text
    r = web.post(
        f"/cases/{closed.id}/holds/{hold.id}/lift", data={"lift_reason": "Приговор вступил в силу"}
    )
    assert r.status_code == 302
    _db.session.refresh(hold)
    assert not hold.active and hold.lifted_by_id == world.specialist.id
    due, held = retention.due_for_review(after)
    assert [d.case.id for d in due] == [closed.id] and held == []
    # the hold and its lifting are in the audit chain
    events = _db.session.scalars(
        _db.select(AuditEvent).where(AuditEvent.case_id == closed.id)
    ).all()
    assert sum('"table":"legal_hold"' in e.content for e in events) == 2


@pytest.mark.parametrize("who", ["member", "insurer", "union", "stranger"])
def test_nobody_else_places_a_hold(app, world, client_for, who):
    closed = factories.make_case(world)  # a hold may be placed at any stage
    _db.session.commit()
    r = client_for(getattr(world, who)).post(
        f"/cases/{closed.id}/holds/new", data={"kind": "court", "reference": "Дело 2-1/2026"}
    )
    assert r.status_code == 404  # none of them sees this case
    _db.session.expire_all()
    assert closed.holds == []


def test_the_organisation_archive_holds_every_file_with_its_hash(app, world, closed, tmp_path):
    evidence.upload(closed, world.specialist, kind="photo", name="место.png", data=_png())
    retention.place_hold(
        closed, world.head, {"kind": "court", "reference": "Дело 2-1/2026", "reason": None}
    )
    theirs = factories.make_case(world, actor=world.stranger, place="Чужой объект")
    _db.session.commit()

    target = tmp_path / "archive.zip"
    result = app.test_cli_runner().invoke(
        args=["archive", "export", str(world.employer.id), str(target)]
    )
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(target) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        names = set(zf.namelist())
        [summary] = manifest["cases"]
        assert summary["number"] == closed.number
        assert summary["legal_holds"] == [
            {"kind": "court", "reference": "Дело 2-1/2026", "active": True}
        ]
        docs = _db.session.scalars(
            _db.select(GeneratedDocument).where(GeneratedDocument.case_id == closed.id)
        ).all()
        assert any(not d.current for d in docs)  # superseded versions are archived too
        archived = [n for n in names if "/documents/" in n]
        assert len(archived) == len(docs) == summary["documents"]
        by_path = {f["path"]: f["sha256"] for f in manifest["files"]}
        assert {d.sha256 for d in docs} <= set(by_path.values())
        assert sum("/evidence/" in n for n in names) == summary["evidence"] == 1
        rows = json.loads(zf.read(f"{summary['folder']}/case.json"))
        assert rows["case_file"][0]["id"] == closed.id
        assert {"victim", "generated_document", "legal_hold", "evidence"} <= rows.keys()
        assert all(r["token_hash"] == "[secret]" for r in rows.get("invitation", []))
        events = zf.read(f"{summary['folder']}/audit.jsonl").decode().splitlines()
        assert len(events) == summary["audit_events"] > 10
        assert all(json.loads(e)["hash"] for e in events)
        assert f"-{theirs.id}/" not in " ".join(names)  # another employer's case is not in it
        assert "Чужой объект" not in zf.read(f"{summary['folder']}/case.json").decode()
    assert app.test_cli_runner().invoke(args=["archive", "verify", str(target)]).exit_code == 0

    # one changed byte in one file: the manifest check names it
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(target) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == archived[0]:
                data = data[:-1] + bytes([data[-1] ^ 1])
            dst.writestr(item, data)
    result = app.test_cli_runner().invoke(args=["archive", "verify", str(bad)])
    assert result.exit_code == 1 and archived[0] in result.output


def test_the_archive_never_uses_today_s_date_for_its_keep_until(app, world, closed):
    """Kept-until is computed from the closure, not from the day the page is opened."""
    first = retention.of_case(closed).keep_until
    assert first.year == to_local(closed.closed_at).year + 45
    assert first > date.today()
