"""render/site_files.py and render/views.py: the published site as `reportgen build` writes it — files, year pages, indicator pages, sitemap, links.

The site is built once per test session from a small project of two fiscal years (``projects.multi_year_files``:
one indicator met at 1200 %, one below target after two quarters, one not reported, one met at 120 %), through the
command line (``multi_year_html`` in session_fixtures.py); other test modules (links, browser, search) read the
same site.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from linebreaks import unmark  # each Thai word of the form is in a span (linebreak.py)
from projects import REPO_ROOT, build_site, multi_year_files, real_indicator, real_site, run_reportgen, write_project

from reportgen.model import Indicator, SiteSettings
from reportgen.render.html import Templates

BASE_URL = real_site()["base_url"]  # https://www.bangkoklibrary.go.th/kpi/


@pytest.fixture
def html(multi_year_html) -> Path:
    return multi_year_html


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


class Elements(HTMLParser):
    """Every start tag of a page as (tag, attributes), in order, and the text of the page."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text_parts: list[str] = []
        self._inside_line = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        # A Thai word's span and the break between two words (linebreak.py) are inside a line: no space there.
        self._inside_line = tag in ("wbr", "span")

    def handle_endtag(self, tag):
        self._inside_line = tag == "span"

    def handle_data(self, data):
        if self._inside_line and self.text_parts:
            self.text_parts[-1] += data
        else:
            self.text_parts.append(data)
        self._inside_line = False

    def all(self, tag: str, **wanted) -> list[dict]:
        return [attrs for name, attrs in self.tags if name == tag and all(attrs.get(k) == v for k, v in wanted.items())]

    def meta(self, prop: str) -> str:
        (found,) = self.all("meta", property=prop)
        return found["content"]

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", " ".join(self.text_parts))


def html_pages(html: Path) -> list[Path]:
    return sorted(html.rglob("*.html"))


def test_every_file_of_the_site_is_written(html):
    expected = [
        "index.html", "2564/index.html", "2565/index.html", "2564/08.html", "2565/08.html", "2565/09.html",
        "2565/10.html", "2564/08.pdf", "2565/09.pdf", "data/index.html", "data/indicators.csv",
        "data/indicators.json", "data/indicators-records.json", "data/quarters.csv", "data/quarters.json",
        "data/datapackage.json", "data/ckan.json", "data/dcat.jsonld", "sitemap.xml", "robots.txt", "404.html", "assets/js/sort-table.js",
        "assets/css/screen.css", "assets/fonts/Sarabun-Regular.woff2",
    ]
    missing = [path for path in expected if not (html / path).is_file()]
    assert not missing


def test_data_page_shows_the_licence_the_publisher_and_every_file(html):
    page = read(html / "data" / "index.html")
    elements = Elements(page)
    publisher = real_site()["publisher"]
    (license_link,) = elements.all("a", rel="license")
    assert license_link["href"] == "https://creativecommons.org/licenses/by/4.0/"
    assert "ข้อมูลชุดนี้เผยแพร่ภายใต้ ครีเอทีฟคอมมอนส์ แสดงที่มา 4.0 สากล (CC BY 4.0)" in elements.text
    assert f"โดยอ้างอิงที่มา: {publisher['name']}" in elements.text
    assert elements.all("a", href=f"mailto:{publisher['email']}") and elements.all("a", href=publisher["url"])
    hrefs = {attrs["href"] for attrs in elements.all("a") if "href" in attrs}
    assert {"indicators.csv", "indicators-records.json", "indicators.json", "quarters.csv", "quarters.json",
            "datapackage.json", "ckan.json", "dcat.jsonld", "#columns", "#columns-quarters"} <= hrefs
    assert "คอลัมน์ของผลการดำเนินงานตามตัวชี้วัด รายไตรมาส" in elements.text and "<code>quarter_end</code>" in page


def test_home_page_is_the_newest_year_and_every_page_can_reach_every_year(html):
    home = Elements(read(html / "index.html"))
    assert "ปีงบประมาณ พ.ศ. 2565" in home.text and "1 ตุลาคม 2564 – 30 กันยายน 2565" in home.text
    for page in html_pages(html):
        if page.name == "404.html":
            continue
        root = "" if page.parent == html else "../"
        hrefs = {attrs["href"] for attrs in Elements(read(page)).all("a") if "href" in attrs}
        assert {f"{root}2564/index.html", f"{root}2565/index.html"} <= hrefs, page


