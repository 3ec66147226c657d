"""The built web pages in a real browser: Debian's headless Chromium (installed by `make test`)."""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from conftest import real_indicator, run_reportgen

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
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
