"""The insurer's clerk receives, opens and acknowledges a package in the browser; the employer,
in a browser of their own, sees the answer on the case."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from incidents import jobs
from incidents.services import packages as package_service
from tests import factories
from tests.browser.test_browser_flow import _login

pytestmark = pytest.mark.browser


def test_the_insurer_acknowledges_and_the_employer_sees_it(
    page: Page, browser: Browser, live_server, app, world, db
):
    app.config["SOFFICE_BINARY"] = ""  # PDFs are checked elsewhere; keep this one quick
    case = factories.make_case(world)
    factories.advance_to(case, world, "act_approved")
    db.session.commit()

    # the employer notifies the insurer in the browser
    _login(page, live_server, world.specialist)
    page.goto(f"{live_server}/cases/{case.id}")
    page.locator("form[data-trigger=notify_insurer] button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("#insurer")).to_contain_text("Формируется")  # being prepared
    assert jobs.run_due() >= 1  # the background job builds the package
    package = package_service.current(case)

    clerk = browser.new_context(locale="ky-KG").new_page()
    _login(clerk, live_server, world.insurer)
    clerk.locator("nav a[href='/insurer/packages']").click()
    row = clerk.locator(f"#packages tr[data-package='{package.uid}']")
    expect(row).to_contain_text(case.number)
    row.locator("a").click()
    expect(clerk.locator("#files")).to_contain_text("manifest.json")

    with clerk.expect_download() as download:
        clerk.locator("#files a[href$='package.zip']").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    manifest = json.loads(archive.read("manifest.json"))
    assert {f["name"] for f in manifest["files"]} <= set(archive.namelist())

    # rejecting needs a reason; then the clerk acknowledges
    clerk.select_option("#answer-form [name=answer]", "rejected")
    clerk.locator("#answer-form button[type=submit]").click()
    expect(clerk.locator(".alert-danger")).to_be_visible()
    clerk.select_option("#answer-form [name=answer]", "acknowledged")
    clerk.locator("#answer-form button[type=submit]").click()
    expect(clerk.locator(".alert-success")).to_be_visible()
    expect(clerk.locator("[data-answer=acknowledged]")).to_be_visible()
    expect(clerk.locator("#answer-form")).to_have_count(0)  # once only

    page.reload()
    expect(page.locator("#insurer [data-answer=acknowledged]")).to_be_visible()
    expect(page.locator("#timeline li[data-event=answer]")).to_contain_text(world.insurer.name)
