"""In a real Chromium, under the strict Content-Security-Policy: the pages people use most load
without a single policy violation, and the confirmation before removing an entry (once an
inline handler) still asks — declining keeps the entry, accepting removes it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.test_browser_flow import _login

pytestmark = pytest.mark.browser


def test_pages_run_under_the_policy_and_removal_still_asks(page: Page, live_server, app, world, db):
    case = factories.make_case(world)
    factories.add_commission(case, world.specialist)
    db.session.commit()
    violations = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    _login(page, live_server, world.specialist)
    for path in ["/", "/board", f"/cases/{case.id}", f"/cases/{case.id}/edit"]:
        response = page.goto(live_server + path)
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
    page.goto(f"{live_server}/cases/{case.id}")
    rows = page.locator("section#commission tbody tr")
    before = rows.count()
    assert before >= 2
    remove = page.locator("section#commission form[data-confirm] button[type=submit]").first

    page.once("dialog", lambda dialog: dialog.dismiss())
    remove.click()
    expect(rows).to_have_count(before)  # declined: nothing sent
    page.once("dialog", lambda dialog: dialog.accept())
    remove.click()
    expect(page.locator("section#commission tbody tr")).to_have_count(before - 1)
    assert violations == []
