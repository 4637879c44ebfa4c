"""A chronic occupational disease (noise-induced hearing loss after years above the limit) run
end to end in a real browser, in Kyrgyz, by the labour-protection specialist, and its act handed
to the insurer, who opens it and acknowledges it."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from doc_templates import docx_text
from incidents import jobs
from tests import disease_factories as df
from tests import factories
from tests.browser.test_browser_flow import _add, _fire, _login

pytestmark = pytest.mark.browser
NUMBER = re.compile(r"^\d+/\d{4}$")


def _section(page: Page, name: str, **fields) -> None:
    page.locator(f"section#{name} .card-header a").click()
    for field, value in fields.items():
        element = page.locator(f"main [name={field}]")
        if element.evaluate("e => e.tagName") == "SELECT":
            element.select_option(value)
        else:
            element.fill(value)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#case-status")).to_be_visible()


def test_a_chronic_disease_from_the_notice_to_the_insurer(
    page: Page, browser: Browser, live_server, app, world, db
):
    app.config["SOFFICE_BINARY"] = ""  # the PDFs are another test's subject
    base = live_server
    _login(page, base, world.specialist)
    page.locator("nav button[lang=ky]").click()
    expect(page.locator("html")).to_have_attribute("lang", "ky")
    page.locator("main a[href$='/cases/new-disease']").click()
    page.select_option("[name=case-form]", "chronic")
    page.fill("[name=case-occurred_at]", factories.ago(50).strftime("%Y-%m-%dT%H:%M"))
    page.fill("[name=case-reported_at]", factories.ago(30).strftime("%Y-%m-%dT%H:%M"))
    page.fill("[name=case-health_organisation]", "ЦСМ № 7 г. Бишкек")
    page.fill("[name=case-preliminary_diagnosis]", "Нейросенсорная тугоухость")
    page.fill("[name=case-preliminary_icd10]", "н83,3")  # Cyrillic layout, decimal comma
    page.fill("[name=case-place]", "Ткацкий цех № 2")
    page.fill("[name=case-work_performed]", "Обслуживание ткацких станков")
    page.fill("[name=case-circumstances]", "Выявлено при периодическом медосмотре")
    page.fill("[name=worker-full_name]", df.WEAVER)
    page.select_option("[name=worker-sex]", "female")
    page.fill("[name=worker-birth_date]", "1975-03-08")
    page.select_option("[name=worker-person_category]", "employee")
    page.fill("[name=worker-occupation]", "Ткачиха")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#case-status")).to_have_attribute("data-status", "suspected")
    expect(page.locator("#disease")).to_contain_text("H83.3")

    # the working conditions, as the sanitary body described them
    describe = page.locator("form[data-trigger=describe_conditions] button")
    expect(describe).to_be_disabled()
    _section(
        page,
        "conditions",
        sanitary_body="ДПЗиГСЭН г. Бишкек",
        described_on=factories.ago(24).strftime("%Y-%m-%d"),
        conditions_class="3.2",
        harmful_service_years="14",
    )
    for name, measured, limit, unit in [
        ("Шум", "92", "80", "дБА"),
        ("Вибрация", "110", "126", "дБ"),
    ]:
        _add(page, "factors", name=name, measured=measured, limit=limit, unit=unit)
    expect(page.locator("#factors [data-over-limit=yes]")).to_have_count(1)
    _add(page, "exposures", employer_name="ОсОО «Ак & Көк»", job_title="Ткачиха", year_from="2012")
    _add(
        page,
        "exams",
        kind="periodic",
        examined_on="2026-01-15",
        organisation="ЦСМ № 7",
        result="Снижение слуха",
    )
    _fire(page, "describe_conditions")
    _section(
        page,
        "diagnosis",
        pathology_centre="Республиканский центр профпатологии",
        final_diagnosis="Нейросенсорная тугоухость II степени",
        final_icd10="H83.3",
        final_on=factories.ago(2).strftime("%Y-%m-%d"),
    )
    _fire(page, "confirm_diagnosis")
    for name, position, org, role, represents in df.COMMISSION:
        _add(
            page,
            "commission",
            full_name=name,
            position=position,
            organisation_name=org,
            role=role.value,
            represents=represents.value,
        )
    _fire(page, "form_commission", order_number="12-п")
    _fire(page, "start_investigation")
    _section(page, "conclusion", connected_to_work="yes", conclusion_causes="Шум выше ПДУ")
    _add(page, "measures", action="Кожухи на станки", due_date="2030-03-01", owner="Инженер")
    _fire(page, "draft_act")

    page.locator("nav form[action$='/logout'] button").click()
    _login(page, base, world.head)
    page.locator("main a", has_text=NUMBER).first.click()
    _fire(page, "approve_act")
    page.locator("nav form[action$='/logout'] button").click()
    _login(page, base, world.specialist)
    page.locator("main a", has_text=NUMBER).first.click()
    _fire(page, "notify_insurer")
    assert jobs.run_due() >= 1

    # the Kyrgyz act as the employer downloads it
    act = page.locator(
        "section#documents tr:not(.text-muted)[data-kind=disease_act][data-language=ky]"
    )
    expect(act).to_have_count(1)
    with page.expect_download() as info:
        act.locator("a").click()
    text = docx_text(Path(info.value.path()).read_bytes())
    assert df.WEAVER in text and "H83.3" in text
    assert "Кесиптик оору" in text or "кесиптик оору" in text  # the act is in Kyrgyz

    # the insurer opens the package and acknowledges it
    clerk = browser.new_context().new_page()
    _login(clerk, base, world.insurer)
    clerk.locator("nav a[href='/insurer/packages']").click()
    clerk.locator("#packages a").first.click()
    expect(clerk.locator("[data-kind=occupational_disease]")).to_contain_text("H83.3")
    with clerk.expect_download() as info:
        clerk.locator("#files a[href$='package.zip']").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(info.value.path()).read_bytes()))
    assert any(n.startswith("documents/disease_act-") for n in archive.namelist())
    clerk.select_option("#answer-form [name=answer]", "acknowledged")
    clerk.locator("#answer-form button[type=submit]").click()
    expect(clerk.locator("[data-answer=acknowledged]")).to_be_visible()

    page.reload()
    expect(page.locator("#insurer [data-answer=acknowledged]")).to_be_visible()
    page.locator("section#victims a", has_text="Натыйжа").click()
    page.select_option("[name=outcome]", "transferred")
    page.locator("main form button[type=submit]").click()
    _fire(page, "close")
    expect(page.locator("#case-status")).to_have_attribute("data-status", "closed")
