"""Evidence files (issue 25): a path written from the wrong folder gets the corrected path; a file whose bytes are
not what its extension says is refused, in Thai and English."""

from __future__ import annotations

import pytest
from projects import indicator_data, run_reportgen, write_project

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(32)
DOCX = b"PK\x03\x04" + bytes(32)


def _project(tmp_path, written: str, stored: str, data: bytes):
    evidence = [{"title": "รายงานผล", "file": written}]
    return write_project(tmp_path / "p", {
        "indicators/2564/08.yaml": indicator_data(evidence=evidence), stored: data,
    })


#: (slip, path written, file stored under content/, its bytes, Thai words, English words)
SLIPS = [
    ("from the project folder", "content/evidence/2564/08.pdf", "evidence/2564/08.pdf", PDF,
     "แก้เป็น file: evidence/2564/08.pdf", "change it to file: evidence/2564/08.pdf"),
    ("other case", "evidence/2564/08-Report.PDF", "evidence/2564/08-report.pdf", PDF,
     "แก้เป็น file: evidence/2564/08-report.pdf", "change it to file: evidence/2564/08-report.pdf"),
    ("a Word file named .pdf", "evidence/2564/08.pdf", "evidence/2564/08.pdf", DOCX,
     "ข้อมูลในไฟล์เป็นเอกสาร Word/Excel/PowerPoint", "its contents are a Word, Excel or PowerPoint document"),
    ("a web page named .pdf", "evidence/2564/08.pdf", "evidence/2564/08.pdf", b"<!DOCTYPE html><html>",
     "หน้าเว็บ (HTML)", "a web page (HTML)"),
    ("a PDF named .png", "evidence/2564/08.png", "evidence/2564/08.png", PDF, "ข้อมูลในไฟล์เป็นไฟล์ PDF", "are a PDF"),
]


@pytest.mark.parametrize("slip, written, stored, data, thai, english", SLIPS, ids=[slip[0] for slip in SLIPS])
def test_check_points_at_the_evidence_file_and_the_fix(tmp_path, slip, written, stored, data, thai, english):
    root = _project(tmp_path, written, stored, data)
    for lang, words in (("th", thai), ("en", english)):
        result = run_reportgen("check", "--lang", lang, cwd=root)
        output = result.stdout + result.stderr
        assert result.returncode == 1 and words in output, output


@pytest.mark.parametrize("name, data", [("08.pdf", PDF), ("08.png", PNG), ("08.docx", DOCX), ("08.csv", b"a,b\n")])
def test_files_that_are_what_they_say_pass(tmp_path, name, data):
    root = _project(tmp_path, f"evidence/2564/{name}", f"evidence/2564/{name}", data)
    result = run_reportgen("check", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
