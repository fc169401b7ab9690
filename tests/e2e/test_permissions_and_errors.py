"""A reader's jobs page, and the error state when the server goes away (web-ui §7.2.4–5)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ADMIN_PASSWORD, READER, ColophonServer, log_in, screenshot

pytestmark = pytest.mark.e2e


def test_reader_sees_jobs_without_controls(
    page: Any, server: ColophonServer, library_with_job: tuple[str, str]
) -> None:
    """§7.2.4: a disabled switch and no Add job, Run now or Edit; no Tasks or Plugins pages."""
    library_id, job_name = library_with_job
    log_in(page, server.base_url, *READER)
    expect(page.get_by_role("heading", name="Libraries")).to_be_visible()
    page.goto(f"{server.base_url}/libraries/{library_id}/jobs")
    row = page.locator("[data-testid=job-row]")
    expect(row).to_contain_text(job_name)
    expect(row.get_by_role("switch")).to_be_disabled()
    expect(page.get_by_role("button", name="Add job")).to_have_count(0)
    expect(row.get_by_role("button", name="Run now")).to_have_count(0)
    row.get_by_role("button", name="Job actions").click()
    expect(page.get_by_role("menuitem", name="History")).to_be_visible()
    expect(page.get_by_role("menuitem", name="Edit")).to_have_count(0)
    expect(page.get_by_role("menuitem", name="Delete")).to_have_count(0)
    page.keyboard.press("Escape")
    navigation = page.get_by_role("navigation", name="Main")
    expect(navigation.get_by_role("link", name="Tasks")).to_have_count(0)
    expect(navigation.get_by_role("link", name="Plugins")).to_have_count(0)
    screenshot(page, "10-reader-jobs")


def test_a_stopped_server_shows_the_error_state_then_retry_recovers(
    page: Any, server: ColophonServer, library_with_job: tuple[str, str]
) -> None:
    """§7.2.5: "Couldn't load" and "Retry", never the empty state; Retry after a restart."""
    _, job_name = library_with_job
    log_in(page, server.base_url, "admin", ADMIN_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="E2E Manga").click()
    jobs_link = page.get_by_role("link", name="Scheduled jobs (1)")
    expect(jobs_link).to_be_visible()
    server.stop()
    try:
        jobs_link.click()
        expect(page.get_by_text("Couldn't load")).to_be_visible(timeout=20_000)
        expect(page.get_by_text("No scheduled jobs yet.")).to_have_count(0)
        screenshot(page, "11-error-state")
    finally:
        server.start()
    page.get_by_role("button", name="Retry").click()
    expect(page.locator("[data-testid=job-row]")).to_contain_text(job_name)
    expect(page.get_by_text("Couldn't load")).to_have_count(0)
