"""The built web pages in a real browser: Debian's headless Chromium (installed by `make test`)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import struct
import subprocess
import zlib
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from chromium import CHROMIUM
from projects import build_site, real_indicator, real_site, run_reportgen, shared_folder

pytestmark = pytest.mark.browser

if CHROMIUM is None and os.environ.get("REPORTGEN_SKIP_BROWSER") == "1":
    pytest.skip("REPORTGEN_SKIP_BROWSER=1 and no Chromium", allow_module_level=True)


def chromium(*args: str, tmp_path: Path) -> str:
    assert CHROMIUM, "Chromium is not installed: `make test` installs Debian's chromium package"
    profile = tmp_path / "chromium-profile"
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--hide-scrollbars", f"--user-data-dir={profile}", *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True).stdout


def png_pixels(path: Path) -> tuple[int, int, bytes]:
    """Width, height and the raw (filtered) scanlines of a PNG: enough to tell a blank page from a page."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, idat, width, height = 8, b"", 0, 0
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        chunk = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", chunk[:8])
        elif kind == b"IDAT":
            idat += chunk
        position += 12 + length
    return width, height, zlib.decompress(idat)


def dom_after_scripts(page: Path, tmp_path: Path) -> str:
    return chromium("--virtual-time-budget=3000", "--dump-dom", page.as_uri(), tmp_path=tmp_path)


@pytest.mark.parametrize("width", [360, 1280])
def test_screenshot_of_the_real_page_is_not_blank(real_build, tmp_path, width):
    page = real_build / "output" / "html" / "2564" / "08.html"
    shot = real_build / "output" / f"screenshot-08-{width}.png"  # kept under output/ for people to look at
    chromium(f"--window-size={width},1800", f"--screenshot={shot}", page.as_uri(), tmp_path=tmp_path)
    shot_width, _, pixels = png_pixels(shot)
    assert shot_width == width
    assert len(set(pixels)) > 50, "the screenshot is (nearly) one colour: nothing was drawn"


def test_page_fits_a_360px_phone_without_horizontal_scrolling(real_build, tmp_path):
    # Headless Chromium will not make a window narrower than 500 px, so the page is measured in a 360 px frame.
    site = tmp_path / "site"
    shutil.copytree(real_build / "output" / "html", site)
    probe = site / "2564" / "probe.html"
    probe.write_text("""<!DOCTYPE html><html><body style="margin:0">
<iframe id="phone" src="08.html" style="width:360px;height:800px;border:0"></iframe>
<script>
document.getElementById("phone").addEventListener("load", function () {
  var page = this.contentDocument.documentElement, wide = [];
  this.contentDocument.querySelectorAll("body *").forEach(function (element) {
    if (element.getBoundingClientRect().right > page.clientWidth || element.scrollWidth > element.clientWidth + 1)
      wide.push(element.tagName + "." + element.className);
  });
  document.documentElement.setAttribute("data-widths", page.clientWidth + " " + page.scrollWidth);
  document.documentElement.setAttribute("data-too-wide", wide.join(" "));
});
</script></body></html>""", encoding="utf-8")
    dom = chromium("--allow-file-access-from-files", "--virtual-time-budget=3000", "--dump-dom", probe.as_uri(),
                   tmp_path=tmp_path)
    client_width, scroll_width = map(int, re.search(r'data-widths="(\d+) (\d+)"', dom).groups())
    too_wide = re.search(r'data-too-wide="([^"]*)"', dom).group(1)
    assert 330 <= client_width <= 360
    assert scroll_width <= client_width, f"wider than a phone: {too_wide}"


def test_a_script_in_a_page_does_run_in_this_browser(tmp_path):
    """The control for the next test: if scripts ran in our pages, this is how we would see it."""
    page = tmp_path / "control.html"
    page.write_text("<!DOCTYPE html><html><body><script>document.documentElement.setAttribute('data-pwned',"
                    " 'yes')</script></body></html>", encoding="utf-8")
    assert re.search(r"<html[^>]*data-pwned=", dom_after_scripts(page, tmp_path))


