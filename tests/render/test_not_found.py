"""The 404 page wherever the site is served (issue 27): a real HTTP server on 127.0.0.1 answers every missing address
with the site's 404.html (status 404), as Apache's ErrorDocument, nginx's error_page and GitHub Pages do, the site
mounted at the server's root, at the published path (/kpi/) or elsewhere; Chromium loads the page at missing
addresses of every depth and must find the site's stylesheet, font and links there, and ask nothing of production."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".woff2": "font/woff2"}


def serve(html: Path, mount: str) -> tuple[ThreadingHTTPServer, str]:
    """``html`` served under ``mount`` (a path ending in /); anything missing gets 404.html with status 404."""

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, body: bool) -> None:
            path = unquote(urlsplit(self.path).path)
            file = None
            if path.startswith(mount):
                file = (html / path[len(mount):]).resolve()
                if file.is_dir():
                    file = file / "index.html"
                if html.resolve() not in file.parents or not file.is_file():
                    file = None
            status, file = (200, file) if file else (404, html / "404.html")
            data = file.read_bytes()
            self.send_response(status)
            self.send_header("Content-Type", TYPES.get(file.suffix, "application/octet-stream"))
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if body:
                self.wfile.write(data)

        def do_GET(self):
            self._answer(True)

        def do_HEAD(self):
            self._answer(False)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


MISSING = ["nope.html", "2564/nope.html", "2570/", "assets/css/gone.css", "a/b/c/missing", "ไม่มี/หน้า.html"]


@pytest.mark.parametrize("mount", ["/", "/kpi/", "/mirror/reportgen-site/"])
def test_the_404_page_is_styled_and_its_links_work_wherever_the_site_is_served(browser, real_build, mount):
    html = real_build / "output" / "html"
    server, origin = serve(html, mount)
    context = browser.new_context(viewport={"width": 360, "height": 800})
    outside, failed = [], []
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(origin) else (
        outside.append(route.request.url), route.abort())[1])
    try:
        page = context.new_page()
        page.on("requestfailed", lambda request: failed.append(request.url))
        for missing in MISSING:
            response = page.goto(origin + mount + missing)
            assert response.status == 404
            page.evaluate("document.fonts.ready.then(() => true)")
            assert page.inner_text("h1") == "ไม่พบหน้าที่ต้องการ", missing
            # The site's stylesheet applies (the header's colour band), and Sarabun is the font.
            header = page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor")
            assert header not in ("rgba(0, 0, 0, 0)", "transparent"), f"{mount}{missing}: unstyled"
            fonts = page.evaluate("[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)")
            assert any("Sarabun" in family for family in fonts), f"{mount}{missing}: {fonts}"
            links = page.eval_on_selector_all("a[href], form[action]", "els => els.map(e => e.href || e.action)")
            home = page.eval_on_selector(".not-found-page a", "link => link.href")
            assert home == origin + mount + "index.html", f"{mount}{missing}: {home}"
            assert all(link.startswith(origin + mount) for link in links if link.startswith(origin)), links
            assert page.eval_on_selector(".site-search", "form => form.action") == origin + mount + "search.html"
        page.goto(home)
        assert page.title().startswith("ปีงบประมาณ")
    finally:
        context.close()
        server.shutdown()
        server.server_close()
    assert not outside, f"asked outside the server: {outside}"
    assert not [url for url in failed if not url.endswith("gone.css")], failed
