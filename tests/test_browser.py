"""The CV page in a real headless Chromium: the charts render, under our CSP, without errors."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import ConsoleMessage, Page, sync_playwright
from werkzeug.serving import make_server

from tests.conftest import LocalUser
from tests.gitrepos import BASE_TIME, RepoBuilder

CHROMIUM = Path("/usr/bin/chromium")
# Never let the browser reach beyond the test server, nor download anything.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]
CHARTS = ("#chart-commits", "#chart-languages-time", "#chart-language-share")
# Columns and pie slices are points; stacked areas are drawn as an area and a line.
SERIES_SHAPES = (".highcharts-series-group .highcharts-point, "
                 ".highcharts-series-group .highcharts-area, "
                 ".highcharts-series-group .highcharts-graph")
WEEK = 7 * 24 * 3600
YOU = "dev@example.com"

# Records Content-Security-Policy violations, which not every Chromium logs to the console.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false")


@pytest.fixture
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        if in_ci():
            pytest.fail(f"{CHROMIUM} is missing; CI must install chromium (scripts/setup.sh)")
        pytest.skip(f"{CHROMIUM} is missing; install chromium to run the browser test")
    return CHROMIUM


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The test app served over HTTP on a free loopback port, in a background thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def three_language_repository(path: Path) -> RepoBuilder:
    """Seven commits of yours in Python, JavaScript and Go over ten weeks, and one not yours."""
    repo = RepoBuilder(path)
    history = [
        (0, "app.py", 40), (1, "app.py", 55), (3, "web/chart.js", 30), (5, "main.go", 25),
        (6, "app.py", 70), (9, "web/chart.js", 45), (10, "main.go", 35),
    ]
    for week, name, lines in history:
        repo.lines(name, lines)
        repo.commit(f"work on {name}", email=YOU, when=BASE_TIME + week * WEEK)
    repo.lines("NOTES.md", 5)
    repo.commit("someone else's notes", email="other@example.com", when=BASE_TIME + 2 * WEEK)
    return repo


def save_screenshot(page: Page, tmp_path: Path) -> Path:
    screenshot = tmp_path / "cv.png"
    page.screenshot(path=str(screenshot), full_page=True)
    copy_to = os.environ.get("COMMITSTATS_SCREENSHOT_DIR")
    if copy_to:
        Path(copy_to).mkdir(parents=True, exist_ok=True)
        shutil.copy(screenshot, Path(copy_to) / screenshot.name)
    return screenshot


def test_cv_page_renders_three_charts_without_errors(
    local_user: LocalUser, live_server: str, chromium_path: Path, tmp_path: Path
) -> None:
    repo = three_language_repository(tmp_path / "repo")
    local_user.add_email(YOU)
    local_user.add_repository(str(repo.path))
    assert local_user.run_collection() == 1

    errors: list[str] = []

    def record_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"console: {message.text} ({message.location['url']})")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium_path),
                                             args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900},
                                    reduced_motion="reduce")
            page.add_init_script(RECORD_CSP_VIOLATIONS)
            page.on("console", record_console)
            page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
            page.on("requestfailed", lambda request: errors.append(
                f"request failed: {request.url} ({request.failure})"))

            response = page.goto(f"{live_server}/cv/me", wait_until="load")
            assert response is not None and response.ok
            page.wait_for_function(
                "() => window.Highcharts && Highcharts.charts.filter(Boolean).length === 3"
                " && Highcharts.charts.every(c => !c || c.series.every("
                "s => s.points.every(p => p.graphic || s.area)))"
            )
            # Let any remaining animation settle so the screenshot shows the final charts.
            page.wait_for_timeout(1200)
            screenshot = save_screenshot(page, tmp_path)

            for chart in CHARTS:
                root = page.locator(f"{chart} svg.highcharts-root")
                assert root.count() == 1, f"{chart} has no Highcharts SVG ({screenshot})"
                assert root.locator(SERIES_SHAPES).count() >= 1, f"{chart} draws no series"
            assert page.locator("[data-stat=commits]").inner_text().strip() == "7"
            errors.extend(f"CSP: {v}" for v in page.evaluate("window.__cspViolations"))
        finally:
            browser.close()

    assert errors == [], f"the browser reported errors (screenshot: {screenshot})"