def test_content_full_of_scripts_runs_no_script(project, tmp_path):
    pwn = "document.documentElement.setAttribute('data-pwned', '{}')"
    hostile = real_indicator() | {
        "name": f'"><script>{pwn.format("name")}</script>',
        "definition": f"<script>{pwn.format('script')}</script>\n\n<img src=x onerror=\"{pwn.format('onerror')}\">",
        "calculation": f'<svg onload="{pwn.format("svg")}"></svg> <a href="javascript:{pwn.format("href")}">x</a>',
        "supporting_factors": f"<iframe srcdoc=\"<script>parent.{pwn.format('iframe')}</script>\"></iframe>"
                              " javascript:alert(1)",
        "evidence": [{"title": f'<b onmouseover="{pwn.format("title")}">หลักฐาน</b>', "url": "https://example.org/"}],
    }
    root = project({"indicators/2564/08.yaml": hostile})
    run_reportgen("build", cwd=root, check=True)
    dom = dom_after_scripts(root / "output" / "html" / "2564" / "08.html", tmp_path)
    assert not re.search(r"<html[^>]*data-pwned=", dom), "a script from the content ran"
    assert "<script>" not in re.search(r"<article.*?</article>", dom, re.S).group()
    assert "&lt;script&gt;" in dom, "the content's text should be shown, as text"


# --- The published site in Chromium, driven by Playwright --------------------------------------------------------
# One browser for the module. The site is served at its real base_url (a sub-path) by answering every request from
# the built output/html, so a link that would only work at the server's root, or a request leaving the site, shows
# up as a failed request. axe-core and the Nu HTML Checker come from npm (tests/browser, `make test` installs them).

BROWSER_TOOLS = Path(__file__).resolve().parent / "browser" / "node_modules"
AXE_SCRIPT = BROWSER_TOOLS / "axe-core" / "axe.min.js"
VNU_JAR = BROWSER_TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
BASE_URL = real_site()["base_url"]
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript",
                 ".woff2": "font/woff2", ".svg": "image/svg+xml", ".pdf": "application/pdf", ".txt": "text/plain",
                 ".csv": "text/csv; charset=utf-8", ".json": "application/json", ".xml": "application/xml"}


@pytest.fixture(scope="module", params=["real", "multi-year"])
def site(request, real_build, multi_year_html) -> Path:
    return real_build / "output" / "html" if request.param == "real" else multi_year_html


class SiteVisit:
    """A browser context that serves ``html`` at BASE_URL and records what went wrong on its pages."""

    def __init__(self, browser, html: Path, **context_options):
        self.html, self.problems = html.resolve(), []
        self.context = browser.new_context(**context_options)
        self.context.route("**/*", self._answer)
        self.page = self.context.new_page()
        self.page.on("console", lambda message: message.type == "error" and self.problems.append(
            f"console error: {message.text}"))
        self.page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        self.page.on("requestfailed", lambda request: self.problems.append(
            f"failed request: {request.url} ({request.failure})"))

    def _answer(self, route):
        url = route.request.url.split("#")[0].split("?")[0]
        path = (self.html / url.removeprefix(BASE_URL)).resolve() if url.startswith(BASE_URL) else None
        if path is not None and path.is_dir():
            path = path / "index.html"
        if path is None or self.html not in path.parents or not path.is_file():
            self.problems.append(f"request outside the site or to a missing file: {route.request.url}")
            return route.fulfill(status=404, body="not found")
        return route.fulfill(path=str(path), content_type=CONTENT_TYPES.get(path.suffix, "application/octet-stream"))

    def open(self, relative: str):
        self.page.goto(BASE_URL + relative, wait_until="load")
        self.page.evaluate("document.fonts.ready.then(() => true)")
        return self.page

    def close(self):
        self.context.close()


def site_pages(html: Path) -> list[str]:
    return sorted(path.relative_to(html).as_posix() for path in html.rglob("*.html"))


def table_codes(page) -> list[str]:
    return page.eval_on_selector_all(".indicator-table tbody tr", "rows => rows.map(row => row.cells[0].textContent.trim())")


