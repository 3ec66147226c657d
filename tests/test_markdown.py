"""Narrative Markdown: unsafe links and images are refused at validation, and never rendered as links."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic_core import PydanticCustomError

from reportgen.markdown import _permissive_parser, _walk, check_markdown, render_markdown


def refusal(text: str) -> str | None:
    """The kind of error ``check_markdown`` raises for ``text``, or None when it accepts it."""
    try:
        check_markdown(text)
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
        ("[คลิก][ref]\n\n[ref]: javascript:alert(1)", "unsafe_url"),
        ("ไฟล์ <file:///etc/passwd>", "unsafe_url"),
        ("![ภาพ](https://example.org/a.png)", "image_in_text"),
        ("    [in code](javascript:x)", None),  # an indented code block: shown as text, not a link
    ],
)
def test_links_and_images_are_checked(text: str, kind: str | None):
    assert refusal(text) == kind


def test_raw_html_and_unsafe_links_never_render():
    html = render_markdown('<script>alert(1)</script> [x](javascript:alert(1)) [y](https://a.example)')
    assert "<script>" not in html and 'href="javascript' not in html
    assert '<a href="https://a.example">y</a>' in html


def _has_link_or_image(text: str) -> bool:
    return any(token.type in ("link_open", "image") for token in _walk(_permissive_parser().parse(text)))


# Markdown's own punctuation, Thai, and the letters of link targets, so that links and near-links come up often.
markdown_text = st.lists(
    st.sampled_from(list("[]()<>!:/*_`#-=\n \\&;\"'") + ["javascript:", "https://a.b", "ref", "ก", "ำ"]),
    max_size=25,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(markdown_text)
def test_property_the_shortcut_skips_only_text_without_links(text: str):
    # check_markdown skips parsing text without "[" or "<"; the full parser must find no link or image there.
    if "[" not in text and "<" not in text:
        assert not _has_link_or_image(text)
    assert (refusal(text) is None) or _has_link_or_image(text)


# --- Lists pasted from Word (issue 13) ---------------------------------------------------------------------------


def test_word_bullets_render_as_a_list():
    html = render_markdown("ดำเนินการดังนี้\n•\tจัดกิจกรรม\n◦ อบรม\n▪\tประชาสัมพันธ์\n–\tประเมินผล\n")
    assert html.count("<li>") == 4 and "<ul>" in html
    assert "•" not in html and "◦" not in html and "▪" not in html and "–" not in html


def test_a_dash_in_a_sentence_or_a_bullet_in_the_middle_stays_text():
    html = render_markdown("บริการยืม\n– คืนหนังสือ และ • ตรงกลาง")
    assert "<li>" not in html and "– คืน" in html and "• ตรงกลาง" in html
