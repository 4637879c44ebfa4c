"""A light accident from report to closure in a real browser, and every document downloaded."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

import doc_templates
from tests import factories

pytestmark = pytest.mark.browser


def _login(page: Page, base: str, user) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", user.email)
    page.fill("#password", factories.PASSWORD)
    page.click("main button[type=submit]")
    expect(page.locator("main h1")).to_be_visible()


def _fire(page: Page, trigger: str, **fields) -> None:
    form = page.locator(f"form[data-trigger={trigger}]")
    for name, value in fields.items():
        form.locator(f"[name={name}]").fill(value)
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()


def _add(page: Page, section: str, **fields) -> None:
    page.locator(f"section#{section} a", has_text=re.compile(".")).first.click()
    for name, value in fields.items():
        field = page.locator(f"main [name={name}]")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        elif field.get_attribute("type") == "checkbox":
            field.check()
        else:
            field.fill(value)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#case-status")).to_be_visible()


def test_light_accident_in_the_browser(page: Page, live_server, world, db):
    base = live_server
    _login(page, base, world.specialist)
    page.locator("a.btn-primary[href$='/cases/new']").click()
    page.select_option("[name=case-category]", "light")
    page.fill("[name=case-occurred_at]", factories.ago(5).strftime("%Y-%m-%dT%H:%M"))
    page.fill("[name=case-reported_at]", factories.ago(4).strftime("%Y-%m-%dT%H:%M"))
    page.fill("[name=case-place]", "Котельная, участок Б")
    page.fill("[name=case-work_performed]", "Ремонт задвижки")
    page.fill("[name=case-circumstances]", "Ожог паром при снятии фланца")
    page.fill("[name=victim-full_name]", "Бектур Жапаров")
    page.select_option("[name=victim-sex]", "male")
    page.fill("[name=victim-birth_date]", "1985-07-09")
    page.select_option("[name=victim-person_category]", "employee")
    page.fill("[name=victim-occupation]", "Слесарь КИПиА")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#case-status")).to_have_attribute("data-status", "reported")

    # Kyrgyz from here on: the switch is remembered for the user
    page.locator("nav button[lang=ky]").click()
    expect(page.locator("html")).to_have_attribute("lang", "ky")
    page.locator("section#notices a").first.click()  # the insurer's notice
    page.select_option("[name=method]", "email")
    page.fill("[name=recipient]", "claims@insurer.kg")
    page.fill("[name=sent_at]", factories.ago(1).strftime("%Y-%m-%dT%H:%M"))
    page.locator("main form button[type=submit]").click()
    _fire(page, "notify")
    for name, role in [
        ("Бакыт Осмонов", "chair"),
        ("Айгүл Токтосунова", "member"),
        ("Жылдыз Мамытова", "member"),
    ]:
        _add(
            page,
            "commission",
            full_name=name,
            position="Комиссия",
            organisation_name="ОсОО",
            role=role,
        )
    _fire(page, "form_commission", order_number="7-к")
    _fire(page, "start_investigation")
    draft = page.locator("form[data-trigger=draft_act] button")
    expect(draft).to_be_disabled()
    expect(page.locator("#why-draft_act li")).to_have_count(6)

    page.locator("section#victims a", has_text="Өзгөртүү").click()
    page.select_option("[name=medical_severity]", "light")
    page.locator("main form button[type=submit]").click()
    page.locator("section#findings a").click()
    page.select_option("[name=event_type_code]", "06")
    page.select_option("[name=work_related]", "yes")
    page.fill("[name=work_related_ground]", "При исполнении трудовых обязанностей")
    page.locator("main form button[type=submit]").click()
    _add(page, "causes", code="03", is_main="y", description="Не сброшено давление")
    _add(
        page,
        "responsible",
        full_name="Мастер Ибраев",
        position="Мастер",
        violated_norms="Допуск без наряда",
    )
    _add(
        page,
        "measures",
        action="Ввести наряд-допуск",
        due_date="2030-03-01",
        owner="Главный инженер",
    )
    expect(draft).to_be_enabled()
    _fire(page, "draft_act")

    page.locator("nav form[action$='/logout'] button").click()
    _login(page, base, world.head)
    page.locator("main a", has_text=re.compile(r"^\d+/\d{4}$")).first.click()
    _fire(page, "approve_act")
    page.locator("nav form[action$='/logout'] button").click()
    _login(page, base, world.specialist)
    page.locator("main a", has_text=re.compile(r"^\d+/\d{4}$")).first.click()
    _fire(page, "notify_insurer")
    page.locator("section#victims a", has_text="Натыйжа").click()
    page.select_option("[name=outcome]", "recovered")
    page.locator("main form button[type=submit]").click()
    _fire(page, "close")
    expect(page.locator("#case-status")).to_have_attribute("data-status", "closed")

    # every current document downloads and reads back in its language
    links = page.locator("section#documents tr:not(.text-muted) a")
    assert links.count() == 10  # five documents (the insurer's notice one of them), two languages
    seen = set()
    for i in range(links.count()):
        with page.expect_download() as info:
            links.nth(i).click()
        download = info.value
        with open(download.path(), "rb") as fh:
            text = doc_templates.docx_text(fh.read())
        assert (
            "{{" not in text
            and "Бектур Жапаров" in text
            or "commission_order" in (download.suggested_filename)
        )
        seen.add(
            re.match(r"([a-z_0-9]+)-.*-(ru|ky)-r\d+\.docx", download.suggested_filename).groups()
        )
    # what a light case issues without protocols or dissent (the investigation act is for
    # serious cases)
    light_kinds = ["notice", "commission_order", "act_n1", "insurer_notice", "closure_summary"]
    assert seen == {(k, lang) for k in light_kinds for lang in ("ru", "ky")}
