"""The CV, the widget and the card in a real headless Chromium, under our CSP, without errors."""

from __future__ import annotations

import os
import shutil
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, ConsoleMessage, Frame, Page, sync_playwright

from tests.conftest import LocalUser
from tests.gitrepos import BASE_TIME, RepoBuilder
from tests.live_server import live_server as serve_in_thread

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
DAY = 24 * 3600
WEEK = 7 * DAY
YOU = "dev@example.com"
CARD_WIDTH = 495

# Records Content-Security-Policy violations, which not every Chromium logs to the console.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""
# True once the charts inside the connected page have drawn every point of every series
# (charts of a body that htmx swapped out stay in Highcharts.charts, detached).
CHARTS_DRAWN = """(count) => {
  if (!window.Highcharts) return false;
  const live = Highcharts.charts.filter(c => c && c.renderTo.isConnected);
  return live.length === count
    && live.every(c => c.series.every(s => s.points.every(p => p.graphic || s.area || s.graph)));
}"""
# Commits the connected "Commits per week" chart draws as columns.
COMMITS_CHARTED = """() => Highcharts.charts
  .filter(c => c && c.renderTo.isConnected && c.renderTo.id === 'chart-commits')
  .flatMap(c => c.series.filter(s => s.type === 'column'))
  .flatMap(s => s.points.map(p => p.y)).reduce((a, b) => a + b, 0)"""
# Relative luminance (0 black, 1 white) of a computed CSS colour such as "rgb(15, 20, 27)".
LUMINANCE = """(color) => {
  const [r, g, b] = color.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number)
    .map(c => c / 255).map(c => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}"""


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
def browser(chromium_path: Path) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium_path),
                                             args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The test app served over HTTP on a free loopback port, in a background thread."""
    with serve_in_thread(app) as url:
        yield url


class OtherSite:
    """Another website (another port, so another origin) whose pages frame or show ours."""

    def __init__(self) -> None:
        self.url = ""
        self._pages: dict[str, bytes] = {}

    def page(self, path: str, body: str) -> str:
        """Publish an HTML page at `path`; returns its address."""
        self._pages[path] = (  # no favicon: the browser would ask for one and get a 404
            '<!doctype html><html><head><link rel="icon" href="data:,"></head>'
            f"<body>{body}</body></html>").encode()
        return self.url + path

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        body = self._pages.get(environ["PATH_INFO"])
        if body is None:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [body]


@pytest.fixture
def other_site() -> Iterator[OtherSite]:
    site = OtherSite()
    with serve_in_thread(site) as url:
        site.url = url
        yield site


class BrowserErrors:
    """What a page reports as going wrong: console errors and warnings, uncaught exceptions,
    failed requests and Content-Security-Policy violations, in any of its frames."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.messages: list[str] = []
        page.add_init_script(RECORD_CSP_VIOLATIONS)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.messages.append(f"page error: {error}"))
        page.on("requestfailed", lambda request: self.messages.append(
            f"request failed: {request.url} ({request.failure})"))

    def _console(self, message: ConsoleMessage) -> None:
        # Warnings too: Highcharts warns about missing modules and settings.
        if message.type in ("error", "warning"):
            self.messages.append(f"console: {message.text} ({message.location['url']})")

    def collect_csp_violations(self) -> None:
        """Read the violations recorded so far; call it before the page navigates away."""
        for frame in self.page.frames:
            if frame.url.startswith("http"):
                violations = frame.evaluate("window.__cspViolations || []")
                self.messages.extend(f"CSP in {frame.url}: {v}" for v in violations)

    def all(self) -> list[str]:
        self.collect_csp_violations()
        return self.messages


def new_page(browser: Browser, **options: object) -> tuple[Page, BrowserErrors]:
    page = browser.new_page(viewport={"width": 1280, "height": 900}, reduced_motion="reduce",
                            **options)
    return page, BrowserErrors(page)


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


def year_until_yesterday_repository(path: Path) -> RepoBuilder:
    """26 commits of yours, one a fortnight in Python, JavaScript and Go, the last
    yesterday: the ranges of the CV, counted back from today, each show some."""
    repo = RepoBuilder(path)
    yesterday = int(time.time()) - DAY
    files = ("app.py", "web/chart.js", "main.go")
    for n in range(26):
        name = files[n % 3]
        repo.lines(name, 20 + 5 * n)
        repo.commit(f"work on {name}", email=YOU, when=yesterday - (25 - n) * 2 * WEEK)
    return repo


def collect(local_user: LocalUser, repo: RepoBuilder) -> None:
    local_user.add_email(YOU)
    local_user.add_repository(str(repo.path))
    assert local_user.run_collection() == 1


def save_screenshot(page: Page, tmp_path: Path, name: str = "cv.png",
                    full_page: bool = True) -> Path:
    screenshot = tmp_path / name
    page.screenshot(path=str(screenshot), full_page=full_page)
    copy_to = os.environ.get("COMMITSTATS_SCREENSHOT_DIR")
    if copy_to:
        Path(copy_to).mkdir(parents=True, exist_ok=True)
        shutil.copy(screenshot, Path(copy_to) / screenshot.name)
    return screenshot