def test_every_page_loads_with_its_fonts_and_no_console_error_or_failed_request(browser, site):
    visit = SiteVisit(browser, site)
    try:
        for relative in site_pages(site):
            page = visit.open(relative)
            assert page.evaluate("document.documentElement.lang") == "th"
            fonts = page.evaluate("[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)")
            assert any("Sarabun" in family for family in fonts), f"{relative}: Sarabun was not loaded"
            assert not visit.problems, f"{relative}: {visit.problems}"
    finally:
        visit.close()


#: The faces every page preloads (_site.html.j2): text set in any other face waits for a font fetched only once the
#: page is laid out, too late for `font-display: optional`, and shows in the reader's own font (boxes without one).
PRELOADED_FACES = {("normal", "Regular"), ("normal", "Bold")}
TEXT_FACES = """() => {
  const faces = new Map();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, element = node.parentElement;
    if (!node.textContent.trim() || !element.checkVisibility()) continue;
    const style = getComputedStyle(element);
    if (!style.fontFamily.startsWith('"Sarabun"') && !style.fontFamily.startsWith("Sarabun")) continue;
    const face = [style.fontStyle, Number(style.fontWeight) >= 600 ? "Bold" : "Regular"];
    faces.set(face.join(" "), node.textContent.trim().slice(0, 40));
  }
  return [...faces.entries()];
}"""


def test_every_text_of_every_page_is_set_in_a_face_the_page_preloads(browser, site):
    visit = SiteVisit(browser, site)
    found = []
    try:
        for relative in site_pages(site):
            for face, text in visit.open(relative).evaluate(TEXT_FACES):
                if tuple(face.split(" ")) not in PRELOADED_FACES:
                    found.append(f"{relative}: {face}: {text}")
    finally:
        visit.close()
    assert not found, "\n".join(found)


def test_axe_finds_no_wcag_21_aa_violation_on_any_page(browser, site):
    assert AXE_SCRIPT.is_file(), "axe-core is missing: `make test` runs npm ci in tests/browser"
    visit = SiteVisit(browser, site)
    found = []
    try:
        for relative in site_pages(site):
            page = visit.open(relative)
            page.add_script_tag(path=str(AXE_SCRIPT))
            result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA)
            assert result["passes"], f"{relative}: axe checked nothing"
            found += [f"{relative}: {violation['id']} ({violation['help']}) at "
                      f"{[node['target'] for node in violation['nodes']]}" for violation in result["violations"]]
    finally:
        visit.close()
    assert not found, "\n".join(found)


def test_home_table_shows_indicator_08_at_1200_percent_of_target(browser, real_build):
    visit = SiteVisit(browser, real_build / "output" / "html")
    try:
        row = visit.open("index.html").inner_text("#indicator-08")
    finally:
        visit.close()
    cells = [cell.strip() for cell in row.split("\t")]
    assert cells[0] == "08" and cells[1] == real_indicator()["name"]
    # The real 08 is not signed off: the status says so on its own line.
    assert cells[2:7] == ["3 ห้อง", "36 ห้อง", "ร้อยละ 1,200", "บรรลุเป้าหมาย\nฉบับร่าง", "ไตรมาสที่ 4 (ก.ค.–ก.ย. 2564)"]


@pytest.mark.parametrize("width", [360, 1280])
def test_screenshots_are_not_blank_and_no_page_is_wider_than_the_window(browser, real_build, multi_year_html, width):
    shots = real_build / "output" / "screenshots"  # kept for people to look at; output/ is never committed
    shots.mkdir(exist_ok=True)
    for html in (real_build / "output" / "html", multi_year_html):
        visit = SiteVisit(browser, html, viewport={"width": width, "height": 900})
        try:
            for relative in site_pages(html):
                page = visit.open(relative)
                client, scroll = page.evaluate("[document.documentElement.clientWidth, document.documentElement.scrollWidth]")
                assert scroll <= client == width, f"{relative} is {scroll} px wide in a {width} px window"
                if html != multi_year_html and relative in ("index.html", "2564/08.html"):
                    shot = shots / f"{relative.replace('/', '-').removesuffix('.html')}-{width}.png"
                    page.screenshot(path=str(shot), full_page=True)
                    shot_width, _, pixels = png_pixels(shot)
                    assert shot_width == width
                    assert len(set(pixels)) > 50, f"{shot} is (nearly) one colour: nothing was drawn"
        finally:
            visit.close()


