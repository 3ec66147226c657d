"""linebreak.py: one Thai segmentation decides where the PDF and the page may break a line.

The layout tests measure real output (tests/linebreaks.py): the PDF's lines as pdfplumber reads them and the
page's line boxes in headless Chromium, on the real form 08 and on the stress text of issue 15, at two widths
each. Each also lays out the form without linebreak.py's marks and asserts that the engines alone do break inside
words there, so a pass means something.
"""

from __future__ import annotations

import re
from pathlib import Path

import linebreaks as lb
import pytest
from extract import BREAK_MARKS, html_text, squeeze
from projects import REFERENCE_FORM, REPO_ROOT, shared_folder

from reportgen import linebreak

# --- Segmenting and marking ----------------------------------------------------------------------------------


def test_the_stress_words_of_the_issue_are_kept_whole():
    words = linebreak.load_dictionary(REPO_ROOT / "content")
    for name in ("กรุงเทพมหานคร", "ชมรมนักอ่าน", "ความต้องการ", "ความทันสมัย", "ตัวชี้วัด"):
        assert linebreak.thai_words(name, words) == [name]
        assert linebreak.word_boundaries("ที่" + name + "ของ", words) == {3, 3 + len(name)}


def test_the_project_dictionary_adds_words_and_a_project_without_it_still_works(tmp_path):
    assert linebreak.load_dictionary(tmp_path) == frozenset()  # no content/dictionary.txt
    assert linebreak.thai_words("ชมรมนักอ่าน") == ["ชมรม", "นักอ่าน"]
    (tmp_path / "dictionary.txt").write_text("# หมายเหตุ\nชมรมนักอ่าน\n\n  บรรณิทรรศน์  # ชื่อกิจกรรม\n",
                                             encoding="utf-8")
    words = linebreak.load_dictionary(tmp_path)
    assert words == {"ชมรมนักอ่าน", "บรรณิทรรศน์"}
    assert linebreak.thai_words("ชมรมนักอ่าน", words) == ["ชมรมนักอ่าน"]
    assert "<wbr>" not in linebreak.mark_text("ชมรมนักอ่าน", words)


def test_marks_add_no_character_and_keep_sara_am():
    text = "น้ำค่ำ สรุปผลการดำเนินงาน (ปลายปีงบประมาณ) : ปีงบประมาณ 1 ตุลาคม 2563 ดีๆ กรุงเทพฯ Facebook ของห้องสมุด"
    for paper in (False, True):
        marked = linebreak.mark_text(text, paper=paper)
        assert lb.unmark(marked) == text
        assert "\u0e4d\u0e32" not in marked  # never NFKC: SARA AM stays U+0E33


def test_glued_stretches_and_repetition_marks_stay_on_one_line():
    marked = linebreak.mark_text("สรุปผล (ปลายปีงบประมาณ) : ปีงบประมาณ 1 ตุลาคม 2563 ดีๆ กรุงเทพฯ")
    assert '<span class="w">) :</span>' in marked  # no lone ":" at the start of a line
    assert '<span class="w">1 ตุลาคม 2563</span>' in marked
    assert '<span class="w">ดีๆ</span>' in marked and '<span class="w">กรุงเทพฯ</span>' in marked


def test_only_text_between_tags_is_marked():
    html = '<p title="ความต้องการ">ความต้องการ<b>ความทันสมัย</b></p><style>.x::after{content:"ไทย"}</style>'
    marked = linebreak.mark_line_breaks(html)
    assert marked.startswith('<p title="ความต้องการ"><span class="w">ความต้องการ</span><b>')
    assert '<style>.x::after{content:"ไทย"}</style>' in marked


def _offered_breaks(html: str) -> list[int]:
    """Offsets in the form's text (whitespace removed) where the markup offers a break: <wbr> or U+200B."""
    article = re.search(r"<article.*?</article>", html, re.S).group()
    text = re.sub(r"<wbr>", "\u200b", re.sub(r"<(?!wbr>)[^>]*>", "", article))
    text = re.sub(r"\s+", "", text)
    positions, seen = [], 0
    for char in text:
        if char == "\u200b":
            positions.append(seen)
        else:
            seen += 1
    return positions


