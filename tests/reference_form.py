"""The official reference form (``../shared/reference/kpi-08-form.txt``) as sentences to look for: its extraction
artefacts undone, each for a documented reason (``reference_sentences``), and what of it a text lacks
(``missing_from``; whitespace ignored: Thai has no word spaces, and extractors differ only in whitespace).
"""

from __future__ import annotations

import re

from extract import squeeze
from projects import REFERENCE_FORM

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
