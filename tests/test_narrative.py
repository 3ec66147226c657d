"""The officers' narrative syntax (reportgen/narrative.py): what is typed prints as typed; unsafe links and images
are refused at validation and never rendered as links."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic_core import PydanticCustomError

from reportgen.narrative import check_narrative, links_in, render_narrative


def refusal(text: str) -> str | None:
    """The kind of error ``check_narrative`` raises for ``text``, or None when it accepts it."""
    try:
        check_narrative(text)
    except PydanticCustomError as error:
        return error.type
    return None


@pytest.mark.parametrize(
    "text, kind",
    [
        ("ดูที่ [เว็บไซต์](https://www.bangkoklibrary.go.th)", None),
        ("ติดต่อ <mailto:library@bangkok.go.th>", None),
        ("ข้อความธรรมดา ไม่มีลิงก์ และ 3 < 4", None),
        ("[คลิก](javascript:alert(1))", "unsafe_url"),
        ("[คลิก][ref]\n\n[ref]: javascript:alert(1)", None),  # no reference links: text, as typed
        ("ดู https://www.bangkok.go.th/cstd และ mailto:library@bangkok.go.th", None),
        ("ไฟล์ <file:///etc/passwd>", "unsafe_url"),
        ("![ภาพ](https://example.org/a.png)", "image_in_text"),
        ("สูตร a*b และ <javascript:alert(1)>", "unsafe_url"),
    ],
)
def test_links_and_images_are_checked(text: str, kind: str | None):
    assert refusal(text) == kind


def test_raw_html_and_unsafe_links_never_render():
    html = render_narrative('<script>alert(1)</script> [x](javascript:alert(1)) [y](https://a.example)')
    assert "<script>" not in html and 'href="javascript' not in html
    assert '<a href="https://a.example" data-url="https://a.example">y</a>' in html


# Markdown's own punctuation, Thai, tabs and the letters of link targets, so that links and near-links come up often.
narrative_text = st.lists(
    st.sampled_from(list("[]()<>!:/*_`#-=\n\t \\&;\"'.1๑•") + ["javascript:", "https://a.b", "mailto:x", "ก", "ำ"]),
    max_size=25,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(narrative_text)
def test_property_every_character_typed_is_printed_and_only_safe_links_are_links(text: str):
    html = render_narrative(text)
    assert "<script" not in html and 'href="javascript' not in html
    if refusal(text) is None:
        assert html.count("<a ") == len([link for link in links_in(text) if not link.image])


# --- What an officer types is what the form prints (issue 25) ------------------------------------------------------

EXCEL_TABLE = "เดือน\tชื่อเรื่อง\tการเข้าชม (ครั้ง)\nพฤษภาคม\t180\t52,310\nมิถุนายน\t144\t61,002"

#: (case, typed, HTML fragments the page must hold, fragments it must not). Each failed under CommonMark.
NARRATIVE_CASES = [
    ("excel_table", EXCEL_TABLE,
     ['<th scope="col">เดือน</th>', "<td>พฤษภาคม</td>", '<td class="number">52,310</td>'], ["<p>เดือน"]),
    ("thai_numbers", "ดังนี้\n๑. จัดกิจกรรม\n๒. อบรม\n๓. ประเมินผล",
     ['<ol class="typed-numbers">', '<li><span class="item-number">๒.</span> อบรม</li>'], ["<p>ดังนี้\n๑."]),
    ("no_space_after_number", "1.จัดกิจกรรม\n2.อบรม", ["<ol>\n<li>จัดกิจกรรม</li>\n<li>อบรม</li>\n</ol>"], ["<p>"]),
    ("paren_numbers_from_3", "3)ประเมินผล\n4) รายงาน",
     ['<li><span class="item-number">3)</span> ประเมินผล</li>', '<span class="item-number">4)</span>'], []),
    ("formula_star", "จำนวนที่พัฒนาแล้ว*100/(จำนวนทั้งหมด*1)",
     ["<p>จำนวนที่พัฒนาแล้ว*100/(จำนวนทั้งหมด*1)</p>"], ["<em>"]),
    ("thai_indent_spaces", "    ย่อหน้าแรกแบบ Word", ['<p><span class="indent">    </span>ย่อหน้าแรกแบบ Word</p>'], ["<pre>", "<code>"]),
    ("thai_indent_tab", "\tย่อหน้าด้วยแท็บ", ['<p><span class="indent">\t</span>ย่อหน้าด้วยแท็บ</p>'], ["<pre>"]),
    ("more_than", ">ร้อยละ 85 ของผู้ตอบ", ["<p>&gt;ร้อยละ 85 ของผู้ตอบ</p>"], ["<blockquote>"]),
    ("hash_underscore_backslash", "# ไม่ใช่หัวข้อ _ไม่เอียง_ C:\\งาน\\*", ["<p># ไม่ใช่หัวข้อ _ไม่เอียง_ C:\\งาน\\*</p>"],
     ["<h1>", "<em>"]),
    ("line_breaks", "บรรทัดแรก\nบรรทัดที่สอง", ["<p>บรรทัดแรก<br />\nบรรทัดที่สอง</p>"], []),
    ("word_bullets", "•\tจัดกิจกรรม\n\uf0b7\tรายงาน\n- สรุป",
     ["<ul>\n<li>จัดกิจกรรม</li>\n<li>รายงาน</li>\n<li>สรุป</li>\n</ul>"], ["•", "\uf0b7"]),
    ("word_levels", "•\tจัดกิจกรรม\no\tอบรม\n§\tรุ่นที่ 1\n•\tประเมิน",
     ["<ul>\n<li>จัดกิจกรรม\n<ul>\n<li>อบรม\n<ul>\n<li>รุ่นที่ 1</li>\n</ul>\n</li>\n</ul>\n</li>\n<li>ประเมิน</li>\n</ul>"],
     ["§", "<li>o"]),
    ("indented_sub_items", "1. จัดกิจกรรม\n   - อบรม\n   - สัมมนา\n2. ประเมินผล",
     ["<ol>\n<li>จัดกิจกรรม\n<ul>\n<li>อบรม</li>\n<li>สัมมนา</li>\n</ul>\n</li>\n<li>ประเมินผล</li>\n</ol>"], []),
    ("word_numbers_tab", "1.\tจัดกิจกรรม\n2.\tอบรม", ["<ol>\n<li>จัดกิจกรรม</li>\n<li>อบรม</li>\n</ol>"], ["<table"]),
    ("links", "ดูที่ https://www.bangkok.go.th/cstd, <http://a.example> และ [อีเมล](mailto:library@bangkok.go.th)",
     ['<a href="https://www.bangkok.go.th/cstd">https://www.bangkok.go.th/cstd</a>,',
      '<a href="http://a.example">http://a.example</a>',
      '<a href="mailto:library@bangkok.go.th" data-url="library@bangkok.go.th">อีเมล</a>'], []),
]

#: Texts that must print exactly as typed and be no list, table or link (the false alarms).
FALSE_ALARMS = [
    ("footnote_star", "ผลงาน 36 แห่ง*\n* ข้อมูล ณ วันที่ 30 ก.ย. 2564"),
    ("times_x", "คำนวณจาก 36 x 100 / 40"),
    ("thai_number_not_item", "๒๕๖๔ เป็นปีที่ห้องสมุดปิดบริการ"),
    ("decimal_not_item", "1.5 ล้านบาท จากงบประมาณ"),
    ("section_number_not_item", "1.1 กิจกรรมย่อย"),
    ("dash_in_sentence", "บริการยืม\n– คืนหนังสือ"),
]


@pytest.mark.parametrize("case, typed, present, absent", NARRATIVE_CASES, ids=[case[0] for case in NARRATIVE_CASES])
def test_what_is_typed_is_what_the_page_holds(case, typed, present, absent):
    html = render_narrative(typed)
    for fragment in present:
        assert fragment in html, (case, html)
    for fragment in absent:
        assert fragment not in html, (case, html)


@pytest.mark.parametrize("case, typed", FALSE_ALARMS, ids=[case[0] for case in FALSE_ALARMS])
def test_false_alarms_print_as_typed(case, typed):
    html = render_narrative(typed)
    assert "<li>" not in html and "<table" not in html and "<a " not in html, html
    assert html == "<p>" + typed.replace("\n", "<br />\n") + "</p>\n"


def test_an_item_wrapped_by_hand_continues_and_blank_lines_keep_one_list():
    html = render_narrative("1. ห้องสมุด 36 แห่ง\n   รวม 324 ชื่อเรื่อง\n\n2. ประชาสัมพันธ์")
    assert html == "<ol>\n<li>ห้องสมุด 36 แห่ง\nรวม 324 ชื่อเรื่อง</li>\n<li>ประชาสัมพันธ์</li>\n</ol>\n"


def test_a_table_pads_short_rows_and_keeps_an_empty_first_cell():
    html = render_narrative("ก\tข\tค\n\t1\n2\t3\t4\t")
    assert html.count("<tr>") == 3 and html.count("<th ") == 3 and html.count("<td") == 6
    assert "<tr>\n<td></td>\n<td class=\"number\">1</td>\n<td></td>\n</tr>" in html


def test_a_single_line_with_a_tab_is_no_table():
    assert "<table" not in render_narrative("ชื่อ\tค่า")


@pytest.mark.parametrize("path", ["content/indicators/2564/08.yaml"])
def test_the_division_files_print_as_commonmark_printed_them(path):
    # The division's files used only paragraphs, "1." lists and links: the new grammar gives the same bytes.
    import yaml
    from markdown_it import MarkdownIt
    from projects import REPO_ROOT

    data = yaml.safe_load((REPO_ROOT / path).read_text(encoding="utf-8"))
    texts = [data["definition"], data["calculation"], data["supporting_factors"], data["quarters"]["summary"]]
    texts += [quarter["report"] for name, quarter in data["quarters"].items() if name.startswith("q")]
    commonmark = MarkdownIt("commonmark", {"html": False})
    for text in texts:
        assert render_narrative(text) == commonmark.render(text)


def test_a_line_with_a_tab_before_a_word_list_is_no_table():
    html = render_narrative("ชื่อ\tค่า\n•\tจัดกิจกรรม\n•\tอบรม")
    assert "<table" not in html and html.count("<li>") == 2


def test_an_excel_cell_with_line_breaks_stays_one_cell():
    html = render_narrative('กิจกรรม\tผล\n"อบรม\nรุ่นที่ 1"\t40\n"ชื่อ ""เล่น"""\t5')
    assert html.count("<tr>") == 3
    assert "<td>อบรม<br />\nรุ่นที่ 1</td>" in html and "<td>ชื่อ &quot;เล่น&quot;</td>" in html


def test_a_quote_never_closed_is_text_not_a_swallowed_narrative():
    html = render_narrative('ก\tข\n"ค\tง\nย่อหน้าต่อไป')
    assert "<p>ย่อหน้าต่อไป</p>" in html and "<td>&quot;ค</td>" in html