def test_year_page_table_lists_every_indicator_in_code_order_with_its_figures(html):
    page = read(html / "2565" / "index.html")
    rows = re.findall(r'<tr id="indicator-(\w+)">(.*?)</tr>', page, re.S)
    assert [code for code, _ in rows] == ["08", "09", "10"]
    cells = {code: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for code, row in rows}
    # 2565 has ended: below target is not met; a draft and the quarters it never reported are flagged.
    assert re.fullmatch(r"08 .+ 3 ห้อง 2 ห้อง ร้อยละ 66\.67 ยังไม่บรรลุเป้าหมาย ฉบับร่าง ไตรมาสที่ 2 \(ม\.ค\.–มี\.ค\. 2565\)"
                        r" ยังไม่รายงาน ไตรมาสที่ 3, ไตรมาสที่ 4 PDF .*", cells["08"]), cells["08"]
    # Figures as Thai readers write them: ร้อยละ before the figure, no ".00" on a count (thai.reader_figure).
    assert "ร้อยละ 80 – – ยังไม่รายงานผล ฉบับร่าง ยังไม่รายงาน PDF" in cells["09"]
    assert "50 กิจกรรม 60 กิจกรรม ร้อยละ 120 บรรลุเป้าหมาย" in cells["10"]
    assert not [cell for cell in cells.values() if ".00 " in cell or "%" in cell]
    assert 'href="../2565/08.pdf" download="KPI-2565-08.pdf"' in page


def test_the_year_pages_dates_are_each_kept_on_one_line(html):
    """"ปีงบประมาณ 1 ตุลาคม 2564 – 30 กันยายน 2565": a narrow phone must not end a line between "1" and "ตุลาคม"."""
    lead = re.search(r'<p class="lead">(.*?)</p>', read(html / "2565" / "index.html"), re.S).group(1)
    assert '<span class="nowrap">1 ตุลาคม 2564</span> – <span class="nowrap">30 กันยายน 2565</span>' in lead
    assert ".nowrap { white-space: nowrap; }" in (REPO_ROOT / "templates" / "css" / "screen.css").read_text("utf-8")


def test_year_page_sums_up_how_many_met_and_how_many_reported(html):
    summary = Elements(re.search(r'<section class="summary".*?</section>', read(html / "2565" / "index.html"),
                                 re.S).group()).text
    assert "1 จาก 3 ตัวชี้วัด บรรลุเป้าหมาย" in summary
    assert "1 จาก 3 ตัวชี้วัด รายงานผลไตรมาสที่ 4 แล้ว" in summary  # 2565/08 stopped after q2, 09 never reported
    assert "ข้อมูลทั้งปีงบประมาณ ณ 30 กันยายน 2565 (สิ้นไตรมาสที่ 4)" in Elements(read(html / "2565" / "index.html")).text
    assert "3 แบบรายงานยังเป็นฉบับร่าง" in summary
    assert "1 ตัวชี้วัด ยังไม่บรรลุเป้าหมาย" in summary and "1 ตัวชี้วัด ยังไม่รายงานผล" in summary


def test_chart_is_an_image_with_a_text_alternative_and_cuts_the_1200_percent_bar(html):
    chart = re.search(r"<svg.*?</svg>", read(html / "2564" / "index.html"), re.S).group()
    assert 'role="img"' in chart and re.search(r'aria-labelledby="(\S+) (\S+)"', chart)
    desc = re.sub(r"\s+", " ", re.search(r"<desc[^>]*>(.*?)</desc>", chart, re.S).group(1))
    assert "ตัวชี้วัด 08: ผลงาน 36 ห้อง จากเป้าหมาย 3 ห้อง คิดเป็น ร้อยละ 1,200 ของเป้าหมาย บรรลุเป้าหมาย" in desc
    bar = re.search(r'<rect [^>]*width="([\d.]+)"[^>]*class="chart-bar"', chart)
    track = re.search(r'<rect [^>]*width="([\d.]+)"[^>]*class="chart-track"', chart)
    assert float(bar.group(1)) == float(track.group(1)), "a bar beyond the chart is drawn to its end"
    assert 'class="chart-cut"' in chart and "ร้อยละ 1,200 · บรรลุเป้าหมาย" in chart


def test_chart_bars_are_proportional_and_the_unreported_indicator_has_none(html):
    chart = re.search(r"<svg.*?</svg>", read(html / "2565" / "index.html"), re.S).group()
    track = float(re.search(r'width="([\d.]+)"[^>]*class="chart-track"', chart).group(1))
    bars = [float(width) for width in re.findall(r'width="([\d.]+)"[^>]*class="chart-bar"', chart)]
    assert bars == pytest.approx([track * 66.67 / 200, track * 120 / 200], abs=0.2)  # 08 and 10; 09 has no bar
    assert "chart-cut" not in chart
    target = re.search(r'<line x1="([\d.]+)"[^>]*class="chart-target"', chart)
    assert float(target.group(1)) == pytest.approx(track / 2)


