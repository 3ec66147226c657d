"""Every indicator of every fiscal year → the site's open data tables, as CSV and as JSON.

Two tables (``TABLES``), the same figures as the site (``standing.py``), in a form programs read: Arabic digits, a dot
for decimals, no thousands separators, whatever ``site.digits`` says for the pages.

- ``indicators``: one row per indicator and fiscal year: ``indicators.csv``, ``indicators-records.json`` (an array
  of row objects, which ``pandas.read_json`` and ``frictionless`` read as a table), and ``indicators.json``, the
  document published first (``columns`` and ``indicators``), kept as it is for whoever reads it already.
- ``quarters``: one row per indicator, fiscal year and quarter (1–4), whether reported and the cumulative result:
  ``quarters.csv`` and ``quarters.json`` (an array of row objects).

The CSV files are written by reportgen's one CSV writer (``spreadsheet.py``): a UTF-8 byte-order mark, without which
Excel opens the Thai text as mojibake, and a text cell that a spreadsheet would run as a formula (``=``, ``+``,
``-``, ``@``, tab, carriage return first) starts with an apostrophe (OWASP's advice against CSV injection); number
cells are never touched, and the JSON keeps the text as written. ``Column`` documents each column once, for the README, the data page, the JSON document and the Table
Schema of ``datapackage.json`` (``datacatalog.py``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from reportgen import spreadsheet, thai, wording
from reportgen.model import Entry
from reportgen.standing import STATUS_LABELS, Reporting, status_of

CSV_NAME = "indicators.csv"
JSON_NAME = "indicators.json"
RECORDS_JSON_NAME = "indicators-records.json"
QUARTERS_CSV_NAME = "quarters.csv"
QUARTERS_JSON_NAME = "quarters.json"

#: What a CSV cell holds for "no value yet" (``null`` in JSON).
MISSING = ""

#: Booleans in the CSV, as Table Schema reads them by default and pandas too.
TRUE, FALSE = "true", "false"

#: The types of ``Column.type``: what README, data page and ``indicators.json`` say (``datacatalog.py`` maps them to
#: Table Schema types).
COLUMN_TYPES = ("string", "integer", "number", "boolean", "date", "integer list")


class _Worded:
    """What a column or table says about itself, in Thai and English, from the catalog entries it names."""

    title_key: str
    description_key: str

    @property
    def title(self) -> str:
        return wording.label(self.title_key, "th")

    @property
    def title_en(self) -> str:
        return wording.label(self.title_key, "en")

    @property
    def description(self) -> str:
        return wording.label(self.description_key, "th")

    @property
    def description_en(self) -> str:
        return wording.label(self.description_key, "en")


@dataclass(frozen=True)
class Column(_Worded):
    """One column of the open data: its name, its type (``COLUMN_TYPES``), an example, the catalog keys of its short
    title and of what it means (``title``, ``description``: Thai; ``title_en``, ``description_en``), and the Table
    Schema constraints its values keep."""

    name: str
    type: str
    example: str
    title_key: str
    description_key: str
    constraints: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Table(_Worded):
    """One published table: its files, what it is (``title``, ``description``, in Thai and English, from the catalog
    keys it names), its columns and keys."""

    name: str
    csv_name: str
    json_name: str  # the array of row objects
    title_key: str
    description_key: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    references: str | None = None  # the table whose primary key ``primary_key[:2]`` refers to

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)


_CODE_PATTERN = "[0-9A-Za-z][0-9A-Za-z._-]{0,15}"  # model.Indicator.code
_YEAR: dict[str, object] = {"required": True, "minimum": 2500, "maximum": 2700}  # model.MIN_FISCAL_YEAR, MAX_FISCAL_YEAR
_QUARTER: dict[str, object] = {"minimum": 1, "maximum": 4}

FISCAL_YEAR = Column("fiscal_year", "integer", "2564", "data_fiscal_year_title", "data_fiscal_year", _YEAR)
CODE = Column("code", "string", "08", "data_code_title", "data_code", {"required": True, "pattern": _CODE_PATTERN})
SIGNED = Column("signed", "boolean", "true", "data_signed_title", "data_signed", {"required": True})

INDICATOR_COLUMNS: tuple[Column, ...] = (
    FISCAL_YEAR,
    CODE,
    Column("name", "string", wording.label("data_name_example", "th"), "data_name_title", "data_name", {"required": True}),
    Column("agency", "string", wording.label("data_agency_example", "th"), "data_agency_title", "data_agency", {"required": True}),
    Column("result_type", "string", "output", "data_result_type_title", "data_result_type", {"required": True, "enum": ["output", "outcome"]}),
    Column("target", "number", "3", "data_target_title", "data_target", {"required": True, "minimum": 0}),
    Column("unit", "string", wording.label("data_unit_example", "th"), "data_unit_title", "data_unit", {"required": True}),
    Column("result", "number", "36", "data_result_title", "data_result", {"minimum": 0}),
    Column("percent_of_target", "number", "1200", "data_percent_of_target_title", "data_percent_of_target", {"minimum": 0}),
    Column("status", "string", "met", "data_status_title", "data_status", {"required": True, "enum": list(STATUS_LABELS)}),
    Column("status_label", "string", STATUS_LABELS["met"], "data_status_label_title", "data_status_label", {"required": True, "enum": list(STATUS_LABELS.values())}),
    Column("last_quarter", "integer", "4", "data_last_quarter_title", "data_last_quarter", _QUARTER),
    Column("reported_quarters", "integer list", "1 2 3 4", "data_reported_quarters_title", "data_reported_quarters"),
    Column("signed_on", "date", "2021-10-20", "data_signed_on_title", "data_signed_on"),
    Column("page_url", "string", "https://www.bangkoklibrary.go.th/kpi/2564/08.html", "data_page_url_title", "data_page_url", {"required": True}),
    Column("pdf_url", "string", "https://www.bangkoklibrary.go.th/kpi/2564/08.pdf", "data_pdf_url_title", "data_pdf_url", {"required": True}),
    SIGNED,
)

QUARTER_COLUMNS: tuple[Column, ...] = (
    FISCAL_YEAR,
    CODE,
    Column("quarter", "integer", "1", "data_quarter_title", "data_quarter", {"required": True} | _QUARTER),
    Column("quarter_start", "date", "2020-10-01", "data_quarter_start_title", "data_quarter_start", {"required": True}),
    Column("quarter_end", "date", "2020-12-31", "data_quarter_end_title", "data_quarter_end", {"required": True}),
    Column("reported", "boolean", "true", "data_reported_title", "data_reported", {"required": True}),
    Column("result", "number", "36", "data_quarter_result_title", "data_quarter_result", {"minimum": 0}),
    Column("percent_of_target", "number", "1200", "data_quarter_percent_of_target_title", "data_quarter_percent_of_target", {"minimum": 0}),
    SIGNED,
)

INDICATORS = Table(
    name="indicators",
    csv_name=CSV_NAME,
    json_name=RECORDS_JSON_NAME,
    title_key="data_table_indicators_title",
    description_key="data_table_indicators",
    columns=INDICATOR_COLUMNS,
    primary_key=("fiscal_year", "code"),
)

QUARTERS = Table(
    name="quarters",
    csv_name=QUARTERS_CSV_NAME,
    json_name=QUARTERS_JSON_NAME,
    title_key="data_table_quarters_title",
    description_key="data_table_quarters",
    columns=QUARTER_COLUMNS,
    primary_key=("fiscal_year", "code", "quarter"),
    references="indicators",
)

TABLES: tuple[Table, ...] = (INDICATORS, QUARTERS)

#: The columns of the indicators table, for the README, the data page and ``indicators.json``.
COLUMNS = INDICATOR_COLUMNS
COLUMN_NAMES: tuple[str, ...] = INDICATORS.column_names

#: Percentages are rounded as people round by hand, to two places: 2 of 3 is 66.67.
PERCENT_PLACES = Decimal("0.01")


def plain_number(value: Decimal) -> str:
    """A number as programs read it: ``Decimal("36.0")`` → ``"36"``, ``Decimal("2.50")`` → ``"2.5"``, never ``1E+3``."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def json_number(value: Decimal) -> int | float:
    """The JSON number of a Decimal: whole numbers as integers; others through their shortest exact text."""
    text = plain_number(value)
    return float(text) if "." in text else int(text)