def wait_for_charts(page: Page | Frame, count: int) -> None:
    page.wait_for_function(CHARTS_DRAWN, arg=count)
    # Let any remaining animation settle so a screenshot shows the final charts.
    page.wait_for_timeout(1200)


def assert_charts_draw_series(page: Page, screenshot: Path) -> None:
    for chart in CHARTS:
        root = page.locator(f"{chart} svg.highcharts-root")
        assert root.count() == 1, f"{chart} has no Highcharts SVG ({screenshot})"
        assert root.locator(SERIES_SHAPES).count() >= 1, f"{chart} draws no series"


def test_cv_page_renders_three_charts_without_errors(
    local_user: LocalUser, live_server: str, browser: Browser, tmp_path: Path
) -> None:
    collect(local_user, three_language_repository(tmp_path / "repo"))
    page, errors = new_page(browser)

    response = page.goto(f"{live_server}/cv/me", wait_until="load")
    assert response is not None and response.ok
    wait_for_charts(page, 3)
    screenshot = save_screenshot(page, tmp_path)

    assert_charts_draw_series(page, screenshot)
    assert page.locator("[data-stat=commits]").inner_text().strip() == "7"
    assert errors.all() == [], f"the browser reported errors (screenshot: {screenshot})"


def test_a_chart_downloads_as_a_png_image_made_in_the_browser(
    local_user: LocalUser, live_server: str, browser: Browser, tmp_path: Path
) -> None:
    collect(local_user, three_language_repository(tmp_path / "repo"))
    page, errors = new_page(browser, accept_downloads=True)
    page.goto(f"{live_server}/cv/me", wait_until="load")
    wait_for_charts(page, 3)

    page.locator("#chart-language-share .highcharts-contextbutton").click()
    with page.expect_download() as download:
        page.get_by_text("Download PNG image").click()

    png = Path(download.value.path()).read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert download.value.suggested_filename == "commit-stats-language-share.png"
    # The corner is the card's white, not transparent: the image reads on any background.
    assert first_pixel(png) in ((255, 255, 255, 255), (255, 255, 255))
    assert errors.all() == []


def first_pixel(png: bytes) -> tuple[int, ...]:
    """The top-left pixel of an 8-bit RGB or RGBA PNG: every PNG filter leaves the
    first pixel of the first scanline as it is."""
    color_type = png[25]
    channels = {2: 3, 6: 4}[color_type]
    data, offset = b"", 8
    while offset < len(png):
        length = int.from_bytes(png[offset:offset + 4], "big")
        kind = png[offset + 4:offset + 8]
        if kind == b"IDAT":
            data += png[offset + 8:offset + 8 + length]
        offset += 12 + length
    scanline = zlib.decompressobj().decompress(data, 1 + channels)
    return tuple(scanline[1:1 + channels])


def test_contribution_calendar_shows_53_weeks_of_days(
    local_user: LocalUser, live_server: str, browser: Browser, tmp_path: Path
) -> None:
    collect(local_user, year_until_yesterday_repository(tmp_path / "repo"))
    page, errors = new_page(browser)

    page.goto(f"{live_server}/cv/me", wait_until="load")
    days = page.locator("svg.calendar rect")
    columns = days.evaluate_all("rects => [...new Set(rects.map(r => r.getAttribute('x')))]")

    assert len(columns) == 53
    assert 52 * 7 < days.count() <= 53 * 7
    assert page.locator("svg.calendar rect:not(.level-0)").count() == 26
    assert errors.all() == []


def test_range_button_swaps_the_body_with_htmx_and_redraws_the_charts(
    local_user: LocalUser, live_server: str, browser: Browser, tmp_path: Path
) -> None:
    collect(local_user, year_until_yesterday_repository(tmp_path / "repo"))
    page, errors = new_page(browser)
    page.goto(f"{live_server}/cv/me", wait_until="load")
    wait_for_charts(page, 3)
    assert page.locator("[data-stat=commits]").inner_text() == "26"
    # A full page load would start a new window without this marker.
    page.evaluate("window.__samePage = 'no reload'")

    page.get_by_role("link", name="Last 3 months").click()
    page.wait_for_url(f"{live_server}/cv/me?range=3m")
    page.locator(".range-picker a.active", has_text="Last 3 months").wait_for()
    wait_for_charts(page, 3)
    screenshot = save_screenshot(page, tmp_path, "cv-last-3-months.png")

    assert page.evaluate("window.__samePage") == "no reload"
    shown = int(page.locator("[data-stat=commits]").inner_text())
    assert 0 < shown < 26
    assert_charts_draw_series(page, screenshot)
    assert page.evaluate(COMMITS_CHARTED) == shown
    assert page.locator("#cv-body").count() == 1
    assert "range%3D3m" in (page.locator("#theme-toggle").get_attribute("href") or "")
    # The charts of the range swapped out are gone, not kept detached.
    assert page.evaluate("Highcharts.charts.filter(Boolean).length") == 3
    assert errors.all() == [], f"the browser reported errors (screenshot: {screenshot})"


