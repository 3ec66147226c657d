"""render/opendata.py: the CSV and JSON files a journalist or a program downloads, read back as they would read them."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal

import pandas as pd
import pytest
from projects import REPO_ROOT, multi_year_files, real_indicator, real_site, signed_off, write_project

from reportgen.content.project import load_project
from reportgen.render import opendata

BASE_URL = real_site()["base_url"]


@pytest.fixture(scope="module")
def records(tmp_path_factory) -> list[dict]:
    project = load_project(write_project(tmp_path_factory.mktemp("data"), multi_year_files()))
    return opendata.indicator_records(project.entries, BASE_URL)


def csv_rows(data: bytes) -> list[dict]:
    assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the UTF-8 byte-order mark to read Thai"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_has_the_documented_columns_and_one_row_per_indicator_and_year(records):
    rows = csv_rows(opendata.indicators_csv(records))
    assert list(rows[0]) == list(opendata.COLUMN_NAMES)
    assert [(row["fiscal_year"], row["code"]) for row in rows] == [
        ("2564", "08"), ("2565", "08"), ("2565", "09"), ("2565", "10")]


def test_csv_numbers_are_plain_and_machine_readable(records):
    rows = {(row["fiscal_year"], row["code"]): row for row in csv_rows(opendata.indicators_csv(records))}
    real = rows["2564", "08"]
    assert (real["target"], real["result"], real["percent_of_target"]) == ("3", "36", "1200")
    assert (real["status"], real["status_label"], real["last_quarter"], real["reported_quarters"]) == (
        "met", "บรรลุเป้าหมาย", "4", "1 2 3 4")
    assert rows["2565", "08"]["percent_of_target"] == "66.67" and rows["2565", "08"]["status"] == "not_met"
    unreported = rows["2565", "09"]
    assert (unreported["result"], unreported["percent_of_target"], unreported["last_quarter"]) == ("", "", "")
    assert unreported["status"] == "not_reported" and unreported["reported_quarters"] == ""
    assert real["page_url"] == BASE_URL + "2564/08.html" and real["pdf_url"] == BASE_URL + "2564/08.pdf"
    assert real["name"] == real_indicator()["name"], "Thai text kept exactly as written"


def test_json_has_numbers_nulls_lists_and_documents_its_columns(records):
    document = json.loads(opendata.indicators_json(records, site_title="t", base_url=BASE_URL))
    assert [column["name"] for column in document["columns"]] == list(opendata.COLUMN_NAMES)
    assert all(column["description"] for column in document["columns"])
    real, below, unreported, over = document["indicators"]
    assert (real["target"], real["result"], real["percent_of_target"]) == (3, 36, 1200)
    assert isinstance(real["result"], int) and real["reported_quarters"] == [1, 2, 3, 4]
    assert below["percent_of_target"] == 66.67 and below["reported_quarters"] == [1, 2]
    assert unreported["result"] is None and unreported["percent_of_target"] is None
    assert unreported["last_quarter"] is None and unreported["reported_quarters"] == []
    assert over["percent_of_target"] == 120 and list(real) == list(opendata.COLUMN_NAMES)


def test_thai_digits_on_the_site_never_reach_the_data(tmp_path):
    project = load_project(write_project(tmp_path, {"indicators/2564/08.yaml": real_indicator()},
                                         site=real_site() | {"digits": "thai"}))
    records = opendata.indicator_records(project.entries, BASE_URL)
    for data in (opendata.indicators_csv(records), opendata.indicators_json(records, site_title="t", base_url="x")):
        assert not re.search("[๐-๙]", data.decode("utf-8-sig"))  # the content itself has none


@pytest.mark.parametrize("value, text", [
    ("36", "36"), ("36.0", "36"), ("36.00", "36"), ("2.50", "2.5"), ("1E+3", "1000"), ("0.00", "0"),
    ("1200.000000000000000000000", "1200"), ("66.67", "66.67"),
])
def test_plain_number(value, text):
    assert opendata.plain_number(Decimal(value)) == text


def test_every_column_is_documented_in_the_readme():
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    for column in opendata.COLUMN_NAMES:
        assert f"| `{column}` |" in readme, f"README does not document the column {column}"


# --- Spreadsheet formulas (OWASP CSV injection), the signed column, the quarters table ----------------------------

FORMULA_NAME = '=HYPERLINK("http://x","y")'


def test_csv_neutralises_formulas_in_text_and_keeps_numbers_numbers(tmp_path):
    """A name a spreadsheet would run as a formula gets an apostrophe in the CSV and stays as written in the JSON;
    a negative number (never from content, which has none, but from any future column) stays a number."""
    formula = real_indicator() | {"name": FORMULA_NAME, "agency": "@สำนัก", "target": {"value": 3, "unit": "-ห้อง"}}
    project = load_project(write_project(tmp_path, {"indicators/2564/08.yaml": formula}))
    records = opendata.indicator_records(project.entries, BASE_URL)
    records[0] |= {"result": Decimal("-5"), "percent_of_target": Decimal("-166.67")}
    (row,) = csv_rows(opendata.indicators_csv(records))
    assert (row["name"], row["agency"], row["unit"]) == ("'" + FORMULA_NAME, "'@สำนัก", "'-ห้อง")
    assert (row["result"], row["percent_of_target"]) == ("-5", "-166.67")
    path = tmp_path / "indicators.csv"
    path.write_bytes(opendata.indicators_csv(records))
    frame = pd.read_csv(path)
    assert frame["result"].iloc[0] == -5 and frame["percent_of_target"].iloc[0] == -166.67
    assert frame["name"].iloc[0] == "'" + FORMULA_NAME
    (json_row,) = json.loads(opendata.table_json(opendata.INDICATORS, records))
    assert json_row["name"] == FORMULA_NAME and json_row["result"] == -5, "JSON keeps the text as written"


def test_signed_says_whether_the_form_is_signed_off(tmp_path):
    signed = signed_off(real_indicator(), position="บรรณารักษ์")
    by_hand = real_indicator() | {"code": "10", "signoff": {"name": "ก", "position": "ข", "date": "2021-10-20"}}
    draft = real_indicator() | {"code": "09"}
    draft.pop("signoff", None)
    edited = signed_off(real_indicator() | {"code": "11"}) | {"name": "ชื่อที่แก้หลังลงนาม"}
    project = load_project(write_project(tmp_path, {"indicators/2564/08.yaml": signed, "indicators/2564/09.yaml": draft,
                                                    "indicators/2564/10.yaml": by_hand,
                                                    "indicators/2564/11.yaml": edited}))  # fmt: skip
    records = opendata.indicator_records(project.entries, BASE_URL)
    rows = csv_rows(opendata.indicators_csv(records))
    assert [(row["code"], row["signed"], row["signed_on"]) for row in rows] == [
        ("08", "true", "2021-10-20"), ("09", "false", ""), ("10", "false", ""), ("11", "false", "")]
    assert [row["signed"] for row in json.loads(opendata.table_json(opendata.INDICATORS, records))] == [
        True, False, False, False]  # only a sign-off that holds for the text: not one written by hand, nor an edited one
    quarters = opendata.quarter_records(project.entries)
    assert [row["signed"] for row in quarters] == [True] * 4 + [False] * 12


def test_quarters_table_has_four_rows_per_indicator_with_the_cumulative_result(tmp_path):
    project = load_project(write_project(tmp_path, multi_year_files()))
    records = opendata.quarter_records(project.entries)
    rows = csv_rows(opendata.table_csv(opendata.QUARTERS, records))
    assert list(rows[0]) == list(opendata.QUARTERS.column_names)
    assert len(rows) == 16
    below = [row for row in rows if (row["fiscal_year"], row["code"]) == ("2565", "08")]
    assert [(row["quarter"], row["reported"], row["result"], row["percent_of_target"]) for row in below] == [
        ("1", "true", "1", "33.33"), ("2", "true", "2", "66.67"), ("3", "false", "", ""), ("4", "false", "", "")]
    assert [(row["quarter_start"], row["quarter_end"]) for row in below] == [
        ("2021-10-01", "2021-12-31"), ("2022-01-01", "2022-03-31"), ("2022-04-01", "2022-06-30"),
        ("2022-07-01", "2022-09-30")]
    real = [row for row in rows if row["fiscal_year"] == "2564"]
    assert [(row["reported"], row["result"]) for row in real] == [("true", "")] * 3 + [("true", "36")]
    unreported = [row for row in rows if row["code"] == "09"]
    assert {(row["reported"], row["result"]) for row in unreported} == {("false", "")}
    (first, *_) = json.loads(opendata.table_json(opendata.QUARTERS, records))
    assert first == {"fiscal_year": 2564, "code": "08", "quarter": 1, "quarter_start": "2020-10-01",
                     "quarter_end": "2020-12-31", "reported": True, "result": None, "percent_of_target": None,
                     "signed": first["signed"]}


def test_every_column_of_every_table_is_documented_in_the_readme():
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("#### The quarters table", 1)[1]
    for column in opendata.QUARTERS.columns:
        assert f"| `{column.name}` |" in section, f"README does not document the quarters column {column.name}"
