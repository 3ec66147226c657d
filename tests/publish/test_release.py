"""publish/release.py: what may be published (signed off, unchanged, evidence present) and how release PDFs are dated."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from projects import REAL_INDICATOR, run_reportgen, write_project

from reportgen.commands.signoff import signoff
from reportgen.content.project import load_project
from reportgen.errors import ContentError
from reportgen.publish.release import BANGKOK, check_release, form_pdf_options, source_date_epoch

FILE = "content/indicators/2564/08.yaml"
REAL_TEXT = REAL_INDICATOR.read_bytes()
FIRST_EVIDENCE = "  - title: รายงานผลการดำเนินงานการจัดทำบรรณนิทัศน์ออนไลน์\n".encode()


def with_evidence_file(path: str) -> bytes:
    return REAL_TEXT.replace(FIRST_EVIDENCE, FIRST_EVIDENCE + f"    file: {path}\n".encode(), 1)


def make(tmp_path: Path, data: bytes = REAL_TEXT, files: dict | None = None) -> Path:
    return write_project(tmp_path / "project", {"indicators/2564/08.yaml": data, **(files or {})})


def sign(root: Path) -> None:
    signoff(root, root / FILE, name="นางสาวสมใจ ใฝ่รู้", position="บรรณารักษ์ชำนาญการ", date=dt.date(2021, 10, 20))


def release_problems(root: Path):
    project = load_project(root)
    return check_release(project, project.entries)


def test_a_signed_unchanged_form_may_be_published(tmp_path):
    root = make(tmp_path)
    sign(root)
    assert release_problems(root) == []


def test_an_unsigned_form_is_refused(tmp_path):
    root = make(tmp_path)
    [problem] = release_problems(root)
    assert (problem.code, problem.severity, str(problem.file), problem.field) == (
        "signoff_missing", "error", FILE, "signoff")
    assert "ยังไม่ได้ลงนาม" in problem.message and "not signed off" in problem.message_en
    assert f"reportgen signoff {FILE}" in problem.hint


def test_a_form_edited_after_sign_off_is_refused_at_its_signoff_line(tmp_path):
    root = make(tmp_path)
    sign(root)
    text = (root / FILE).read_bytes().replace("ห้องสมุดมีชีวิต หมายถึง".encode(), "ห้องสมุดมีชีวิต คือ".encode())
    (root / FILE).write_bytes(text)
    [problem] = release_problems(root)
    signoff_line = text.decode().splitlines().index("signoff:") + 1
    assert (problem.code, problem.severity, problem.line, problem.field) == ("signoff_stale", "error", signoff_line,
                                                                             "signoff")
    assert problem.message.startswith("แก้ไขหลังลงนาม") and "นางสาวสมใจ ใฝ่รู้" in problem.message
    assert "20 ตุลาคม 2564" in problem.message and "2021-10-20" in problem.message_en
    assert f"reportgen signoff {FILE} --name 'นางสาวสมใจ ใฝ่รู้' --position 'บรรณารักษ์ชำนาญการ'" in problem.hint
    assert problem.location() == f"{FILE}:{signoff_line}:1"


def test_the_release_check_uses_the_documents_as_loaded_and_parses_nothing_again(tmp_path, monkeypatch):
    import reportgen.publish.release as release

    root = make(tmp_path)
    sign(root)
    text = (root / FILE).read_bytes().replace("ห้องสมุดมีชีวิต หมายถึง".encode(), "ห้องสมุดมีชีวิต คือ".encode())
    (root / FILE).write_bytes(text)
    project = load_project(root)

    def parsed_again(*args, **kwargs):
        raise AssertionError("check_release parsed a file the project had loaded")

    monkeypatch.setattr(release, "load_file", parsed_again)
    [problem] = check_release(project, project.entries)
    assert (problem.code, problem.line) == ("signoff_stale", text.decode().splitlines().index("signoff:") + 1)


def test_a_hand_written_sign_off_without_digest_is_refused(tmp_path):
    root = make(tmp_path, REAL_TEXT + "signoff:\n  name: นาย ก\n  position: ข\n  date: 2021-10-20\n".encode())
    [problem] = release_problems(root)
    assert problem.code == "signoff_no_digest" and problem.line == REAL_TEXT.count(b"\n") + 1


def test_a_replaced_evidence_file_counts_as_an_edit(tmp_path):
    root = make(tmp_path, with_evidence_file("evidence/08.pdf"), {"evidence/08.pdf": b"%PDF-1.7 one"})
    sign(root)
    assert release_problems(root) == []
    (root / "content/evidence/08.pdf").write_bytes(b"%PDF-1.7 two")
    assert [problem.code for problem in release_problems(root)] == ["signoff_stale"]


def test_only_the_selected_entries_are_checked(tmp_path):
    other = REAL_TEXT.replace(b'code: "08"', b'code: "09"')
    root = write_project(tmp_path / "p", {"indicators/2564/08.yaml": REAL_TEXT, "indicators/2564/09.yaml": other})
    sign(root)
    project = load_project(root)
    signed = [entry for entry in project.entries if entry.indicator.code == "08"]
    assert check_release(project, signed) == []
    assert [p.file.name for p in check_release(project, project.entries)] == ["09.yaml"]


@pytest.mark.parametrize(
    ("path", "code", "words"),
    [
        ("evidence/none.pdf", "evidence_file_missing", "ไม่พบไฟล์หลักฐาน"),
        ("../secret.pdf", "evidence_file_outside", ".."),
        ("/etc/hostname", "evidence_file_outside", "absolute"),
        ("evidence\\\\08.pdf", "evidence_file_outside", "\\"),
        ("evidence/link.pdf", "evidence_file_outside", "symbolic link"),
        ("evidence", "evidence_file_missing", "evidence"),
    ],
)
def test_evidence_files_must_exist_inside_content(tmp_path, path, code, words):
    root = make(tmp_path, with_evidence_file(f'"{path}"'), {"evidence/08.pdf": b"%PDF"})
    (tmp_path / "project" / "secret.pdf").write_bytes(b"secret")
    (root / "content/evidence/link.pdf").symlink_to(tmp_path / "project" / "secret.pdf")
    with pytest.raises(ContentError) as refused:
        load_project(root)
    [problem] = refused.value.problems
    line = with_evidence_file(f'"{path}"').decode().splitlines().index(f'    file: "{path}"') + 1
    assert (problem.code, problem.field, problem.line, problem.severity) == (code, "evidence[1].file", line, "error")
    assert words in problem.message + problem.message_en


def test_a_release_pdf_is_dated_at_the_sign_off_in_bangkok(tmp_path):
    root = make(tmp_path, with_evidence_file("evidence/รายงาน.pdf"), {"evidence/รายงาน.pdf": b"%PDF"})
    sign(root)
    entry = load_project(root).entries[0]
    options = form_pdf_options(root, entry, release=True, environ={"SOURCE_DATE_EPOCH": "1"})
    assert options.archival and options.date == dt.datetime(2021, 10, 20, tzinfo=BANGKOK)
    assert [(a.name, a.relationship) for a in options.attachments] == [
        ("2564-08.yaml", "Source"), ("รายงาน.pdf", "Supplement")]
    assert options.attachments[0].path == root / FILE
    draft = form_pdf_options(root, entry, release=False, environ={})
    assert not draft.archival and draft.date is None and draft.attachments == ()
    assert draft.identifier != options.identifier and len(options.identifier) == 32


def test_drafts_are_dated_only_by_source_date_epoch():
    assert source_date_epoch({}) is None
    assert source_date_epoch({"SOURCE_DATE_EPOCH": "not a number"}) is None
    assert source_date_epoch({"SOURCE_DATE_EPOCH": "1634688000"}) == dt.datetime(2021, 10, 20, tzinfo=dt.UTC)


def _build_release_supported() -> bool:
    return "--release" in run_reportgen("build", "--help", cwd=Path(os.getcwd())).stdout


def test_build_release_refuses_unsigned_forms_and_writes_nothing(tmp_path):
    if not _build_release_supported():
        pytest.skip("reportgen build has no --release option yet (wired by the build command's owner)")
    root = make(tmp_path)
    result = run_reportgen("build", "--release", cwd=root)
    assert result.returncode == 1 and "signoff" in result.stderr and "ยังไม่ได้ลงนาม" in result.stderr
    assert not (root / "output").exists()
    sign(root)
    result = run_reportgen("build", "--release", cwd=root)
    assert result.returncode == 0, result.stderr
    assert (root / "output" / "pdf" / "2564" / "08.pdf").read_bytes().startswith(b"%PDF-1.7")


# --- Release per form --------------------------------------------------------------------------------------------


def _division(tmp_path: Path) -> Path:
    """2565/08 signed; 2565/09 a draft; 2564/08 (a past year) never signed."""
    year_2565 = REAL_TEXT.replace(b"fiscal_year: 2564", b"fiscal_year: 2565")
    # This year's own sections 7 and 9: word for word last year's would be a warning (a copied file), an error
    # under --strict.
    year_2565 = year_2565.replace("  จากปัญหาการแพร่ระบาด".encode(), "  ปีนี้ จากปัญหาการแพร่ระบาด".encode())
    year_2565 = year_2565.replace("- title: รายงานผลการดำเนินงาน".encode(), "- title: รายงานผลปี 2565".encode())
    draft = year_2565.replace(b'code: "08"', b'code: "09"')
    root = write_project(tmp_path / "division", {
        "indicators/2564/08.yaml": REAL_TEXT,
        "indicators/2565/08.yaml": year_2565,
        "indicators/2565/09.yaml": draft,
    })
    signoff(root, root / "content/indicators/2565/08.yaml", name="นางสาวสมใจ ใฝ่รู้", position="บรรณารักษ์",
            date=dt.date(2022, 10, 20))
    return root


def test_a_release_publishes_the_signed_forms_and_lists_the_rest(tmp_path):
    root = _division(tmp_path)
    result = run_reportgen("build", "--release", cwd=root)
    assert result.returncode == 0, result.stderr
    for slug in ("2565/09", "2564/08"):  # each left out with its reason and its fix
        assert f"ไม่เผยแพร่ {slug} ในการสร้างครั้งนี้: ยังไม่ได้ลงนาม" in result.stderr
        assert f"reportgen signoff content/indicators/{slug}.yaml" in result.stderr
    assert "เผยแพร่ 1 แบบรายงาน ไม่เผยแพร่ 2 แบบรายงาน: 2564/08, 2565/09" in result.stderr
    html = root / "output" / "html"
    assert (root / "output/pdf/2565/08.pdf").exists() and (html / "2565/08.html").exists()
    for slug in ("2565/09", "2564/08"):
        assert not (root / f"output/pdf/{slug}.pdf").exists() and not (html / f"{slug}.html").exists()
    year_page = (html / "2565" / "index.html").read_text(encoding="utf-8")
    assert "09.html" not in year_page and "09.pdf" not in year_page  # no link to a page that was not built
    assert "ยังไม่เผยแพร่ 1 แบบรายงาน (รอการลงนาม): ตัวชี้วัด 09" in year_page
    assert not (html / "2564").exists()  # a past year with nothing signed is not on the site at all
    every_page = "".join(page.read_text(encoding="utf-8") for page in html.rglob("*.html"))
    assert not re.findall(r'href="[^"]*2564/[^"]*"', every_page)  # nothing links to the past year left out
    csv_rows = (html / "data" / "indicators.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
    assert [row.split(",")[:2] for row in csv_rows] == [["2565", "08"]]  # no unsigned row in the open data
    sitemap = (html / "sitemap.xml").read_text(encoding="utf-8")
    assert "2565/08.html" in sitemap and "09.html" not in sitemap and "2564" not in sitemap


def test_a_strict_release_refuses_unsigned_forms_of_the_newest_year_only(tmp_path):
    root = _division(tmp_path)
    result = run_reportgen("build", "--release", "--strict", cwd=root)
    assert result.returncode == 1 and "2565/09.yaml" in result.stderr and "ยังไม่ได้ลงนาม" in result.stderr
    assert "2564/08.yaml" not in result.stderr  # last year's form never blocks this year's release
    assert not (root / "output").exists()
    signoff(root, root / "content/indicators/2565/09.yaml", name="นาย ก", position="ข", date=dt.date(2022, 10, 20))
    result = run_reportgen("build", "--release", "--strict", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "ไม่เผยแพร่ 2564/08" in result.stderr  # still left out, with its warning


def test_release_strict_can_be_set_in_site_yaml(tmp_path):
    root = _division(tmp_path)
    site = root / "content" / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + "release_strict: true\n", encoding="utf-8")
    result = run_reportgen("build", "--release", cwd=root)
    assert result.returncode == 1 and "2565/09.yaml" in result.stderr


def test_a_named_form_must_be_publishable_and_the_site_stays_whole(tmp_path):
    root = _division(tmp_path)
    result = run_reportgen("build", "--release", "content/indicators/2565/09.yaml", cwd=root)
    assert result.returncode == 1 and "2565/09.yaml" in result.stderr and not (root / "output").exists()
    run_reportgen("build", cwd=root, check=True)  # a draft build first: every page, drafts included
    assert (root / "output/html/2565/09.html").exists()
    result = run_reportgen("build", "--release", "content/indicators/2565/08.yaml", cwd=root)
    assert result.returncode == 0, result.stderr
    assert not (root / "output/html/2565/09.html").exists()  # the draft's old page is not left behind


def test_a_release_with_nothing_signed_is_refused(tmp_path):
    root = make(tmp_path)
    result = run_reportgen("build", "--release", cwd=root)
    assert result.returncode == 1 and "ยังไม่ได้ลงนาม" in result.stderr
    assert not (root / "output").exists()


# --- One form's problem is that form's; a sign-off never publishes placeholders (issue 23) -----------------------


def _signed_by_an_older_reportgen(root: Path, file: str) -> None:
    """Sign ``file`` as reportgen did before it refused placeholders (a form-2 digest of the text as it is)."""
    from reportgen.content.project import load_indicator
    from reportgen.digest import signoff_digest_v2

    path = root / file
    text = path.read_bytes()
    digest = signoff_digest_v2(load_indicator(text, file), root / "content", name="นาย ก", position="ข",
                               date=dt.date(2026, 12, 1))  # fmt: skip
    path.write_bytes(text.replace(b"\nsignoff:\n", b"\n") + (
        f"\nsignoff:\n  name: นาย ก\n  position: ข\n  date: 2026-12-01\n  digest: {digest}\n").encode())


def test_a_form_holding_placeholders_is_never_published_whatever_its_sign_off_says(tmp_path):
    from reportgen.cli import main

    root = make(tmp_path)
    sign(root)
    assert main(["new", "11", "--year", "2570", "--root", str(root)]) == 0
    new_file = "content/indicators/2570/11.yaml"
    _signed_by_an_older_reportgen(root, new_file)
    lines = (root / new_file).read_text(encoding="utf-8").splitlines()
    name_line = next(number for number, line in enumerate(lines, 1) if line.startswith("name:"))
    result = run_reportgen("build", "--release", cwd=root)
    assert result.returncode == 0, result.stderr
    assert f"{new_file}:{name_line}:" in result.stderr and "ไม่เผยแพร่ 2570/11 ในการสร้างครั้งนี้: ยังไม่ได้กรอก" in result.stderr
    assert "เผยแพร่ 1 แบบรายงาน ไม่เผยแพร่ 1 แบบรายงาน: 2570/11" in result.stderr
    assert not (root / "output/pdf/2570").exists() and not (root / "output/html/2570").exists()
    site = "".join(path.read_text(encoding="utf-8") for path in (root / "output/html").rglob("*.html"))
    assert "กรอก" not in site and "11.pdf" not in site
    strict = run_reportgen("build", "--release", "--strict", cwd=root)
    assert strict.returncode == 1 and "ยังไม่ได้กรอก" in strict.stderr


SYNTAX_ERROR = REAL_TEXT.replace(b'code: "08"', b'code: "09"').replace(b"result_type: output", b"result_type output")


def _one_broken_among_signed(tmp_path: Path) -> Path:
    root = write_project(tmp_path / "division", {
        "indicators/2564/08.yaml": REAL_TEXT,
        "indicators/2564/09.yaml": SYNTAX_ERROR,  # a syntax error
        "indicators/2564/10.yaml": REAL_TEXT.replace(b'code: "08"', b'code: "10"').decode("utf-8")
        .encode("cp874", errors="replace"),  # saved as Windows-874: cannot be read at all
    })
    sign(root)
    return root


def test_one_broken_file_does_not_stop_the_release_and_is_listed_with_its_line(tmp_path):
    root = _one_broken_among_signed(tmp_path)
    result = run_reportgen("build", "--release", cwd=root)
    assert result.returncode == 0, result.stderr
    assert (root / "output/pdf/2564/08.pdf").exists() and (root / "output/html/2564/08.html").exists()
    line = SYNTAX_ERROR.decode("utf-8").splitlines().index("result_type output") + 1
    assert "ไม่เผยแพร่ 2564/09 ในการสร้างครั้งนี้:" in result.stderr
    assert re.search(rf"content/indicators/2564/09\.yaml:{line}:\d+:", result.stderr), result.stderr
    assert "ไม่เผยแพร่ 2564/10 ในการสร้างครั้งนี้: ไฟล์บันทึกเป็นภาษาไทยแบบเก่า" in result.stderr
    assert "เผยแพร่ 1 แบบรายงาน ไม่เผยแพร่ 2 แบบรายงาน: 2564/09, 2564/10" in result.stderr
    assert not (root / "output/pdf/2564/09.pdf").exists() and not (root / "output/pdf/2564/10.pdf").exists()


def test_a_strict_release_refuses_a_broken_file_and_writes_nothing(tmp_path):
    root = _one_broken_among_signed(tmp_path)
    result = run_reportgen("build", "--release", "--strict", cwd=root)
    assert result.returncode == 1 and "content/indicators/2564/09.yaml" in result.stderr
    assert not (root / "output").exists()


def test_a_release_where_nothing_may_be_published_is_refused(tmp_path):
    root = write_project(tmp_path / "p", {"indicators/2564/08.yaml": REAL_TEXT, "indicators/2564/09.yaml": SYNTAX_ERROR})
    result = run_reportgen("build", "--release", cwd=root)  # 08 unsigned, 09 broken: nothing to publish
    assert result.returncode == 1 and "ยังไม่ได้ลงนาม" in result.stderr and "2564/09.yaml" in result.stderr
    assert not (root / "output").exists()


def test_a_broken_site_yaml_still_stops_everything_with_its_message(tmp_path):
    root = _one_broken_among_signed(tmp_path)
    (root / "content/site.yaml").write_text("agency: [\n", encoding="utf-8")
    result = run_reportgen("build", "--release", cwd=root)
    assert result.returncode == 1 and "content/site.yaml:" in result.stderr
    assert not (root / "output").exists()
