"""The real form for indicator 08, built from content/, contains every sentence of the official reference.

The reference (``../shared/reference/kpi-08-form.txt``) is text extracted from the official system. Its extraction
artefacts are undone before comparing, each for a documented reason (see ``reference_sentences``); nothing else
is changed. Comparison ignores whitespace: Thai has no word spaces, and extractors differ only in whitespace.
"""

from __future__ import annotations

import os

import pytest
from extract import html_text, pdftotext_body
from projects import REFERENCE_FORM
from reference_form import missing_from, reference_sentences

# CI always has shared/ beside the clone, so there a missing reference is a failure, never a silent skip.
pytestmark = pytest.mark.skipif(
    not REFERENCE_FORM.exists() and not os.environ.get("CI"),
    reason=f"the reference form is not beside the repository ({REFERENCE_FORM})",
)

def test_reference_has_sentences_to_check():
    sentences = reference_sentences()
    assert len(sentences) >= 40
    assert any("บรรณิทรรศน์" in s for s in sentences) and any("ยืม – คืน" in s for s in sentences)


def test_every_sentence_of_the_reference_is_in_the_html_page(real_build):
    page = (real_build / "output" / "html" / "2564" / "08.html").read_text(encoding="utf-8")
    assert missing_from(html_text(page)) == []


def test_every_sentence_of_the_reference_is_in_the_pdf_text(real_build):
    text = pdftotext_body(real_build / "output" / "pdf" / "2564" / "08.pdf")
    assert missing_from(text) == []
