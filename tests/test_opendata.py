"""opendata.py: the CSV and JSON files a journalist or a program downloads, read back as they would read them."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal

import pytest

from conftest import REPO_ROOT, real_indicator, real_site, write_project
from reportgen import opendata
from reportgen.load import load_project
from test_site import multi_year_files

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