def test_the_pdf_and_the_page_offer_the_same_break_opportunities():
    from reportgen.content.project import load_project
    from reportgen.render.html import PageLinks, Templates

    project = load_project(REPO_ROOT, use_cache=False)  # nothing written into the repository
    renderer = Templates(REPO_ROOT / "templates", project.site)
    entry = project.entries[0]
    print_html = renderer.print_document(entry.indicator, css_url="css/")
    page_html = renderer.indicator_page(entry, PageLinks("a.css", "index.html", "08.pdf", "https://x/08.html"))
    offered = _offered_breaks(print_html)
    assert len(offered) > 300
    assert offered == _offered_breaks(page_html)
    assert "<wbr>" not in re.search(r"<article.*?</article>", print_html, re.S).group()  # no empty /Span boxes
    # The wording of the official form is unchanged: the marks are all there is to take out.
    assert squeeze(html_text(lb.unmark(print_html))) == squeeze(html_text(lb.unmark(page_html)))
    reference = squeeze(REFERENCE_FORM.read_text(encoding="utf-8"))
    assert "ความต้องการของประชาชน" in reference
    assert "ความต้องการของประชาชน" in squeeze(html_text(lb.unmark(print_html)))


# --- Laid out: the PDF and Chromium --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> dict[str, Path]:
    """The real form and the stress text, each built by `reportgen build` (once a run: tests only read them)."""
    return {
        name: shared_folder(tmp_path_factory, f"linebreak-{name}",
                            lambda root, name=name: lb.build_project(root, stress=name == "stress"))
        for name in ("real", "stress")
    }


@pytest.mark.e2e
@pytest.mark.parametrize("name", ["real", "stress"])
def test_the_pdf_breaks_no_line_inside_a_dictionary_word(projects, name):
    from reportgen.content.project import load_project
    from reportgen.render.form_pdf import FormPrinter
    from reportgen.render.html import PRINT_STYLESHEETS

    root = projects[name]
    project = load_project(root)
    forms = FormPrinter(root, project.site)
    words = lb.load_words(root)
    html = forms.renderer.print_document(project.entries[0].indicator, css_url=forms.pdf.css_url,
                                         link_stylesheets=False)
    for size in ("A4", "A5"):
        sized = html.replace("</head>", f"<style>@page {{ size: {size} }}</style></head>", 1)
        after = lb.pdf_counts(sized, forms.pdf.render(sized, source="x", stylesheets=PRINT_STYLESHEETS), words)
        assert after.lines > 60 and after.unmatched == 0
        assert (after.inside_words, after.inside_glued) == ([], []), size
        if size == "A5":  # without the marks, libthai alone splits words: the measurement can see it
            before_html = lb.unmark(sized)
            pdf = forms.pdf.render(before_html, source="x", stylesheets=PRINT_STYLESHEETS)
            assert lb.pdf_counts(before_html, pdf, words).inside_words


@pytest.mark.browser
@pytest.mark.parametrize("name", ["real", "stress"])
def test_chromium_breaks_no_line_inside_a_dictionary_word(projects, browser, name):
    root = projects[name]
    words = lb.load_words(root)
    page_file = root / "output" / "html" / "2564" / "08.html"
    for width in (360, 1280):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(page_file.as_uri())
        page.evaluate("document.fonts.ready")
        after = lb.chromium_counts(page, words)
        assert after.lines > 50
        assert (after.inside_words, after.inside_glued) == ([], []), width
        page.evaluate(lb.CHROMIUM_UNMARK)  # ICU alone splits words: the measurement can see it
        assert lb.chromium_counts(page, words).inside_words, width
        page.close()


