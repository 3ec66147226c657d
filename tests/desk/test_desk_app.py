"""The desk's routes in process (Starlette's TestClient): the overview, the editor generated from the model, check as
you type (the same problems as ``reportgen check``), saving into git (author, message, one file, pushed), two people
saving one form, permissions, CSRF, headers, limits, error pages, evidence, new forms and years, imports, logs."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path, PurePosixPath

import pytest
import yaml
from desk_projects import OFFICER, OFFICER_EMAIL, TODAY, form_values, git
from projects import REFERENCE_FORM, run_reportgen

from reportgen.commands.check import check
from reportgen.content.project import load_file
from reportgen.desk import forms
from reportgen.desk.identity import Person, Role
from reportgen.desk.permissions import Action, may
from reportgen.model import Indicator

FORM_08 = PurePosixPath("content/indicators/2569/08.yaml")


def editor(client, code: str = "08") -> str:
    response = client.get(f"/forms/2569/{code}")
    assert response.status_code == 200
    return response.text


def check_quarter_1(client, report: str, result: str) -> tuple[dict[str, str], dict]:
    """Form 08 as its page posts it with quarter 1's report and result typed: the values, and the desk's check."""
    values = form_values(editor(client))
    values["quarters.q1.report"], values["quarters.q1.result"] = report, result
    return values, client.post("/forms/2569/08/check", data=values).json()


def commits(root: Path) -> int:
    return int(git(root, "rev-list", "--count", "HEAD"))


# --- The overview ------------------------------------------------------------------------------------------------


def test_the_overview_shows_the_persons_own_forms_first_then_the_divisions_with_links_naming_each_code(desk):
    page = desk().get("/").text
    assert '<html lang="th">' in page
    own, division = page.index('id="own-forms"'), page.index('id="division-forms"')
    assert own < division
    own_table = page[own:division]
    assert 'href="/forms/2569/08"' in own_table and "ตัวชี้วัด 08" in own_table
    assert 'href="/forms/2569/09"' not in own_table
    assert 'href="/forms/2569/09"' in page[division:] and "ตัวชี้วัด 09" in page[division:]
    # Quarter 2 is running and nobody has reported it: the overview of `status` shows the last ended one, quarter 1.
    assert "ภาพรวมไตรมาสที่ 1 ปีงบประมาณ 2569" in page
    assert "ยังไม่รายงาน" in own_table and "ฉบับร่าง" in own_table
    assert "รายงานแล้ว 0 · ยังไม่รายงาน 2" in page


def test_the_overview_counts_come_from_the_status_command(desk, git_project):
    from reportgen.commands.status import quarter_status

    state = quarter_status(git_project, year=2569, quarter=1, today=TODAY)
    page = desk().get("/?year=2569&quarter=1").text
    counts = state.counts
    assert f"รายงานแล้ว {counts['reported']} · ยังไม่รายงาน {counts['missing']}" in page


# --- The editor --------------------------------------------------------------------------------------------------


def test_the_editor_has_sections_1_to_9_in_order_with_the_forms_own_headings(desk):
    page = editor(desk())
    headings = re.findall(r'<h2 id="section-(\d+)-title"><span class="section-number">\d+\.</span> ([^<]+)</h2>', page)
    assert [number for number, _ in headings] == [str(n) for n in range(1, 10)]
    assert dict(headings)["8"] == "อุปสรรคต่อการดำเนินงาน"
    assert dict(headings)["6"] == "รายงานผลการดำเนินงาน"
    assert '<label for="f-obstacles">8. อุปสรรคต่อการดำเนินงาน' in page
    assert re.search(r'<button type="submit" class="save" id="save-button">บันทึก</button>', page)


def test_every_field_of_the_model_has_an_input_with_a_label_tied_to_it(desk):
    page = editor(desk())
    ids = set(re.findall(r'<(?:input|textarea|select)[^>]* id="([^"]+)"', page))
    labelled = set(re.findall(r'<label for="([^"]+)"', page))
    assert ids - labelled == set(), "inputs without a label"

    def leaves(model, prefix=()):
        for name, info in model.model_fields.items():
            annotation, _ = forms._leaf(info)
            nested, item = forms._model(annotation), forms._item_model(annotation)
            if nested is not None and (*prefix, name) not in forms.READ_ONLY:
                yield from leaves(nested, (*prefix, name))
            elif item is not None:
                yield from leaves(item, (*prefix, name, 0))
            else:
                yield "f-" + "-".join(map(str, (*prefix, name)))

    assert set(leaves(Indicator)) <= ids


def test_quarters_not_yet_reported_are_shown_as_such_and_lists_have_rows_to_add(desk):
    page = editor(desk())
    assert page.count("ไตรมาสนี้ยังไม่ได้รายงาน") == 4
    assert 'data-add-row="f-evidence"' in page and 'id="f-evidence-blank"' in page
    assert 'name="evidence.0.title"' in page  # an empty row to fill, also without the script


def test_a_new_model_field_appears_in_the_form_by_itself(monkeypatch):
    from pydantic import Field, create_model

    from reportgen.model import Narrative

    extended = create_model("Extended", __base__=Indicator,
                            lessons=(Narrative, Field("", description="10. บทเรียนที่ได้รับ (ข้อความ: พิมพ์หรือวางจาก Word/Excel ได้)")))
    monkeypatch.setattr(forms, "Indicator", extended)
    sections = forms.form_sections({})
    assert sections[-1].number == 10 or any(section.number == 10 for section in sections)
    lessons = next(item for section in sections for item in forms.inputs(section.items) if item.name == "lessons")
    assert lessons.kind == "narrative" and lessons.label == "10. บทเรียนที่ได้รับ"


# --- Check as you type -------------------------------------------------------------------------------------------


def test_check_as_you_type_reports_what_check_reports_at_the_field(desk, git_project):
    from reportgen.desk import saving
    from reportgen.desk.app import _saved

    client = desk()
    values = form_values(editor(client))
    values["quarters.q1.report"] = "เปิดห้องสมุด"
    values["quarters.q1.result"] = "สามสิบ"  # not a number
    values["evidence.0.title"] = "ภาพกิจกรรม"
    values["evidence.0.url"] = "ftp://example.org/x"
    answer = client.post("/forms/2569/08/check", data=values).json()
    by_field = {problem["field"]: problem for problem in answer["problems"]}
    assert by_field["quarters.q1.result"]["severity"] == "error"
    assert "evidence.0.url" in by_field
    assert answer["errors"] >= 2 and answer["preview"] is None

    # The same values written to the file (as YAML, since they make no valid form): `reportgen check` says the same,
    # in the same words.
    saved = _saved(client.app.state.desk, FORM_08)
    posted = forms.posted_values(values, saved.values)
    with pytest.raises(saving.ContentError):
        saving.form_text(posted, saved)
    text = yaml.safe_dump(json.loads(json.dumps(posted, default=float)), allow_unicode=True, sort_keys=False)
    (git_project / FORM_08).write_text(text, encoding="utf-8")
    checked = [problem for problem in check(git_project, use_cache=False) if str(problem.file) == str(FORM_08)]
    assert sorted(problem.text("th") for problem in checked) == sorted(p["message"] for p in answer["problems"])


def test_pasted_text_the_form_cannot_print_is_named_at_its_field_and_a_line_separator_is_a_line_break(
    desk, git_project
):
    # From LINE: an emoji, which no font of the form has (it would print as an empty box); from a web page: a line
    # separator (U+2028), which the form would print as a box too, and which means a line break.
    client = desk()
    values, answer = check_quarter_1(client, "ผู้ใช้บริการ 1,234 คน 👍\u2028เพิ่มขึ้นจากปีก่อน", "12")
    assert answer["errors"] == 0, answer
    (warning,) = [problem for problem in answer["problems"] if problem["field"] == "quarters.q1.report"]
    assert warning["severity"] == "warning" and "👍 U+1F44D" in warning["message"] and "U+2028" not in warning["message"]
    assert client.post("/forms/2569/08", data=values, follow_redirects=False).status_code == 303  # a warning: saved
    report = load_file(git_project / FORM_08, git_project, Indicator).model.quarters.q1.report
    assert report == "ผู้ใช้บริการ 1,234 คน 👍\nเพิ่มขึ้นจากปีก่อน"


@pytest.mark.parametrize("typed", ["-3", "\u22123"])  # a minus from the keyboard, and one pasted from Word
def test_a_negative_number_gets_the_message_check_gives_in_a_file_not_one_about_quotes(desk, typed):
    _, answer = check_quarter_1(desk(), "เปิดห้องสมุด", typed)
    (problem,) = [problem for problem in answer["problems"] if problem["field"] == "quarters.q1.result"]
    assert problem["severity"] == "error" and "ไม่ติดลบ" in problem["message"] and "-3" in problem["message"]
    assert "เครื่องหมายคำพูด" not in problem["message"]  # the officer typed no quotes


def test_a_valid_draft_gets_its_preview_made_by_the_builds_templates_and_its_pdf(desk):
    client = desk()
    _, answer = check_quarter_1(client, "จัดกิจกรรมส่งเสริมการอ่านครบทุกสาขา", "12")
    assert answer["errors"] == 0, answer
    page = client.get(answer["preview"]).text
    assert "จัดกิจกรรมส่งเสริมการอ่านครบทุกสาขา" in re.sub(r"<[^>]+>", "", page)  # Thai words are spans
    assert 'class="form-section" id="section-6"' in page  # templates/form.html.j2, as the build renders it
    pdf = client.get(answer["pdf"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    # Another session cannot see this draft: it gets the saved form.
    other = re.sub(r"<[^>]+>", "", desk().get(answer["preview"]).text)
    assert "จัดกิจกรรมส่งเสริมการอ่านครบทุกสาขา" not in other


# --- Saving ------------------------------------------------------------------------------------------------------


def test_saving_writes_one_canonical_file_commits_it_as_the_person_in_thai_and_pushes(desk, git_project):
    client = desk()
    before = commits(git_project)
    values = form_values(editor(client))
    values["quarters.q1.report"] = "1.\tจัดกิจกรรม\u200b 12 ครั้ง\r\n2.\tผู้เข้าร่วม 300 คน"
    values["quarters.q1.result"] = "๑๒"
    response = client.post("/forms/2569/08", data=values, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/forms/2569/08"
    assert commits(git_project) == before + 1
    author, subject = git(git_project, "log", "-1", "--format=%an <%ae>%n%s").splitlines()
    assert author == f"{OFFICER} <{OFFICER_EMAIL}>"
    assert subject.startswith("บันทึกแบบรายงานตัวชี้วัด 08 ปีงบประมาณ 2569")
    assert git(git_project, "show", "--name-only", "--format=", "HEAD").split() == [str(FORM_08)]
    assert client.app.state.desk.pusher.wait()  # pushed after the save, off its path
    assert git(git_project, "rev-parse", "HEAD") == git(git_project, "rev-parse", "origin/main")  # pushed
    text = (git_project / FORM_08).read_text(encoding="utf-8")
    assert "\u200b" not in text and "\r" not in text
    doc = load_file(git_project / FORM_08, git_project, Indicator)
    assert doc.ok
    assert doc.model.quarters.q1.result == Decimal(12)
    assert doc.model.quarters.q1.report == "1.\tจัดกิจกรรม 12 ครั้ง\n2.\tผู้เข้าร่วม 300 คน"
    assert [p for p in check(git_project, use_cache=False) if p.severity == "error"] == []
    from reportgen.authoring.canonical import canonical_text

    assert canonical_text(text, source=FORM_08) == text
    assert "บันทึกแล้ว" in client.get("/forms/2569/08").text  # said on the next page


def test_errors_block_saving_and_the_values_typed_stay_in_the_form(desk, git_project):
    client = desk()
    before = (git_project / FORM_08).read_bytes()
    values = form_values(editor(client))
    values["target.value"] = "สาม"
    values["obstacles"] = "ฝนตกหนัก"
    response = client.post("/forms/2569/08", data=values)
    assert response.status_code == 422
    assert (git_project / FORM_08).read_bytes() == before
    assert form_values(response.text)["obstacles"] == "ฝนตกหนัก"
    assert re.search(r'data-problems-for="target.value">\s*<li class="problem problem-error">', response.text)


def test_the_second_of_two_people_saving_one_form_is_told_sees_the_difference_and_loses_nothing(
    desk, git_project,
):
    first, second = desk(), desk()
    mine, theirs = form_values(editor(first)), form_values(editor(second))
    mine["obstacles"] = "งบประมาณล่าช้า"
    assert first.post("/forms/2569/08", data=mine, follow_redirects=False).status_code == 303
    theirs["supporting_factors"] = "ผู้บริหารสนับสนุน"
    response = second.post("/forms/2569/08", data=theirs, follow_redirects=False)
    assert response.status_code == 409
    assert "มีผู้อื่นบันทึกแบบฟอร์มนี้ก่อนคุณ" in response.text
    assert re.search(r'<span class="removed">-[^<]*งบประมาณล่าช้า', response.text)  # the difference
    kept = form_values(response.text)
    assert kept["supporting_factors"] == "ผู้บริหารสนับสนุน"  # nothing typed is lost
    assert "งบประมาณล่าช้า" in (git_project / FORM_08).read_text(encoding="utf-8")  # nor what was saved first
    # Having seen it, they save again: now theirs is the form (the version they saw is the current one).
    assert second.post("/forms/2569/08", data=kept, follow_redirects=False).status_code == 303
    assert "ผู้บริหารสนับสนุน" in (git_project / FORM_08).read_text(encoding="utf-8")


# --- Who may do what ---------------------------------------------------------------------------------------------


def person(*roles: Role, name: str = "นายอื่น ผู้อื่น") -> Person:
    return Person(login="other", name=name, email="other@library.example", position="", roles=frozenset(roles))


def test_permissions_follow_the_rules_of_issue_29():
    own = Indicator.model_validate(yaml.safe_load((Path(__file__).parents[2] / "content/indicators/2564/08.yaml")
                                                  .read_text(encoding="utf-8")) | {"officer": {"name": "นายอื่น  ผู้อื่น"}},
                                   strict=False)
    officer, coordinator, signer = person(Role.OFFICER), person(Role.COORDINATOR, name="x"), person(Role.SIGNER)
    assert may(officer, Action.EDIT, own) and not may(person(Role.OFFICER, name="x"), Action.EDIT, own)
    assert may(coordinator, Action.EDIT, own) and may(coordinator, Action.START_YEAR)
    assert not may(officer, Action.START_YEAR) and not may(officer, Action.IMPORT) and may(officer, Action.CREATE)
    assert may(signer, Action.SIGN) and not may(officer, Action.SIGN)
    assert not may(coordinator, Action.MANAGE_ACCOUNTS) and may(person(Role.ADMIN), Action.MANAGE_ACCOUNTS)


def test_an_officer_can_neither_open_nor_save_anothers_form(desk, git_project):
    # issue 29: an officer opens only the forms whose officer: names them (and forms that name nobody yet)
    client = desk(identify=lambda request: person(Role.OFFICER, name="คนอื่น"))
    values = form_values(editor(desk()))
    assert client.get("/forms/2569/08").status_code == 403
    assert client.get("/preview/2569/08.html").status_code == 403
    before = (git_project / FORM_08).read_bytes()
    values["obstacles"] = "แก้โดยคนอื่น"
    assert client.post("/forms/2569/08", data=values).status_code == 403
    assert (git_project / FORM_08).read_bytes() == before
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/start").text).group(1)
    assert client.post("/start/year", data={"csrf_token": token, "year": "2570", "source_year": "2569"}
                       ).status_code == 403


# --- Defences ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "forged", "other-session"])
def test_a_change_without_the_sessions_csrf_token_is_refused_and_nothing_is_written(desk, git_project,
                                                                                   token):
    client = desk()
    values = form_values(editor(client))
    values["obstacles"] = "ไม่ควรถูกบันทึก"
    if token is None:
        values.pop("csrf_token")
    elif token == "forged":
        values["csrf_token"] = "0" * 64
    else:
        values["csrf_token"] = form_values(editor(desk()))["csrf_token"]
    before, count = (git_project / FORM_08).read_bytes(), commits(git_project)
    response = client.post("/forms/2569/08", data=values)
    assert response.status_code == 403
    assert "เปิดหน้าใหม่แล้วลองอีกครั้ง" in response.text and 'lang="th"' in response.text
    assert (git_project / FORM_08).read_bytes() == before and commits(git_project) == count
    assert client.post("/forms/2569/08/check", data=values).status_code == 403


def test_every_response_carries_the_security_headers_and_the_session_cookie_is_strict(desk):
    client = desk()
    for path in ("/", "/forms/2569/08", "/forms/2569/99", "/static/desk.js", "/preview/2569/08.html"):
        headers = client.get(path).headers
        policy = headers["content-security-policy"]
        assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
        assert "frame-ancestors 'self'" in policy
        assert headers["x-frame-options"] == "SAMEORIGIN"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
    cookie = desk().get("/").headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie


def test_no_page_has_an_inline_script_or_style(desk):
    client = desk()
    for path in ("/", "/forms/2569/08", "/start", "/nowhere"):
        page = client.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)", page) and "<style" not in page and " style=" not in page
        assert not re.search(r" on[a-z]+=", page)


def test_error_pages_are_thai(desk):
    client = desk()
    missing = client.get("/forms/2569/99")
    assert missing.status_code == 404 and "ไม่พบหน้านี้" in missing.text and 'lang="th"' in missing.text
    assert client.get("/forms/2569/..%2F..%2Fsite").status_code == 404
    assert "ทำรายการนี้ไม่ได้" in client.put("/forms/2569/08").text


def test_a_failure_shows_the_thai_500_page_with_the_headers(desk, monkeypatch):
    from starlette.testclient import TestClient

    import reportgen.desk.app as app_module

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(app_module, "quarter_status", broken)
    client = TestClient(desk().app, raise_server_exceptions=False, base_url="http://127.0.0.1")
    response = client.get("/")
    assert response.status_code == 500 and "ระบบขัดข้อง" in response.text and "boom" not in response.text
    assert response.headers["x-content-type-options"] == "nosniff"


def test_a_body_over_the_limit_is_refused_before_it_is_read(desk):
    client = desk(max_evidence_bytes=1000, max_form_bytes=1000)
    token = form_values(editor(client))["csrf_token"]
    big = client.post("/forms/2569/08/evidence", data={"csrf_token": token},
                      files={"file": ("big.pdf", b"%PDF-" + b"0" * 5000, "application/pdf")})
    assert big.status_code == 413 and "ใหญ่เกินไป" in big.text

    def chunks():  # no Content-Length: counted as it streams in
        yield b"csrf_token=" + token.encode()
        for _ in range(10):
            yield b"&obstacles=" + b"x" * 500

    streamed = client.post("/forms/2569/08", content=chunks(),
                           headers={"content-type": "application/x-www-form-urlencoded"})
    assert streamed.status_code == 413


def test_the_secret_is_made_owner_only_outside_the_project_and_refused_inside_it(git_project, desk_settings):
    from reportgen.desk.app import create_app
    from reportgen.errors import UsageError

    settings = desk_settings()
    create_app(git_project, settings)
    assert settings.secret_file.stat().st_mode & 0o777 == 0o600 and len(settings.secret_file.read_bytes()) >= 32
    with pytest.raises(UsageError) as refused:
        create_app(git_project, desk_settings(secret_file=git_project / "content" / "desk-secret"))
    assert "git" in refused.value.text("th")
    assert not (git_project / "content" / "desk-secret").exists()


def test_requests_naming_another_host_are_refused(desk):
    assert desk().get("/", headers={"host": "attacker.example"}).status_code == 400


def test_the_desk_refuses_to_listen_beyond_this_computer_until_accounts_exist(git_project):
    done = run_reportgen("desk", "--host", "0.0.0.0", "--port", "0", cwd=git_project)
    assert done.returncode == 2
    assert "127.0.0.1" in done.stderr and "0.0.0.0" in done.stderr and OFFICER in done.stderr


# --- Evidence, new forms, new years, imports ---------------------------------------------------------------------


def test_evidence_is_stored_under_a_safe_readable_name_and_committed(desk, git_project):
    client = desk()
    token = form_values(editor(client))["csrf_token"]
    answer = client.post("/forms/2569/08/evidence", data={"csrf_token": token}, files={
        "file": ("C:\\Users\\สมใจ\\รายงาน สถิติ ต.ค.?\u200b.pdf", b"%PDF-1.7\n%test\n", "application/pdf")}).json()
    assert answer["file"] == "evidence/2569/รายงาน-สถิติ-ต.ค.pdf"
    assert (git_project / "content" / answer["file"]).read_bytes() == b"%PDF-1.7\n%test\n"
    assert git(git_project, "-c", "core.quotePath=false", "show", "--name-only", "--format=%an", "HEAD").split() == [
        *OFFICER.split(), "content/" + answer["file"]]
    again = client.post("/forms/2569/08/evidence", data={"csrf_token": token}, files={
        "file": ("รายงาน สถิติ ต.ค..pdf", b"%PDF-1.7\n", "application/pdf")}).json()
    assert again["file"] == "evidence/2569/รายงาน-สถิติ-ต.ค-2.pdf"  # never over another file


@pytest.mark.parametrize(("name", "data"), [
    ("report.pdf", b"\x89PNG\r\n\x1a\n...."),   # a picture called PDF
    ("table.xlsx", b"PK\x03\x04 not a zip"),
    ("run.exe", b"MZ"),
    ("notes.txt", b"\xff\xfe\x00a"),
    ("empty.pdf", b""),
])
def test_evidence_whose_bytes_are_not_what_its_name_says_is_refused(desk, git_project, name, data):
    client = desk()
    token = form_values(editor(client))["csrf_token"]
    response = client.post("/forms/2569/08/evidence", data={"csrf_token": token},
                           files={"file": (name, data, "application/octet-stream")})
    assert response.status_code == 400 and response.json()["error"]
    assert not (git_project / "content" / "evidence").exists()


def test_starting_a_form_and_a_year_is_what_new_does_committed(desk, git_project):
    client = desk()
    token = form_values(editor(client))["csrf_token"]
    response = client.post("/start/form", data={"csrf_token": token, "code": "10", "year": "2569",
                                                "source": "2569/08"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/forms/2569/10"
    assert (git_project / "content/indicators/2569/10.yaml").is_file()
    assert git(git_project, "log", "-1", "--format=%s").startswith("เริ่มแบบฟอร์มตัวชี้วัด 10")
    response = client.post("/start/year", data={"csrf_token": token, "year": "2570", "source_year": "2569"},
                           follow_redirects=False)
    assert response.status_code == 303
    assert sorted(path.name for path in (git_project / "content/indicators/2570").iterdir()) == [
        "08.yaml", "09.yaml", "10.yaml"]
    assert git(git_project, "status", "--porcelain", "content") == ""  # all committed
    refused = client.post("/start/form", data={"csrf_token": token, "code": "08", "year": "2569"})
    assert refused.status_code == 422 and "มีอยู่แล้ว" in refused.text


def test_importing_a_bma_export_by_upload_makes_the_form(desk, git_project):
    client = desk()
    token = form_values(editor(client))["csrf_token"]
    response = client.post("/start/import", data={"csrf_token": token, "year": "2564"},
                           files={"export": ("kpi-08-form.txt", REFERENCE_FORM.read_bytes(), "text/plain")},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    imported = load_file(git_project / "content/indicators/2564/08.yaml", git_project, Indicator)
    assert imported.ok and "ห้องสมุด" in imported.model.name
    assert git(git_project, "status", "--porcelain", "content") == ""


# --- Logs --------------------------------------------------------------------------------------------------------


def test_the_log_has_one_line_per_request_and_per_change_naming_who(desk, caplog):
    caplog.set_level(logging.INFO, logger="reportgen.desk")
    client = desk()
    values = form_values(editor(client))
    values["obstacles"] = "ไม่มี"
    client.post("/forms/2569/08", data=values, follow_redirects=False)
    lines = [record.getMessage() for record in caplog.records if record.name.startswith("reportgen.desk")]
    login = subprocess.run(["id", "-un"], capture_output=True, text=True).stdout.strip()
    assert any(re.fullmatch(rf'testclient {login} "GET /forms/2569/08" 200 \d+ (ms|มิลลิวินาที)', line) for line in lines), lines
    assert any(re.fullmatch(rf'testclient {login} "POST /forms/2569/08" 303 \d+ (ms|มิลลิวินาที)', line) for line in lines), lines
    assert any(str(FORM_08) in line and OFFICER in line and "commit" in line for line in lines), lines


def test_a_failed_push_is_shown_kept_and_sent_again(desk, git_project):
    remote = git(git_project, "remote", "get-url", "origin")
    git(git_project, "remote", "set-url", "origin", str(git_project.parent / "gone.git"))
    client = desk()
    values = form_values(editor(client))
    values["obstacles"] = "เครือข่ายขัดข้อง"
    assert client.post("/forms/2569/08", data=values, follow_redirects=False).status_code == 303
    assert client.app.state.desk.pusher.wait()  # the push, after the save, failed
    page = client.get("/forms/2569/08").text
    assert "บันทึกแล้ว" in page and "ยังส่งขึ้นเครื่องกลางไม่ได้" in page
    overview = client.get("/").text
    assert "มีการบันทึกที่ยังไม่ได้ส่งขึ้นเครื่องกลาง" in overview
    git(git_project, "remote", "set-url", "origin", remote)
    token = form_values(overview, "push-form")["csrf_token"]
    assert client.post("/push", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    assert "ส่งขึ้นเครื่องกลางครบแล้ว" in client.get("/").text
    assert git(git_project, "rev-parse", "HEAD") == git(git_project, "rev-parse", "origin/main")


@pytest.mark.e2e  # a fresh `python -m reportgen desk` process
def test_the_desk_command_serves_and_logs_each_request_with_a_time(git_project, tmp_path):
    import os
    import socket
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = os.environ | {"REPORTGEN_DESK_SECRET_FILE": str(tmp_path / "secret"), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "-m", "reportgen", "desk", "--port", str(port)], cwd=git_project,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/forms/2569/08", timeout=5).read()
                break
            except OSError:
                assert time.monotonic() < deadline and process.poll() is None, process.stderr.read()
                time.sleep(0.2)
        assert "บันทึก".encode() in page
    finally:
        process.terminate()
        out, err = process.communicate(timeout=30)
    assert f"http://127.0.0.1:{port}/" in out and OFFICER in out
    assert re.search(r'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ INFO 127\.0\.0\.1 \S+ "GET /forms/2569/08" 200 ', err, re.M), err
