"""Four people in four browsers complete and sign an investigation together (issue 3)."""

from __future__ import annotations

import io
import re
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from incidents import jobs
from incidents.extensions import db
from incidents.models import CaseStatus, CommissionRole, Represents, Signature
from incidents.services import cases
from tests import factories

pytestmark = pytest.mark.browser
SEATS = [
    ("Бакыт Осмонов", "Директор", CommissionRole.chair, Represents.employer),
    ("Нурлан Жумабеков", "Главный инженер", CommissionRole.member, Represents.employer),
    ("Жылдыз Мамытова", "Инспектор профсоюза", CommissionRole.member, Represents.trade_union),
    ("Эрмек Сыдыков", "Инспектор труда", CommissionRole.member, Represents.state_inspector),
]
INVITEES = [  # (e-mail, seat index, role)
    ("nurlan@example.kg", 1, "member"),
    ("jyldyz@example.kg", 2, "member"),
    ("ermek@example.kg", 3, "inspector"),
]


def _case_in_investigation(world):
    case = factories.make_case(world)
    factories.send_notices(case, world.specialist)
    cases.advance(case, world.specialist, "notify")
    for name, position, role, represents in SEATS:
        cases.add_child(
            case,
            world.specialist,
            "commission",
            {
                "full_name": name,
                "position": position,
                "organisation_name": "—",
                "role": role,
                "represents": represents,
                "responsible_for_site_safety": False,
            },
            None,
        )
    case.commission[0].user_id = world.head.id  # the head chairs, from their own login
    cases.advance(case, world.specialist, "form_commission")
    cases.advance(case, world.specialist, "start_investigation")
    db.session.commit()
    return case


def _login(page: Page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main button[type=submit]")
    expect(page.locator("main h1")).to_be_visible()


def _invitation_link(mail_dir: Path, email: str) -> str:
    jobs.run_due()  # the mails are jobs: the tests' app runs them by hand
    for path in sorted(mail_dir.glob("*.eml")):
        msg = message_from_bytes(path.read_bytes(), policy=policy.default)
        if msg["To"] == email:
            return re.search(r"/invitations/[A-Za-z0-9_-]+", msg.get_content()).group(0)
    raise AssertionError(f"no invitation mail to {email}")


def _sign(page: Page, password: str, dissent: str | None = None) -> None:
    form = page.locator("#sign-form")
    form.locator("[name=password]").fill(password)
    if dissent:
        form.locator("[name=dissent]").fill(dissent)
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (180, 40, 40)).save(out, "JPEG")
    return out.getvalue()