@pytest.mark.browser
def test_the_marks_add_nothing_to_what_a_reader_copies_or_finds(projects, browser):
    page = browser.new_page(viewport={"width": 412, "height": 900})
    page.goto((projects["stress"] / "output" / "html" / "2564" / "08.html").as_uri())
    copy = """() => {
      const selection = getSelection(); selection.removeAllRanges();
      const range = document.createRange(); range.selectNodeContents(document.querySelector("article.kpi-form"));
      selection.addRange(range); return selection.toString();
    }"""
    copied = page.evaluate(copy)
    assert "\u200b" not in copied and "ชมรมนักอ่าน" in copied and "ความต้องการ" in copied
    for query in ("ชมรมนักอ่าน", "ปีงบประมาณ 1 ตุลาคม 2563", "(ปลายปีงบประมาณ) :"):
        assert page.evaluate("query => { getSelection().removeAllRanges(); return window.find(query); }", query), query
    page.evaluate(lb.CHROMIUM_UNMARK)
    assert page.evaluate(copy) == copied  # exactly what the page without the marks gives
    page.close()


@pytest.mark.browser
def test_chromium_and_the_pdf_end_the_same_lines_at_the_same_width(projects, browser):
    """The print HTML in Chromium at the PDF's A4 text width ends (nearly) every line where the PDF does: both
    break at the same opportunities. Without the marks they agree on about half."""
    from reportgen.content.project import load_project
    from reportgen.render.form_pdf import FormPrinter
    from reportgen.render.html import PRINT_STYLESHEETS

    root = projects["stress"]
    project = load_project(root)
    forms = FormPrinter(root, project.site)
    words = lb.load_words(root)
    html = forms.renderer.print_document(project.entries[0].indicator, css_url=forms.pdf.css_url,
                                         link_stylesheets=False)
    pdf_ends = lb.pdf_counts(html, forms.pdf.render(html, source="x", stylesheets=PRINT_STYLESHEETS), words).ends
    chromium_ends = lb.chromium_print_counts(browser, root, html, "160mm", words).ends
    assert len(pdf_ends) > 50
    assert len(pdf_ends & chromium_ends) >= 0.9 * len(pdf_ends)
    before_html = lb.unmark(html)
    pdf = forms.pdf.render(before_html, source="x", stylesheets=PRINT_STYLESHEETS)
    before_ends = lb.pdf_counts(before_html, pdf, words).ends
    chromium_before = lb.chromium_print_counts(browser, root, html, "160mm", words, marked=False).ends
    assert len(before_ends & chromium_before) < 0.75 * len(before_ends)


def test_the_word_set_answers_newmm_as_pythainlps_trie_does():
    """linebreak looks words up in a set, not in PyThaiNLP's trie (0.5 s to build a process): the same prefixes at
    every position, so newmm cuts the same words."""
    from pythainlp.corpus.common import thai_words as pythainlp_words
    from pythainlp.tokenize import Tokenizer
    from pythainlp.util import Trie

    words = frozenset(pythainlp_words()) | {"ชมรมนักอ่าน"}
    trie, word_set = Trie(words), linebreak._Dictionary(words)
    text = REFERENCE_FORM.read_text(encoding="utf-8") + "ชมรมนักอ่านกรุงเทพมหานครความทันสมัย"
    assert all(word_set.prefixes(text, start) == trie.prefixes(text, start) for start in range(len(text)))
    tokenizer = Tokenizer(custom_dict=set(words), engine="newmm", keep_whitespace=True)
    assert linebreak.thai_words(text, {"ชมรมนักอ่าน"}) == tokenizer.word_tokenize(text)


def test_without_break_marks_leaves_every_other_character():
    assert linebreak.without_break_marks(f"รายงาน{linebreak.ZERO_WIDTH_SPACE}ผล\u2060การ\u00adดำเนินงาน\ufeff") == "รายงานผลการดำเนินงาน"
    assert linebreak.without_break_marks("จำนวน ห้อง\u200dสมุด") == "จำนวน ห้อง\u200dสมุด"  # ZWJ is not a break mark
    assert set(linebreak.LINE_BREAK_MARKS) == set(BREAK_MARKS.pattern.strip("[]"))