def test_sorting_reorders_the_table_and_says_so(browser, multi_year_html):
    visit = SiteVisit(browser, multi_year_html)
    try:
        page = visit.open("2565/index.html")
        assert table_codes(page) == ["08", "09", "10"]
        assert page.get_attribute(".indicator-table th:nth-child(1)", "aria-sort") == "ascending"
        percent = page.get_by_role("button", name="ร้อยละของเป้าหมาย")
        percent.click()
        assert table_codes(page) == ["08", "10", "09"], "66.67 % before 120 %; not reported last"
        assert page.get_attribute(".indicator-table th:nth-child(5)", "aria-sort") == "ascending"
        assert page.get_attribute(".indicator-table th:nth-child(1)", "aria-sort") is None
        percent.click()
        assert table_codes(page) == ["10", "08", "09"]
        assert page.get_attribute(".indicator-table th:nth-child(5)", "aria-sort") == "descending"
        assert page.inner_text("#sort-status") == "เรียงตามร้อยละของเป้าหมาย จากมากไปน้อย"
        assert "เรียงตามร้อยละของเป้าหมาย จากมากไปน้อย" in page.inner_text("#table-caption")
        page.get_by_role("button", name="ตัวชี้วัด", exact=True).click()
        assert table_codes(page) == ["10", "08", "09"], "จำนวนกิจกรรม…, จำนวนห้องสมุด…, ร้อยละ…: Thai order"
        page.keyboard.press("Shift+Tab")  # the buttons are real buttons: reachable and usable from the keyboard
        assert page.evaluate("document.activeElement.textContent") == "รหัส"
        page.keyboard.press("Enter")
        assert table_codes(page) == ["08", "09", "10"]
        assert not visit.problems
    finally:
        visit.close()


def test_without_javascript_the_table_is_complete_in_code_order(browser, multi_year_html):
    visit = SiteVisit(browser, multi_year_html, java_script_enabled=False)
    try:
        page = visit.open("2565/index.html")
        assert table_codes(page) == ["08", "09", "10"]
        assert page.query_selector(".sort-button") is None
        assert not page.is_visible(".sort-hint")
        cells = page.eval_on_selector_all(".indicator-table tbody td", "cells => cells.map(c => c.textContent.trim())")
        assert len(cells) == 3 * 8 and all(cells)
    finally:
        visit.close()


def test_printing_a_page_leaves_out_the_site_navigation(browser, multi_year_html):
    visit = SiteVisit(browser, multi_year_html)
    try:
        page = visit.open("2565/08.html")
        page.emulate_media(media="print")
        assert not page.is_visible(".site-header") and not page.is_visible(".page-actions")
        assert page.is_visible(".kpi-form") and page.is_visible(".standing")
    finally:
        visit.close()


def test_nu_html_checker_finds_no_error_in_any_page_or_stylesheet(real_build, multi_year_html):
    assert VNU_JAR.is_file(), "vnu-jar is missing: `make test` runs npm ci in tests/browser"
    java = shutil.which("java")
    assert java, "Java is not installed: `make test` installs Debian's default-jre-headless"
    files = [str(path) for html in (real_build / "output" / "html", multi_year_html)
             for path in sorted(html.rglob("*")) if path.suffix in (".html", ".css")]
    checked = subprocess.run([java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--also-check-css",
                              *files], capture_output=True, text=True, timeout=300)
    messages = json.loads(checked.stderr or checked.stdout)["messages"]
    assert not messages, "\n".join(f"{m.get('url', '')}:{m.get('lastLine', '')}: {m['message']}" for m in messages)
    assert len(files) >= 20, "the checker was given almost nothing"