def test_indicator_page_shows_where_it_stands_its_quarters_and_its_other_years(html):
    page = read(html / "2565" / "08.html")
    standing = Elements(re.search(r'<section class="standing".*?</section>', page, re.S).group())
    assert "ยังไม่บรรลุเป้าหมาย" in standing.text and "ผลงานเทียบกับเป้าหมาย: ร้อยละ 66.67" in standing.text
    (meter,) = standing.all("meter")
    assert float(meter["value"]) == pytest.approx(66.67, abs=0.01) and meter["max"] == "100"
    quarters = re.findall(r'<li class="timeline-quarter (reported|not-reported)">\s*<a href="#quarter-(\d)"', page)
    assert quarters == [("reported", "1"), ("reported", "2"), ("not-reported", "3"), ("not-reported", "4")]
    assert "ไตรมาสที่ 1 ต.ค.–ธ.ค. 2564 รายงานแล้ว ผลสะสม 1 ห้อง" in standing.text
    assert "ไตรมาสที่ 4 ก.ค.–ก.ย. 2565 ยังไม่รายงาน" in standing.text
    assert re.search(r'<a class="pdf-link" href="08.pdf" download="KPI-2565-08.pdf">', page)
    assert '<a class="action-link" href="#section-9">หลักฐานอ้างอิง</a>' in page
    assert re.search(r'ตัวชี้วัดนี้ในปีงบประมาณอื่น:\s*<a href="../2564/08.html">พ.ศ. 2564</a>', page)
    assert 'href="../2565/08.html"' in read(html / "2564" / "08.html")
    assert "ในปีงบประมาณอื่น" not in read(html / "2565" / "09.html")


def test_over_target_result_fills_the_progress_bar_and_says_so(html):
    page = Elements(read(html / "2564" / "08.html"))
    (meter,) = page.all("meter")
    assert meter["value"] == "100"
    assert "ผลงานเทียบกับเป้าหมาย: ร้อยละ 1,200 (เกินเป้าหมาย)" in page.text


def test_indicator_page_keeps_the_form_exactly_as_the_pdf_prints_it(html):
    renderer = Templates(REPO_ROOT / "templates", SiteSettings.model_validate(real_site()))
    printed = renderer.print_document(Indicator.model_validate(real_indicator()), css_url="css/")
    # The line break marks differ in kind, not in place (tests/test_linebreak.py).
    article = re.compile(r"<article.*?</article>", re.S)
    assert unmark(article.search(read(html / "2564" / "08.html")).group()) == unmark(article.search(printed).group())


def test_every_page_is_thai_with_canonical_url_and_open_graph_tags(html):
    for page in html_pages(html):
        elements = Elements(read(page))
        relative = page.relative_to(html).as_posix()
        assert elements.all("html", lang="th"), relative
        (canonical,) = elements.all("link", rel="canonical")
        expected = BASE_URL if relative in ("index.html", "2565/index.html") else BASE_URL + relative
        assert canonical["href"] == expected, relative
        assert elements.meta("og:url") == canonical["href"]
        assert elements.meta("og:locale") == "th_TH"
        assert elements.meta("og:site_name") == real_site()["site_title"]
        assert elements.meta("og:type") in ("website", "article")
        assert elements.meta("og:title") and elements.meta("og:description")
        assert elements.all("meta", name="viewport")


def test_sitemap_lists_every_page_by_absolute_url_and_robots_points_to_it(html):
    root = ET.fromstring((html / "sitemap.xml").read_bytes())
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = [loc.text for loc in root.findall("s:url/s:loc", namespace)]
    assert urls[0] == BASE_URL
    assert set(urls) == {BASE_URL, BASE_URL + "2564/index.html", BASE_URL + "2564/08.html", BASE_URL + "2565/08.html",
                         BASE_URL + "2565/09.html", BASE_URL + "2565/10.html", BASE_URL + "data/index.html"}
    for url in urls:
        assert (html / (url.removeprefix(BASE_URL) or "index.html")).is_file(), url
    assert f"Sitemap: {BASE_URL}sitemap.xml" in read(html / "robots.txt").splitlines()


def test_links_inside_the_site_are_relative(html):
    """Absolute URLs only where they must be: canonical, Open Graph; content links are kept."""
    for page in html_pages(html):
        for tag, attrs in Elements(read(page)).tags:
            for name in ("href", "src"):
                url = attrs.get(name)
                if url is None or (tag == "link" and attrs.get("rel") == "canonical") or tag == "base":
                    continue
                assert not url.startswith("/"), f"{page}: {url} depends on the server's root"
                assert not url.startswith(BASE_URL), f"{page}: {url} should be relative"


