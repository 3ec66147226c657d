"""render/html.py: the HTML of the form, page and home page, from models built from dicts."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

import pytest
from extract import html_text, squeeze
from projects import REPO_ROOT, real_indicator, real_site, signed_off

from reportgen.model import Entry, Indicator, SiteSettings
from reportgen.render.html import PageLinks, Templates


def render_page(indicator: dict | None = None, site: dict | None = None) -> str:
    model = Indicator.model_validate(indicator or real_indicator())
    renderer = Templates(REPO_ROOT / "templates", SiteSettings.model_validate(site or real_site()))
    entry = Entry(model, PurePosixPath("content/indicators/2564/08.yaml"))
    links = PageLinks(css_url="../assets/css/", home_url="../index.html", pdf_url="08.pdf",
                      canonical_url="https://example.org/kpi/2564/08.html")
    return renderer.indicator_page(entry, links)


def render_print(indicator: dict | None = None, site: dict | None = None) -> str:
    model = Indicator.model_validate(indicator or real_indicator())
    renderer = Templates(REPO_ROOT / "templates", SiteSettings.model_validate(site or real_site()))
    return renderer.print_document(model, css_url="css/")


def test_page_and_print_documents_contain_the_same_form():
    """One template for both: the <article> of the page and of the print document are identical but for the line
    break marks, which differ in kind, not in place (tests/test_linebreak.py)."""
    from linebreaks import unmark

    article = re.compile(r"<article.*?</article>", re.S)
    assert unmark(article.search(render_page()).group()) == unmark(article.search(render_print()).group())


def test_documents_are_thai():
    for html in (render_page(), render_print()):
        assert re.search(r'<html lang="th">', html)
        assert "<!DOCTYPE html>" in html


def test_all_nine_sections_and_the_signature_block_are_titled_as_the_official_form():
    text = squeeze(html_text(render_page()))
    titles = ["1.ชื่อตัวชี้วัด:", "2.ระดับความสำเร็จ:", "3.คำนิยาม:", "4.วิธีการคำนวณ:", "5.เป้าหมาย:",
              "6.รายงานผลการดำเนินงาน(รายไตรมาส):", "(6.1)ไตรมาสที่1:", "(6.2)ไตรมาสที่2:", "(6.3)ไตรมาสที่3:",
              "(6.4)ไตรมาสที่4:", "(6.5)สรุปผลการดำเนินงาน(ปลายปีงบประมาณ):", "7.ปัจจัยสนับสนุนการดำเนินงาน:",
              "8.อุปสรรคต่อการดำเนินงาน:", "9.หลักฐานอ้างอิง:", "ลงชื่อ", "(ผู้รับผิดชอบโครงการ)", "ตำแหน่ง"]
    positions = [text.find(title) for title in titles]
    assert -1 not in positions, [t for t, p in zip(titles, positions) if p == -1]
    assert positions == sorted(positions), "sections are out of order"


def test_values_are_shown_as_in_the_reference():
    text = squeeze(html_text(render_page()))
    assert "5.เป้าหมาย:3(ห้อง)" in text
    assert "ผลงานที่ทำได้=36.00(ห้อง)" in text


def test_result_type_ticks_the_chosen_box_only():
    output = html_text(render_page())
    assert "☑ ผลผลิต (Output)" in re.sub(r"\s+", " ", output)
    assert "☐ ผลลัพธ์ (Outcome)" in re.sub(r"\s+", " ", output)
    indicator = real_indicator() | {"result_type": "outcome"}
    output = re.sub(r"\s+", " ", html_text(render_page(indicator)))
    assert "☐ ผลผลิต (Output)" in output and "☑ ผลลัพธ์ (Outcome)" in output


def test_numbered_steps_render_as_real_lists():
    html = render_page()
    # 6.3 has two steps, 6.4 and 6.5 three each.
    lists = re.findall(r"<ol>(.*?)</ol>", html, re.S)
    assert [item.count("<li>") for item in lists] == [2, 3, 3]


def test_quarters_not_yet_reported_are_said_so_and_the_latest_result_is_shown():
    indicator = real_indicator()
    indicator.pop("result")
    indicator["quarters"] = {"q1": {"report": "เริ่มดำเนินการ", "result": 1}, "q2": {"report": "ต่อเนื่อง", "result": 2.5}}
    text = squeeze(html_text(render_page(indicator)))
    assert "(6.3)ไตรมาสที่3:ยังไม่ได้รายงานผล(เม.ย.–มิ.ย.2564)" in text
    assert "(6.4)ไตรมาสที่4:ยังไม่ได้รายงานผล(ก.ค.–ก.ย.2564)" in text
    assert "(6.1)ไตรมาสที่1:เริ่มดำเนินการ" in text
    assert "ผลงานที่ทำได้=2.50(ห้อง)" in text


def test_empty_obstacles_section_is_kept():
    text = squeeze(html_text(render_page()))
    assert "8.อุปสรรคต่อการดำเนินงาน:9.หลักฐานอ้างอิง:" in text


def test_signoff_fills_the_signature_block_with_a_thai_date():
    indicator = signed_off(real_indicator())
    text = re.sub(r"\s+", " ", html_text(render_page(indicator)))
    assert "ฉบับร่าง" not in text
    assert "(นางสาวสมใจ ใฝ่รู้)" in text
    assert "ตำแหน่ง บรรณารักษ์ชำนาญการ" in text
    assert "วันที่ 20 ตุลาคม 2564" in text
    assert "ลงชื่อ ...." in text, "the dotted line stays for the handwritten signature"
    thai = re.sub(r"\s+", " ", html_text(render_page(indicator, real_site() | {"digits": "thai"})))
    assert "วันที่ ๒๐ ตุลาคม ๒๕๖๔" in thai


@pytest.mark.parametrize(
    ("change", "note"),
    [
        (lambda data: data | {"name": data["name"] + " (แก้)"}, "แก้ไขหลังลงนาม"),  # the text changed after signing
        (lambda data: data | {"signoff": data["signoff"] | {"name": "นายปลอม"}}, "แก้ไขหลังลงนาม"),  # the block
        (lambda data: data | {"signoff": {k: v for k, v in data["signoff"].items() if k != "digest"}},
         "ไม่มีรหัสตรวจสอบ"),  # written by hand: nothing shows which text it was for
    ],
)
def test_a_signoff_that_does_not_hold_for_the_text_is_drawn_as_a_draft(change, note):
    indicator = change(signed_off(real_indicator()))
    for html in (render_page(indicator), render_print(indicator)):
        text = re.sub(r"\s+", " ", html_text(html)).replace("\u200b", "")  # the print's line break marks
        assert "ฉบับร่าง" in text and 'class="draft-mark"' in html
        assert "นางสาวสมใจ" not in text and "นายปลอม" not in text and "20 ตุลาคม 2564" not in text
        assert "signature-stamp" not in html  # no room kept for a digital signature either
        assert text.count(note) == 1 and "ต้องลงนามใหม่" in text


def test_changing_only_the_officer_keeps_the_form_signed():
    indicator = signed_off(real_indicator() | {"officer": {"name": "นายก ข"}})
    reassigned = indicator | {"officer": {"name": "นางค ง", "contact": "โทร 1234"}}
    text = re.sub(r"\s+", " ", html_text(render_print(reassigned))).replace("\u200b", "")
    assert "(นางสาวสมใจ ใฝ่รู้)" in text and "ฉบับร่าง" not in text


def test_thai_digits_option_applies_to_what_the_form_prints_not_to_what_staff_wrote():
    text = squeeze(html_text(render_page(site=real_site() | {"digits": "thai"})))
    assert "๑.ชื่อตัวชี้วัด:๐๘." in text
    assert "ผลงานที่ทำได้=๓๖.๐๐(ห้อง)" in text
    assert "ปีงบประมาณพ.ศ.๒๕๖๔" in text
    assert "ห้องสมุดเพื่อการเรียนรู้ทั้ง36แห่ง" in text  # narrative kept as written
    assert 'href="http://www.bangkok.go.th/cstd"' in render_page(site=real_site() | {"digits": "thai"})


def test_page_links_to_its_pdf_and_uses_relative_assets():
    html = render_page()
    assert re.search(r'<a class="pdf-link" href="08.pdf" download="KPI-2564-08.pdf">', html)
    assert 'href="../assets/css/screen.css"' in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html


@pytest.mark.parametrize(
    "field, value",
    [
        ("definition", "<script>document.title='pwned'</script>"),
        ("calculation", '<img src=x onerror="alert(1)">'),
        ("name", "<b onmouseover=alert(1)>ชื่อ</b>"),
    ],
)
def test_markup_in_content_is_shown_as_text_never_passed_through(field, value):
    html = render_page(real_indicator() | {field: value})
    article = re.search(r"<article.*?</article>", html, re.S).group()
    assert "<script" not in article and "<img" not in article and "<b " not in article
    assert "&lt;" in article


def test_u0e33_sara_am_is_kept_as_written():
    indicator = real_indicator() | {"calculation": "นับจำนวน น้ำ ค่ำ ช้ำ"}
    html = render_page(indicator)
    assert "นับจำนวน น้ำ ค่ำ ช้ำ" in html_text(html)  # each word in its own span (linebreak.py)
    assert "\u0e4d\u0e32" not in html  # never decomposed into nikhahit + sara aa