# --- A stable page (issue 15): no layout shift on a phone on a slow line ------------------------------------------
# Lighthouse's mobile profile, applied for real through the DevTools protocol (Lighthouse itself only simulates it):
# a 412 px phone, a slow 4G line (150 ms, 1.6 Mbit/s) and a 4× slower CPU, every page loaded with an empty cache.
# The network emulation applies to real requests only, so the site is served over HTTP on the loopback address.
# benchmarks/lighthouse.py measures the same pages with Lighthouse (scores, CLS); this test asserts the layout shift.

PHONE = {"viewport": {"width": 412, "height": 823}, "device_scale_factor": 1.75, "is_mobile": True, "has_touch": True}
SLOW_4G = {"offline": False, "latency": 150, "downloadThroughput": 1.6 * 1024 * 1024 / 8, "uploadThroughput": 750 * 1024 / 8}
#: Every layout shift of the page so far, summed: never less than CLS (the worst 5-second window of shifts).
LAYOUT_SHIFT = """() => new Promise(resolve => {
  let sum = 0;
  new PerformanceObserver(list => list.getEntries().forEach(entry => { if (!entry.hadRecentInput) sum += entry.value; }))
    .observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve(sum), 500);
})"""


@contextlib.contextmanager
def served(html: Path, tmp_path: Path):
    """``html`` over HTTP at http://127.0.0.1:PORT/<the sub-path of base_url>."""
    import functools
    import http.server
    import threading

    prefix = urlsplit(BASE_URL).path.strip("/")
    root = tmp_path / "served"
    (root / prefix).parent.mkdir(parents=True, exist_ok=True)
    (root / prefix).symlink_to(html.resolve(), target_is_directory=True)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **CONTENT_TYPES,
                          ".wasm": "application/wasm"}

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{prefix}/"
    finally:
        server.shutdown()
        thread.join()


def layout_shift_on_a_slow_phone(browser, url: str) -> tuple[float, list[str]]:
    """The summed layout shift of ``url`` loaded on the throttled phone, and the fonts it fetched."""
    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        fonts: list[str] = []
        page.on("requestfinished", lambda request: request.url.endswith(".woff2") and fonts.append(
            request.url.rsplit("/", 1)[-1]))
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", SLOW_4G)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
        page.goto(url, wait_until="load")
        page.evaluate("document.fonts.ready.then(() => true)")
        page.wait_for_timeout(300)  # a font that arrives late would be swapped in now
        return page.evaluate(LAYOUT_SHIFT), fonts
    finally:
        context.close()


def test_no_page_shifts_its_layout_on_a_slow_phone(browser, real_build, multi_year_html, tmp_path):
    shifts = {}
    for name, html in (("real", real_build / "output" / "html"), ("multi-year", multi_year_html)):
        with served(html, tmp_path / name) as base:
            for relative in site_pages(html):
                shift, fonts = layout_shift_on_a_slow_phone(browser, base + relative)
                assert "Sarabun-Regular.thai-latin.woff2" in fonts, f"{relative}: the font was not fetched: {fonts}"
                shifts[f"{name}: {relative}"] = shift
    assert len(shifts) >= 8, f"measured almost nothing: {shifts}"
    assert all(shift < 0.05 for shift in shifts.values()), f"layout shift (CLS ≤ this sum) of 0.05 or more: {shifts}"