def site_url(base_url: str, path: str) -> str:
    """An absolute URL of a file of the published site, from ``base_url`` (with or without its final slash)."""
    return f"{base_url.rstrip('/')}/{path}"


def _percent(value: Decimal | None) -> Decimal | None:
    return value.quantize(PERCENT_PLACES, rounding=ROUND_HALF_UP) if value is not None else None


def indicator_records(entries: Iterable[Entry], base_url: str, *, reporting: Reporting | None = None) -> list[dict[str, Any]]:
    """One record per entry, in the order given (the project's: year, then code), values as Python types, with the
    status as of ``reporting`` (the build's; default now).

    Numbers are Decimals (None when absent); ``reported_quarters`` is a tuple of ints.
    """
    records = []
    for entry in entries:
        indicator = entry.indicator
        status = status_of(indicator, reporting)
        records.append({
            "fiscal_year": indicator.fiscal_year,
            "code": indicator.code,
            "name": indicator.name,
            "agency": indicator.agency,
            "result_type": indicator.result_type,
            "target": status.target,
            "unit": indicator.target.unit,
            "result": status.result,
            "percent_of_target": _percent(status.percent),
            "status": status.status,
            "status_label": status.label,
            "last_quarter": status.last_quarter,
            "reported_quarters": status.reported_quarters,
            "signed_on": indicator.signoff.date.isoformat() if entry.signed and indicator.signoff else None,
            "page_url": site_url(base_url, f"{entry.slug}.html"),
            "pdf_url": site_url(base_url, f"{entry.slug}.pdf"),
            "signed": entry.signed,
        })
    return records


