"""A newcomer's path through the web app against a real server (web-ui §7.2.3, issue 7).

One browser session, steps in order: log in, add a library and scan it, fetch metadata for a
series with the echo plugin, create a job, preview it, run it and watch its progress, open its
history and revert the run.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ADMIN_PASSWORD, ColophonServer, log_in, screenshot

pytestmark = pytest.mark.e2e

LIBRARY = "E2E Manga"
SERIES = ["Harbour Lights", "Starfall Academy", "The Clockwork Fox"]
# series.json gives Harbour Lights this summary; echo proposes another, and revert restores it.
ORIGINAL_SUMMARY = "A lighthouse keeper's daughter collects the secrets ships leave behind."
SCAN_TIMEOUT_MS = 30_000
RUN_TIMEOUT_MS = 30_000


def test_newcomer_path(page: Any, server: ColophonServer, library_dir: Path) -> None:
    """web-ui §7.2.3 test_job_lifecycle, with fetch metadata (§3.4.6) before the job."""
    _log_in(page, server)
    _add_library_and_scan(page, library_dir)
    _fetch_metadata(page, "The Clockwork Fox")
    _create_job(page)
    _preview_job(page)
    _run_job(page)
    _revert_from_history(page)
    _see_original_summary(page)


def _log_in(page: Any, server: ColophonServer) -> None:
    log_in(page, server.base_url, "admin", ADMIN_PASSWORD)
    expect(page.get_by_role("heading", name="Libraries")).to_be_visible()
    screenshot(page, "01-libraries-empty")


def _add_library_and_scan(page: Any, library_dir: Path) -> None:
    page.get_by_role("button", name="Add library").first.click()
    dialog = page.get_by_role("dialog", name="Add library")
    dialog.get_by_label("Name").fill(LIBRARY)
    dialog.get_by_label("Root path").fill(str(library_dir))
    expect(dialog.get_by_label("Scan now")).to_be_checked()
    dialog.get_by_role("button", name="Add library").click()
    expect(page.get_by_text("Library added")).to_be_visible()
    # The scan of six small files can finish before the banner paints; its toast cannot be missed.
    expect(page.get_by_text("Scan finished")).to_be_visible(timeout=SCAN_TIMEOUT_MS)
    expect(page.get_by_text(re.compile(r"^Scanning:"))).to_have_count(0)
    for title in SERIES:
        expect(page.get_by_role("link", name=title)).to_be_visible()
    expect(page.locator("[data-testid=series-row]")).to_have_count(3)
    screenshot(page, "02-library")


def _fetch_metadata(page: Any, title: str) -> None:
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    page.get_by_role("button", name="Fetch metadata").click()
    dialog = page.get_by_role("dialog", name="Fetch metadata")
    expect(dialog.get_by_text("Echo (demo)")).to_be_visible()
    dialog.get_by_role("button", name="Search", exact=True).click()
    dialog.get_by_text(title, exact=True).first.click()
    apply = dialog.get_by_role("button", name=re.compile(r"^Apply \d+ fields$"))
    expect(apply).to_be_enabled()
    expect(dialog.get_by_text("From Echo (demo)")).to_be_visible()
    screenshot(page, "03-fetch-metadata-review")
    apply.click()
    expect(page.get_by_text("Metadata applied")).to_be_visible()
    expect(dialog).to_be_hidden()
    # Applying links the series to the provider.
    expect(page.get_by_text("Linked to Echo (demo)")).to_be_visible()
    screenshot(page, "04-series")
    page.get_by_role("link", name=LIBRARY).first.click()


def _create_job(page: Any) -> None:
    page.get_by_role("link", name="Scheduled jobs (0)").click()
    expect(page.get_by_role("heading", name="Scheduled jobs")).to_be_visible()
    expect(page.get_by_text("No scheduled jobs yet.")).to_be_visible()
    page.get_by_role("button", name="Add job").first.click()
    dialog = page.get_by_role("dialog", name="Add job")
    dialog.get_by_label("Name").fill("E2E refresh")
    expect(dialog.get_by_role("combobox", name="Schedule")).to_have_value("Daily at 04:00")
    timezone = dialog.get_by_role("combobox", name="Timezone")
    timezone.click()
    timezone.fill("berl")
    page.get_by_role("option", name="Europe/Berlin").click()
    expect(dialog.get_by_text("At 04:00 every day")).to_be_visible()
    expect(dialog.get_by_text(re.compile(r"04:00 CES?T$"))).to_have_count(5)
    dialog.get_by_role("combobox", name="Provider").click()
    page.get_by_role("option", name="Echo (demo)").click()
    expect(dialog.get_by_text("Series only")).to_be_visible()
    dialog.get_by_text("Descriptive", exact=True).click()
    dialog.get_by_role("button", name="Advanced options").click()
    dialog.get_by_label("Only refresh items already linked to this provider").uncheck(force=True)
    # The fetched series was synced a moment ago; preview all three.
    dialog.get_by_label(re.compile(r"^Skip items synced within")).fill("0")
    # One item at a time, 400 ms each: the run's progress stays on screen long enough to see.
    dialog.get_by_label("Max concurrency").fill("1")
    screenshot(page, "05-job-editor")
    dialog.get_by_role("button", name="Create job").click()
    expect(page.get_by_text("Job created")).to_be_visible()
    row = page.locator("[data-testid=job-row]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Next run:")
    expect(row).to_contain_text("Echo (demo)")


def _preview_job(page: Any) -> None:
    page.locator("[data-testid=job-row]").get_by_role("button", name="Preview").click()
    dialog = page.get_by_role("dialog", name=re.compile(r"^Preview"))
    items = dialog.locator("[data-testid=preview-item]")
    expect(items).to_have_count(3, timeout=RUN_TIMEOUT_MS)
    harbour = items.filter(has_text="Harbour Lights")
    summary = harbour.locator("[data-testid=change-row]").filter(has_text="Summary")
    expect(summary.locator("del")).to_contain_text(ORIGINAL_SUMMARY)
    expect(summary.locator("ins")).to_contain_text("Echo summary")
    screenshot(page, "06-preview")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


def _run_job(page: Any) -> None:
    row = page.locator("[data-testid=job-row]")
    row.get_by_role("button", name="Run now").click()
    expect(page.get_by_text("Run started")).to_be_visible()
    progress = row.locator("[data-testid=job-row-progress]")
    expect(progress.get_by_role("progressbar")).to_be_visible()
    # The echo plugin answers after 400 ms, so a count below the total is on screen for a while.
    expect(progress).to_contain_text(re.compile(r"\b[0-2] / 3\b"))
    screenshot(page, "07-job-running")
    expect(progress).to_be_hidden(timeout=RUN_TIMEOUT_MS)
    expect(row).to_contain_text(re.compile(r"Last run:\s*Success", re.IGNORECASE))
    screenshot(page, "08-jobs")


def _revert_from_history(page: Any) -> None:
    page.locator("[data-testid=job-row]").get_by_role("button", name="Job actions").click()
    page.get_by_role("menuitem", name="History").click()
    drawer = page.get_by_role("dialog", name=re.compile(r"^Run history"))
    run = drawer.locator("[data-testid=run-row]").first
    expect(run).to_contain_text(re.compile("success", re.IGNORECASE))
    # The Clockwork Fox already holds echo's values from the fetch above.
    expect(run).to_contain_text("2 changed · 1 unchanged")
    run.locator("[aria-expanded]").first.click()
    expect(run.locator("del").first).to_be_visible()
    expect(run.locator("ins").first).to_be_visible()
    screenshot(page, "09-history")
    run.get_by_role("button", name="Revert").click()
    page.get_by_role("dialog", name="Revert this run?").get_by_role("button", name="Revert").click()
    expect(page.get_by_text("Run reverted")).to_be_visible(timeout=RUN_TIMEOUT_MS)
    expect(run).to_contain_text(re.compile("reverted", re.IGNORECASE))
    page.keyboard.press("Escape")


def _see_original_summary(page: Any) -> None:
    page.get_by_role("link", name=LIBRARY).first.click()
    page.get_by_role("link", name="Harbour Lights").click()
    expect(page.get_by_text(ORIGINAL_SUMMARY)).to_be_visible()