def test_the_web_fonts_are_subsets_that_print_every_character_of_the_pages(real_build, multi_year_html):
    """The preloaded subsets hold every character the pages print in Sarabun, so no page fetches a whole face."""
    from fontTools.ttLib import TTFont

    fonts = real_build / "output" / "html" / "assets" / "fonts"
    subset = set(TTFont(fonts / "Sarabun-Regular.thai-latin.woff2").getBestCmap())
    whole = set(TTFont(fonts / "Sarabun-Regular.woff2").getBestCmap())
    assert len(subset) < len(whole) / 2 and (fonts / "Sarabun-Regular.thai-latin.woff2").stat().st_size < 20_000
    printed = set()
    for html in (real_build / "output" / "html", multi_year_html):
        for path in html.rglob("*.html"):
            text = re.sub(r"<(script|style)\b.*?</\1>|<[^>]+>", " ", path.read_text(encoding="utf-8"), flags=re.S)
            printed |= {ord(char) for char in unescape(text) if not char.isspace()}
    symbols = {0x2610, 0x2611}  # the form's check boxes, in Reportgen Symbols
    missing = sorted(printed - subset - symbols)
    assert not missing, f"printed but not in the web subset: {[chr(code) for code in missing]}"
    assert set(range(0x0E01, 0x0E3B)) & whole <= subset, "the subset lost Thai letters"


# --- The site's search (issue 15): Pagefind's index, searched from the header box of a page --------------------------

#: "จำนวน…" typed as some keyboards and PDFs give it: NIKHAHIT + SARA AA (U+0E4D U+0E32) instead of SARA AM.
NIKHAHIT_NAME = "จ\u0e4d\u0e32นวนผู้เข้าร่วมกิจกรรมส่งเสริมการอ่านของชุมชน"


@pytest.fixture(scope="module")
def thai_digit_html(tmp_path_factory) -> Path:
    """A site printed in Thai digits, with an indicator named with NIKHAHIT + SARA AA."""
    decomposed = real_indicator() | {"fiscal_year": 2565, "code": "11", "name": NIKHAHIT_NAME,
                                     "target": {"value": 500, "unit": "คน"}, "result": 650}
    files = {"indicators/2564/08.yaml": real_indicator(), "indicators/2565/11.yaml": decomposed}
    site = real_site() | {"digits": "thai"}
    built = shared_folder(tmp_path_factory, "thai-digits", lambda root: build_site(root, files, site=site))
    return built / "output" / "html"


def search_from_the_header(browser, html: Path, query: str, start: str = "index.html", *,
                           with_axe: bool = False) -> tuple[list[str], str]:
    """Type ``query`` into the search box of ``start`` and press Enter, as a reader does: the pages found (paths
    inside the site, best first) and the status line read out."""
    visit = SiteVisit(browser, html)
    page = visit.open(start)
    page.fill("#site-search-query", query)
    page.press("#site-search-query", "Enter")
    page.wait_for_url("**/search.html?q=*")
    page.wait_for_selector("#search-status[data-state=done], #search-status[data-state=failed]", timeout=15000)
    found = page.eval_on_selector_all(
        ".search-result-title", "links => links.map(link => new URL(link.href).pathname)")
    status = page.inner_text("#search-status")
    if with_axe:  # the page as the search left it: the results list and the status line read out
        page.add_script_tag(path=str(AXE_SCRIPT))
        result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA)
        assert result["passes"] and not result["violations"], [violation["id"] for violation in result["violations"]]
    visit.context.close()
    assert not visit.problems, visit.problems
    prefix = urlsplit(BASE_URL).path
    return [path.removeprefix(prefix) for path in found], status


def test_a_thai_phrase_typed_without_spaces_finds_its_indicator(browser, real_build):
    found, status = search_from_the_header(browser, real_build / "output" / "html", "ห้องสมุดมีชีวิตที่มีความทันสมัย",
                                           start="2564/08.html", with_axe=True)
    assert found == ["2564/08.html"]
    assert status == "พบ 1 ตัวชี้วัด สำหรับ “ห้องสมุดมีชีวิตที่มีความทันสมัย”"


def test_a_search_that_finds_nothing_says_so(browser, real_build):
    found, status = search_from_the_header(browser, real_build / "output" / "html", "xyzzyq")
    assert found == [] and status.startswith("ไม่พบตัวชี้วัดที่ตรงกับ “xyzzyq”")


def test_a_code_finds_the_indicator_of_every_year_first(browser, multi_year_html):
    found, _ = search_from_the_header(browser, multi_year_html, "08")
    assert sorted(found[:2]) == ["2564/08.html", "2565/08.html"], found


