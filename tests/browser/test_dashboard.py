"""In a real Chromium: the dashboard's charts are drawn (each SVG image decodes to a picture
with a width), under the site's Content-Security-Policy and the charts' own, with not one
policy violation."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from incidents.models.timeutil import utcnow
from tests import factories
from tests.browser.test_browser_flow import _login

pytestmark = pytest.mark.browser

CHARTS = ("month", "category", "cause", "stage", "overdue")


def test_the_dashboard_draws_every_chart(page: Page, live_server, world, db, tmp_path):
    for days in (3, 40, 75):  # cases of three months
        case = factories.make_case(world)
        factories.advance_to(case, world, "investigating")
        case.occurred_at = utcnow() - timedelta(days=days)
    db.session.commit()
    messages = []
    page.on("console", lambda msg: messages.append(msg.text))
    _login(page, live_server, world.specialist)
    page.click("nav a[href='/dashboard']")
    expect(page.locator("main h1")).to_be_visible()
    images = page.locator("#charts img[data-chart]")
    expect(images).to_have_count(len(CHARTS))
    for name in CHARTS:
        image = page.locator(f"img[data-chart={name}]")
        image.scroll_into_view_if_needed()
        page.wait_for_function(
            "el => el.complete && el.naturalWidth > 0", arg=image.element_handle()
        )
        assert image.evaluate("el => el.naturalWidth") > 0, name
    if os.environ.get("DASHBOARD_SCREENSHOT"):  # to look at the charts by eye
        page.screenshot(path=os.environ["DASHBOARD_SCREENSHOT"], full_page=True)
    assert [m for m in messages if "Content Security Policy" in m] == []
    # the statistics page, one click away, loads under the same policy
    page.click("main a[href^='/statistics']")
    expect(page.locator("table#indicators")).to_be_visible()
    if os.environ.get("DASHBOARD_SCREENSHOT"):
        page.screenshot(path=os.environ["DASHBOARD_SCREENSHOT"] + ".statistics.png", full_page=True)
    assert [m for m in messages if "Content Security Policy" in m] == []