def quarter_records(entries: Iterable[Entry]) -> list[dict[str, Any]]:
    """Four records per entry, quarters 1–4 in order, reported or not: the cumulative result each quarter reports."""
    records = []
    for entry in entries:
        indicator = entry.indicator
        reports = dict(indicator.quarters.reported())
        for quarter in thai.QUARTERS:
            start, end = thai.quarter_period(indicator.fiscal_year, quarter)
            report = reports.get(quarter)
            result = report.result if report is not None else None
            records.append({
                "fiscal_year": indicator.fiscal_year,
                "code": indicator.code,
                "quarter": quarter,
                "quarter_start": start.isoformat(),
                "quarter_end": end.isoformat(),
                "reported": report is not None,
                "result": result,
                "percent_of_target": _percent(thai.percent_of_target(result, indicator.target.value)),
                "signed": entry.signed,
            })
    return records


def _csv_cell(value: object) -> str:
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return TRUE if value else FALSE
    if isinstance(value, Decimal):
        return plain_number(value)
    if isinstance(value, tuple):
        return " ".join(str(item) for item in value)
    return str(value)


def _json_value(value: object) -> object:
    if isinstance(value, Decimal):
        return json_number(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def table_csv(table: Table, records: list[dict[str, Any]]) -> bytes:
    """A table's CSV file: a header row of its column names, one row per record, UTF-8 with a byte-order mark, CRLF
    line ends. Only string columns are text: a number, a date or a list never starts a formula, and a negative
    number stays a number."""
    columns = [spreadsheet.Column(column.name, text=column.type == "string") for column in table.columns]
    rows = ([_csv_cell(record[column.name]) for column in table.columns] for record in records)
    return spreadsheet.csv_text(columns, rows).encode("utf-8")


def json_rows(table: Table, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records as JSON objects, keys in the table's column order."""
    return [{name: _json_value(record[name]) for name in table.column_names} for record in records]


def table_json(table: Table, records: list[dict[str, Any]]) -> bytes:
    """A table as JSON: an array of row objects, one per record (what ``pandas.read_json`` reads as a table)."""
    return _json_bytes(json_rows(table, records))


def indicators_csv(records: list[dict[str, Any]]) -> bytes:
    """``indicators.csv``: the indicators table as CSV."""
    return table_csv(INDICATORS, records)


def indicators_json(records: list[dict[str, Any]], *, site_title: str, base_url: str, about: Mapping[str, Any] | None = None) -> bytes:
    """``indicators.json``, the document published first: what it is (``about``: the licence and the publisher,
    ``catalog.about``), its columns documented, and ``indicators``, one object per record."""
    document = {
        "title": site_title,
        "source": base_url,
        **(dict(about) if about else {}),
        "columns": [
            {"name": column.name, "type": column.type, "description": column.description} for column in COLUMNS
        ],
        "indicators": json_rows(INDICATORS, records),
    }
    return _json_bytes(document)


def _json_bytes(value: object) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
