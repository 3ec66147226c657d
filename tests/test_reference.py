"""The real form for indicator 08, built from content/, contains every sentence of the official reference.

The reference (``../shared/reference/kpi-08-form.txt``) is text extracted from the official system. Its extraction
artefacts are undone before comparing, each for a documented reason (see ``reference_sentences``); nothing else
is changed. Comparison ignores whitespace: Thai has no word spaces, and extractors differ only in whitespace.
"""

from __future__ import annotations

import os
import re

import pytest
from extract import html_text, pdftotext_body, squeeze
from projects import REFERENCE_FORM

# CI always has shared/ beside the clone, so there a missing reference is a failure, never a silent skip.
pytestmark = pytest.mark.skipif(
    not REFERENCE_FORM.exists() and not os.environ.get("CI"),
    reason=f"the reference form is not beside the repository ({REFERENCE_FORM})",
)

# Labels the extraction cut short or replaced (see shared/reference/README.md).
CUT_LABELS = {"ประเด็นยุทธศา :": "ประเด็นยุทธศาสตร์ :", "----- ย่อย :": "ประเด็นยุทธศาสตร์ย่อย :"}
CHECKBOXES = "☑☐"


def reference_sentences() -> list[str]:
    sentences = []
    for line in REFERENCE_FORM.read_text(encoding="utf-8").splitlines():
        line = line.strip().replace("?", "–")  # every ? was an en dash lost in extraction
        for cut, full in CUT_LABELS.items():
            line = line.replace(cut, full)
        line = line.replace("*", "")  # the system's bold markers
        line = re.sub(r"^(- )?(:: ?)?(- )?", "", line)  # the system's field and bullet markers
        line = re.sub(r"^: ", "", line)
        line = re.sub(r"<(https?://[^>]+)>", r"\1", line)  # Markdown autolink brackets
        line = re.sub(r"\.{3,}", "", line)  # dotted lines for handwriting
        if " :" not in line:
            # A numbered step of a narrative: the number is the list's marker, not part of the text
            # (and "3 สถิติ…" lacks its dot in the original).
            line = re.sub(r"^\d+\.?\s+(?=\S)", "", line)
        if line.strip():
            sentences.append(line)
    return sentences


def missing_from(text: str) -> list[str]:
    haystack = squeeze(text)
    for mark in CHECKBOXES:
        haystack = haystack.replace(mark, "")
    haystack = re.sub(r"\.{3,}", "", haystack)
    return [sentence for sentence in reference_sentences() if squeeze(sentence) not in haystack]


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
