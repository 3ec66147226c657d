"""The site on a 360 px phone and on a desktop, in Debian's Chromium (issue 27): the site's own titles and headings
break between Thai words, as the form does (linebreak.mark_titles), and the year chart's target line crosses no
label, whatever the values."""

from __future__ import annotations

from pathlib import Path

import pytest
from projects import REPO_ROOT, build_site, real_indicator, real_site, shared_folder

from reportgen.linebreak import load_dictionary, word_boundaries

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

SITE_URL = real_site()["base_url"]
TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".woff2": "font/woff2",
         ".svg": "image/svg+xml", ".json": "application/json"}  # fmt: skip

#: Every character of an element's text, where its line starts: (text, offsets where a new line begins).
LINE_STARTS = """element => {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  let text = "", starts = [], lastTop = null, node;
  while ((node = walker.nextNode())) {
    for (let index = 0; index < node.data.length; index++) {
      const char = node.data[index];
      if (!/\\s|\\p{M}/u.test(char)) {
        const range = document.createRange();
        range.setStart(node, index);
        range.setEnd(node, index + 1);
        const box = range.getClientRects()[0];
        if (box) {
          if (lastTop !== null && box.top > lastTop + box.height / 2) starts.push(text.length);
          lastTop = box.top;
        }
      }
      text += char;
    }
  }
  return [text, starts];
}"""
TITLES = ".site-title, .site-agency, main h1, main h2, main h3, main caption, main th, main td.name"


def open_page(browser, html: Path, relative: str, width: int):
    """A page of the site in ``html`` served at the real base_url, in a window ``width`` px wide."""
    site = html.resolve()

    def answer(route):
        path = site / route.request.url.split("?")[0].split("#")[0].removeprefix(SITE_URL)
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file() or site not in path.resolve().parents:
            return route.fulfill(status=404, body="")
        return route.fulfill(path=str(path), content_type=TYPES.get(path.suffix, "application/octet-stream"))

    context = browser.new_context(viewport={"width": width, "height": 900})
    context.route("**/*", answer)
    page = context.new_page()
    page.goto(SITE_URL + relative)
    page.evaluate("document.fonts.ready.then(() => true)")
    return context, page


def _bad_breaks(text: str, starts: list[int], dictionary: frozenset[str]) -> list[str]:
    """The line starts of ``text`` that fall inside a Thai word (between two Thai letters, not between two words)."""
    boundaries = word_boundaries(text, dictionary)
    thai = lambda char: "\u0e01" <= char <= "\u0e4e"  # noqa: E731
    return [f"{text[:start]}|{text[start:]}" for start in starts
            if thai(text[start - 1]) and thai(text[start]) and start not in boundaries]  # fmt: skip


@pytest.mark.parametrize("width", [360, 1280])
def test_the_sites_titles_and_headings_break_only_between_thai_words(browser, real_build, width):
    html = real_build / "output" / "html"
    dictionary = load_dictionary(REPO_ROOT / "content")
    wrapped, bad = 0, []
    for relative in ("index.html", "2564/08.html", "search.html", "data/index.html", "404.html"):
        context, page = open_page(browser, html, relative, width)
        try:
            for element in page.query_selector_all(TITLES):
                if element.evaluate("element => !!element.closest('.kpi-form')"):
                    continue  # the form itself: tests/test_linebreak.py
                text, starts = element.evaluate(LINE_STARTS)
                wrapped += bool(starts)
                bad += [f"{relative}: {line}" for line in _bad_breaks(text, starts, dictionary)]
        finally:
            context.close()
    assert not bad, "\n".join(bad)
    if width == 360:
        assert wrapped >= 5, "hardly a title wrapped at 360 px: the test saw nothing"


#: Results against a target of 100: every kind of bar (none, short, just under and over the target, at the chart's
#: end, cut), and one not reported.
CHART_RESULTS = [0, 12.5, 50, 99.99, 100, 100.5, 107.49, 150, 199.99, 200, 250, 1200, None]


@pytest.fixture(scope="module")
def chart_site(tmp_path_factory) -> Path:
    files = {}
    for index, result in enumerate(CHART_RESULTS, start=1):
        form = real_indicator() | {"code": f"{index:02d}", "target": {"value": 100, "unit": "ห้อง"}}
        form["quarters"] = {} if result is None else form["quarters"]
        form["result"] = result
        if result is None:
            form.pop("result")
        files[f"indicators/2564/{index:02d}.yaml"] = form
    return shared_folder(tmp_path_factory, "chart-values", lambda root: build_site(root, files)) / "output" / "html"


@pytest.mark.parametrize("width", [360, 1280])
def test_no_chart_label_touches_the_target_line_whatever_the_value(browser, chart_site, width):
    context, page = open_page(browser, chart_site, "2564/index.html", width)
    try:
        boxes = page.evaluate("""() => {
          const box = element => { const b = element.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; };
          return {labels: [...document.querySelectorAll('.chart-svg text')].map(text => [text.textContent, box(text)]),
                  lines: [...document.querySelectorAll('.chart-svg .chart-target')].map(box),
                  bars: document.querySelectorAll('.chart-svg .chart-track').length};
        }""")
    finally:
        context.close()
    assert boxes["bars"] == len(CHART_RESULTS) and boxes["lines"]
    touching = [(label, box) for label, box in boxes["labels"] for line in boxes["lines"]
                if box[0] < line[2] + 1 and line[0] - 1 < box[2] and box[1] < line[3] and line[1] < box[3]]
    assert not touching, touching