@pytest.mark.parametrize("query", ["จ\u0e4d\u0e32นวนห้องสมุด", "จำนวนห้องสมุด"])
def test_sara_am_and_nikhahit_sara_aa_find_a_page_written_with_sara_am(browser, real_build, query):
    found, _ = search_from_the_header(browser, real_build / "output" / "html", query)
    assert found == ["2564/08.html"]


@pytest.mark.parametrize("query", ["จำนวนผู้เข้าร่วมกิจกรรม", "จ\u0e4d\u0e32นวนผู้เข้าร่วมกิจกรรม"])
def test_sara_am_and_nikhahit_sara_aa_find_a_page_written_with_nikhahit(browser, thai_digit_html, query):
    found, _ = search_from_the_header(browser, thai_digit_html, query)
    assert found[:1] == ["2565/11.html"], found  # 08 has these words too, apart: it may follow
    # The page itself keeps the spelling it was written in: nothing was normalised.
    assert NIKHAHIT_NAME in (thai_digit_html / "2565" / "11.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("query", ["๐๘", "08"])
def test_thai_and_arabic_digits_find_a_code_printed_in_arabic_digits(browser, real_build, query):
    found, status = search_from_the_header(browser, real_build / "output" / "html", query)
    assert found == ["2564/08.html"] and status.startswith("พบ 1 ตัวชี้วัด")


@pytest.mark.parametrize("query", ["๑๑", "11"])
def test_thai_and_arabic_digits_find_a_code_printed_in_thai_digits(browser, thai_digit_html, query):
    page_text = (thai_digit_html / "2565" / "11.html").read_text(encoding="utf-8")
    heading = re.sub(r"<[^>]+>", "", re.search(r"<h1\b.*?</h1>", page_text, re.S).group())  # its words marked
    assert "ตัวชี้วัด ๑๑" in heading and "11" not in heading, heading
    found, status = search_from_the_header(browser, thai_digit_html, query)
    assert found[:1] == ["2565/11.html"], found
    assert status.startswith("พบ ") and not re.search("[0-9]", status.split("“")[0]), status  # in the site's digits


# --- What an officer types is what the page shows (issue 25) -------------------------------------------------------

OFFICER_NARRATIVE = (
    "ตารางจาก Excel\nเดือน\tชื่อเรื่อง\tการเข้าชม (ครั้ง)\nพฤษภาคม\t180\t52,310\n"
    "กรกฎาคม\tบรรณนิทัศน์ออนไลน์ประจำเดือนที่มีชื่อยาวจนต้องตัดบรรทัดในช่องของตาราง\t1,204,551\n"
    "ดังนี้\n๑. จัดกิจกรรม\n๒. อบรม\n3)ประเมินผล\n    ย่อหน้าแบบ Word\n>ร้อยละ 85 ของผู้ตอบ\n•\tจาก Word"
)


def test_a_pasted_table_and_typed_lists_pass_axe_and_fit_a_phone(browser, tmp_path):
    data = real_indicator()
    data["quarters"]["q1"] = {"report": OFFICER_NARRATIVE}
    html = build_site(tmp_path / "project", {"indicators/2564/08.yaml": data})
    visit = SiteVisit(browser, html, viewport={"width": 500, "height": 900})
    try:
        page = visit.open("2564/08.html")
        assert page.eval_on_selector_all(".narrative-table th[scope=col]", "cells => cells.length") == 3
        assert page.inner_text(".narrative-table tbody tr:first-child").split() == ["พฤษภาคม", "180", "52,310"]
        page.add_script_tag(path=str(AXE_SCRIPT))
        result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA)
        assert not result["violations"], [violation["id"] for violation in result["violations"]]
        wide = page.evaluate("""() => [...document.querySelectorAll('.narrative *')]
            .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth).length""")
        assert wide == 0 and not visit.problems, visit.problems
        text = page.inner_text(".quarter")
        assert "๒. อบรม" in text and "3) ประเมินผล" in text and ">ร้อยละ 85 ของผู้ตอบ" in text
    finally:
        visit.close()