def test_theme_toggle_switches_the_cv_to_a_dark_background(
    local_user: LocalUser, live_server: str, browser: Browser, tmp_path: Path
) -> None:
    collect(local_user, three_language_repository(tmp_path / "repo"))
    page, errors = new_page(browser)
    page.goto(f"{live_server}/cv/me", wait_until="load")
    assert page.locator("html").get_attribute("data-theme") == "light"

    with page.expect_navigation(wait_until="load"):
        page.get_by_role("link", name="Switch to the dark theme").click()
    wait_for_charts(page, 3)
    screenshot = save_screenshot(page, tmp_path, "cv-dark.png")

    def luminance(selector: str, css_property: str) -> float:
        color = page.locator(selector).first.evaluate(
            f"(e) => getComputedStyle(e).getPropertyValue('{css_property}')")
        return page.evaluate(LUMINANCE, color)

    assert page.locator("html").get_attribute("data-theme") == "dark"
    assert page.url == f"{live_server}/cv/me"
    assert luminance("body", "background-color") < 0.05
    assert luminance(".card", "background-color") < 0.05
    assert luminance("#chart-commits .highcharts-title", "fill") > 0.6
    assert luminance("h1", "color") > 0.6
    assert errors.all() == [], f"the browser reported errors (screenshot: {screenshot})"


def test_widget_loads_in_a_frame_on_another_site_but_the_cv_does_not(
    local_user: LocalUser, live_server: str, other_site: OtherSite, browser: Browser,
    tmp_path: Path,
) -> None:
    collect(local_user, three_language_repository(tmp_path / "repo"))
    widget = f"{live_server}/embed/me?chart=languages&theme=dark"
    host = other_site.page("/blog", (
        "<h1>My blog</h1>"
        f'<iframe id="widget" src="{widget}" width="600" height="380"></iframe>'
        f'<iframe id="cv" name="cv" src="{live_server}/cv/me" width="600" height="380"></iframe>'))
    page, errors = new_page(browser)

    page.goto(host, wait_until="load")
    frame = page.frame_locator("#widget")
    frame.locator("#embed-chart svg.highcharts-root").wait_for()
    widget_frame = page.frame(url=widget)
    assert widget_frame is not None
    wait_for_charts(widget_frame, 1)
    screenshot = save_screenshot(page, tmp_path, "widget-on-another-site.png")

    assert frame.locator("[data-stat=commits]").inner_text() == "7"
    assert frame.locator(f"#embed-chart svg.highcharts-root {SERIES_SHAPES}").count() >= 1
    assert widget_frame.evaluate("document.documentElement.dataset.theme") == "dark"
    # frame-ancestors 'none': Chromium refuses the CV and shows its own error page instead.
    cv_frame = page.frame(name="cv")
    assert cv_frame is not None and not cv_frame.url.startswith("http"), cv_frame
    assert cv_frame.locator(".profile, [data-stat], .range-picker").count() == 0
    refusals = [m for m in errors.all() if "frame-ancestors 'none'" in m
                or m.startswith(f"request failed: {live_server}/cv/me")]
    assert any("frame-ancestors 'none'" in m for m in refusals), errors.messages
    assert [m for m in errors.messages if m not in refusals] == [], screenshot


def test_card_is_an_image_without_scripts_also_on_another_site(
    local_user: LocalUser, live_server: str, other_site: OtherSite, browser: Browser,
    tmp_path: Path,
) -> None:
    collect(local_user, three_language_repository(tmp_path / "repo"))
    page, errors = new_page(browser)

    response = page.goto(f"{live_server}/card/me.svg", wait_until="load")
    assert response is not None and response.ok
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert page.evaluate("document.documentElement.namespaceURI") == "http://www.w3.org/2000/svg"
    assert page.evaluate("document.documentElement.getBoundingClientRect().width") == CARD_WIDTH
    assert page.locator("script").count() == 0
    handlers = page.evaluate("""[...document.querySelectorAll('*')]
        .flatMap(e => [...e.attributes].map(a => a.name)).filter(n => n.startsWith('on'))""")
    assert handlers == []
    assert "7 commits" in page.locator("title").first.text_content()
    # Chromium cannot measure a whole SVG document as a page: shoot the viewport.
    save_screenshot(page, tmp_path, "card.png", full_page=False)

    readme = other_site.page("/readme", (
        f'<img id="light" src="{live_server}/card/me.svg" alt="my stats"><br>'
        f'<img id="dark" src="{live_server}/card/me.svg?theme=dark" alt="my stats">'))
    page.goto(readme, wait_until="load")
    screenshot = save_screenshot(page, tmp_path, "card-on-another-site.png")

    for card in ("#light", "#dark"):
        assert page.locator(card).evaluate("img => img.complete && img.naturalWidth") == \
            CARD_WIDTH, f"{card} card did not render as an image ({screenshot})"
    assert errors.all() == [], f"the browser reported errors (screenshot: {screenshot})"