def test_not_found_page_finds_the_sites_root_wherever_it_is_served(html):
    """No absolute <base> to the published address (issue 27): its links are written from the site's root and its
    script says where the root is, seen from the address it is shown at (in a browser: tests/render/test_not_found.py)."""
    text = read(html / "404.html")
    page = Elements(text)
    assert not page.all("base") and BASE_URL not in text.split("<title>")[0]
    assert {"index.html", "assets/css/screen.css"} <= {attrs.get("href") for _, attrs in page.tags}
    script = text.index("document.createElement(\"base\")")
    assert script < text.index('rel="stylesheet"') and '"/kpi/"' in text  # before the first URL; the published path


def test_the_site_writes_figures_as_thai_readers_do_but_the_official_form_keeps_the_reference(html):
    page = read(html / "2564" / "08.html")
    standing = Elements(re.search(r'<section class="standing".*?</section>', page, re.S).group()).text
    assert "ผลงาน 36 ห้อง" in standing and "ร้อยละของเป้าหมาย ร้อยละ 1,200" in re.sub(r"\s+", " ", standing)
    assert "36.00" not in standing and "%" not in standing
    form = unmark(re.search(r"<article.*?</article>", page, re.S).group())
    assert '<span class="result-value">36.00</span> (ห้อง)' in form  # as /work/shared/reference/kpi-08-form.txt
    over = unmark(read(html / "2565" / "10.html"))
    assert "ร้อยละ 120" in over and "60 กิจกรรม" in over and "60.00</span> (กิจกรรม)" in over
    assert "ร้อยละ 80" in read(html / "2565" / "09.html")  # a target in ร้อยละ: not "80 ร้อยละ"


def test_base_url_without_a_final_slash_still_makes_urls_inside_the_sub_path(tmp_path):
    html = build_site(tmp_path / "p", {"indicators/2564/08.yaml": real_indicator()},
                      site=real_site() | {"base_url": "https://example.org/kpi"})
    assert "<loc>https://example.org/kpi/2564/08.html</loc>" in read(html / "sitemap.xml")
    assert '<link rel="canonical" href="https://example.org/kpi/">' in read(html / "index.html")


def test_thai_digits_on_the_pages_arabic_digits_in_urls(tmp_path):
    html = build_site(tmp_path / "p", {"indicators/2564/08.yaml": real_indicator()},
                      site=real_site() | {"digits": "thai"})
    home = read(html / "index.html")
    assert "ปีงบประมาณ พ.ศ. ๒๕๖๔" in home and "ร้อยละ ๑,๒๐๐" in home and "๓๖ ห้อง" in home
    # The official form on the page keeps the reference's format, in the form's digits.
    assert "๓๖.๐๐</span> (ห้อง)" in unmark(read(html / "2564" / "08.html"))
    assert 'href="2564/08.html"' in home and 'data-value="1200"' in home
    assert "1200" in read(html / "data" / "indicators.csv")


def test_building_one_file_regenerates_the_year_pages_and_data_from_the_whole_project(tmp_path):
    root = tmp_path / "p"
    html = build_site(root)
    changed = multi_year_files()["indicators/2565/10.yaml"] | {"name": "ชื่อใหม่ของตัวชี้วัดที่สิบ"}
    write_project(root, {"indicators/2565/10.yaml": changed})
    run_reportgen("build", "content/indicators/2565/10.yaml", cwd=root, check=True)
    assert "ชื่อใหม่ของตัวชี้วัดที่สิบ" in read(html / "2565" / "10.html")
    assert "ชื่อใหม่ของตัวชี้วัดที่สิบ" in Elements(read(html / "2565" / "index.html")).text
    assert "ชื่อใหม่ของตัวชี้วัดที่สิบ" in read(html / "data" / "indicators.json")
    assert (html / "data" / "indicators.csv").read_bytes().count(b"\r\n") == 5  # header and the four indicators
    assert (html / "2564" / "08.html").is_file() and (html / "2564" / "08.pdf").is_file()


def test_a_project_without_indicators_still_has_a_home_page(tmp_path):
    html = build_site(tmp_path / "p", {})
    home = Elements(read(html / "index.html"))
    assert "ยังไม่มีรายงานผลการดำเนินงานตามตัวชี้วัด" in home.text
    assert (html / "data" / "indicators.csv").read_bytes().count(b"\r\n") == 1  # the header only