def test_four_people_investigate_and_sign_together(browser: Browser, live_server, app, world):
    base = live_server
    case = _case_in_investigation(world)
    url = f"{base}/cases/{case.id}"
    mail_dir = Path(app.instance_path, "mail")

    # the chair invites two members and the inspector, each to a seat of the commission
    head = browser.new_context().new_page()
    _login(head, base, world.head.email, factories.PASSWORD)
    for email, seat, role in INVITEES:
        head.goto(url)
        form = head.locator("#participants form[action$='/invitations']")
        form.locator("[name=email]").fill(email)
        form.locator("[name=role]").select_option(role)
        form.locator("[name=member_id]").select_option(str(case.commission[seat].id))
        form.locator("button[type=submit]").click()
        expect(head.locator(".alert-success")).to_be_visible()

    # each opens the link in their own browser and creates an account
    people = {}
    for email, _seat, _role in INVITEES:
        page = browser.new_context().new_page()
        page.goto(base + _invitation_link(mail_dir, email))
        page.fill("[name=name]", email.split("@")[0].title())
        page.fill("[name=password]", "a long enough password")
        page.fill("[name=password2]", "a long enough password")
        page.locator("main form button[type=submit]").click()
        expect(page.locator("#case-status")).to_be_visible()
        people[email] = page
    nurlan, jyldyz, ermek = (people[e] for e, _, _ in INVITEES)

    # Nurlan records the scene inspection with a photo, Jyldyz an interview
    nurlan.goto(url)
    nurlan.locator("[name='evidence-kind']").select_option("photo")
    nurlan.locator("[name='evidence-description']").fill("Место падения")
    nurlan.locator("[name='evidence-file']").set_input_files(
        {"name": "place.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()}
    )
    nurlan.locator("form[action$='/evidence'] button[type=submit]").click()
    expect(nurlan.locator("#evidence img")).to_have_count(1)
    nurlan.goto(f"{url}/protocols/scene/new")
    nurlan.fill("[name=inspected_on]", factories.ago(1).strftime("%Y-%m-%dT%H:%M"))
    nurlan.fill("[name=place]", "Участок № 2, леса ЛСП-40")
    nurlan.fill("[name=inspected_by]", "Комиссия в полном составе")
    nurlan.fill("[name=guards]", "Доска настила не закреплена")
    nurlan.locator("[name=photo_ids]").first.check()
    nurlan.locator("main form button[type=submit]").click()
    expect(nurlan.locator(".alert-success")).to_be_visible()

    jyldyz.goto(f"{url}/protocols/interview/new")
    jyldyz.select_option("[name=interviewee_kind]", "witness")
    jyldyz.fill("[name=place]", "Прорабская")
    jyldyz.fill("[name=started_at]", factories.ago(1).strftime("%Y-%m-%dT%H:%M"))
    jyldyz.fill("[name=interviewer]", "Мамытова Ж.")
    jyldyz.fill("[name=full_name]", "Азамат Бекболотов")
    jyldyz.fill("[name=statement]", "Видел, как доска сдвинулась под ногой.")
    jyldyz.locator("main form button[type=submit]").click()
    expect(jyldyz.locator(".alert-success")).to_be_visible()

    # the findings are entered and the chair drafts the act
    db.session.expire_all()
    factories.add_findings(case, world.specialist)
    db.session.commit()
    head.goto(url)
    head.locator("form[data-trigger=draft_act] button").click()
    expect(head.locator("#case-status")).to_have_attribute("data-status", "act_drafted")

    # everyone signs; approval waits for the last signature
    approve = head.locator("form[data-trigger=approve_act] button")
    for page in (nurlan, jyldyz, ermek):
        page.goto(url)
        _sign(page, "a long enough password")
    head.goto(url)
    expect(approve).to_be_disabled()
    _sign(head, factories.PASSWORD)
    expect(approve).to_be_enabled()

    # one member edits afterwards: every signature is voided
    ermek.goto(f"{url}/findings")
    ermek.fill("[name=equipment]", "Леса ЛСП-40, настил не закреплён")
    ermek.locator("main form button[type=submit]").click()
    expect(ermek.locator(".alert-success")).to_be_visible()
    head.goto(url)
    expect(approve).to_be_disabled()
    expect(head.locator("#signatures [data-state=unsigned]")).to_have_count(4)

    # they sign again, one of them with a dissenting opinion, and the head approves
    for page, dissent in (
        (nurlan, None),
        (jyldyz, "Не согласна с выводом о вине мастера."),
        (ermek, None),
    ):
        page.goto(url)
        _sign(page, "a long enough password", dissent)
    head.goto(url)
    _sign(head, factories.PASSWORD)
    approve.click()
    expect(head.locator("#case-status")).to_have_attribute("data-status", "act_approved")

    db.session.expire_all()
    assert case.status == CaseStatus.act_approved
    live = db.session.scalars(
        db.select(Signature).where(Signature.case_id == case.id, Signature.voided_at.is_(None))
    ).all()
    assert len(live) == 4 and sum(1 for s in live if s.dissent) == 1
    assert {d.language for d in case.current_documents() if d.kind == "dissent"} == {"ru", "ky"}
    assert {d.kind for d in case.current_documents()} >= {"scene_protocol", "interview_protocol"}
