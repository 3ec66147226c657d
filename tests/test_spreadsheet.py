"""reportgen.spreadsheet: the one CSV writer, and that every CSV reportgen writes goes through it."""

from __future__ import annotations

import ast
import csv
import io

import pytest
from projects import REPO_ROOT

from reportgen import spreadsheet
from reportgen.spreadsheet import Column, csv_text

FORMULA_NAME = '=HYPERLINK("http://x","y")'


@pytest.mark.parametrize("text, safe", [
    (FORMULA_NAME, "'" + FORMULA_NAME), ("+66 2 123 4567", "'+66 2 123 4567"), ("-5", "'-5"), ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("\tข้อความ", "'\tข้อความ"), ("\r=1", "'\r=1"), ("ร้อยละ = 5", "ร้อยละ = 5"), ("08", "08"), ("", ""),
])  # fmt: skip
def test_spreadsheet_safe(text, safe):
    assert spreadsheet.spreadsheet_safe(text) == safe


def test_text_cells_are_neutralised_and_number_cells_kept():
    text = csv_text([Column("name"), Column("result", text=False)], [[FORMULA_NAME, "-5"], ["ห้องสมุด", "3"]])
    assert text.startswith("\ufeffname,result\r\n")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows == [["name", "result"], ["'" + FORMULA_NAME, "-5"], ["ห้องสมุด", "3"]]


def test_every_csv_is_written_by_the_one_writer():
    """No module but spreadsheet.py uses the csv module to write: a new CSV must go through csv_text."""
    writers = []
    for path in sorted((REPO_ROOT / "reportgen").rglob("*.py")):
        if path.name == "spreadsheet.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("writer", "DictWriter"):
                if isinstance(node.value, ast.Name) and node.value.id == "csv":
                    writers.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno}")
    assert writers == []
