"""Every indicator of every fiscal year → the site's open data tables, as CSV and as JSON.

Two tables (``TABLES``), the same figures as the site (``status.py``), in a form programs read: Arabic digits, a dot
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
Schema of ``datapackage.json`` (``catalog.py``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from reportgen import spreadsheet, thai
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

#: The types of ``Column.type``: what README, data page and ``indicators.json`` say (``catalog.py`` maps them to
#: Table Schema types).
COLUMN_TYPES = ("string", "integer", "number", "boolean", "date", "integer list")


@dataclass(frozen=True)
class Column:
    """One column of the open data: its name, its type (``COLUMN_TYPES``), what it means (Thai) and an example;
    a short title in Thai and English, the meaning in English, and the Table Schema constraints its values keep."""

    name: str
    type: str
    description: str
    example: str
    title: str
    title_en: str
    description_en: str
    constraints: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Table:
    """One published table: its files, what it is (Thai and English), its columns and keys."""

    name: str
    csv_name: str
    json_name: str  # the array of row objects
    title: str
    title_en: str
    description: str
    description_en: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    references: str | None = None  # the table whose primary key ``primary_key[:2]`` refers to

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)


_CODE_PATTERN = "[0-9A-Za-z][0-9A-Za-z._-]{0,15}"  # model.Indicator.code
_YEAR = {"required": True, "minimum": 2500, "maximum": 2700}  # model.MIN_FISCAL_YEAR, MAX_FISCAL_YEAR
_QUARTER = {"minimum": 1, "maximum": 4}

FISCAL_YEAR = Column(
    "fiscal_year", "integer", "ปีงบประมาณ พ.ศ. (1 ต.ค. – 30 ก.ย.)", "2564",
    "ปีงบประมาณ", "Fiscal year", "Fiscal year in the Buddhist Era (1 October – 30 September); subtract 543 for CE.",
    _YEAR,
)
CODE = Column(
    "code", "string", "รหัสตัวชี้วัด (ข้อความ คงเลข 0 นำหน้า)", "08",
    "รหัสตัวชี้วัด", "Indicator code", "Indicator code, a text that keeps its leading zeros (08, not 8).",
    {"required": True, "pattern": _CODE_PATTERN},
)
SIGNED = Column(
    "signed", "boolean", "ผู้รับผิดชอบลงนามแล้ว (true) หรือยังเป็นฉบับร่าง (false)", "true",
    "ลงนามแล้ว", "Signed off", "true once the responsible person has signed the form off; false for a draft.",
    {"required": True},
)

INDICATOR_COLUMNS: tuple[Column, ...] = (
    FISCAL_YEAR,
    CODE,
    Column("name", "string", "ชื่อตัวชี้วัด", "จำนวนห้องสมุดเพื่อการเรียนรู้…",
           "ชื่อตัวชี้วัด", "Indicator name", "The indicator's name, in Thai, as on the form.", {"required": True}),
    Column("agency", "string", "หน่วยงานที่รายงาน", "สำนักวัฒนธรรม กีฬา และการท่องเที่ยว",
           "หน่วยงาน", "Agency", "The reporting agency.", {"required": True}),
    Column("result_type", "string", "ระดับความสำเร็จ: output (ผลผลิต) หรือ outcome (ผลลัพธ์)", "output",
           "ระดับความสำเร็จ", "Result type", "output or outcome.",
           {"required": True, "enum": ["output", "outcome"]}),
    Column("target", "number", "ค่าเป้าหมาย", "3",
           "ค่าเป้าหมาย", "Target", "The target, in the indicator's unit.", {"required": True, "minimum": 0}),
    Column("unit", "string", "หน่วยนับของเป้าหมายและผลงาน", "ห้อง",
           "หน่วยนับ", "Unit", "Unit of the target and the result (Thai).", {"required": True}),
    Column("result", "number", "ผลงานที่ทำได้ (ว่าง = ยังไม่รายงานผล)", "36",
           "ผลงาน", "Result", "The result achieved (empty: not reported yet).", {"minimum": 0}),
    Column("percent_of_target", "number", "ผลงานคิดเป็นร้อยละของเป้าหมาย ปัดเศษ 2 ตำแหน่ง (ว่าง = ยังไม่มีผล)", "1200",
           "ร้อยละของเป้าหมาย", "Percent of target",
           "The result as a percentage of the target, rounded half up to 2 places (empty: no result yet).",
           {"minimum": 0}),
    Column("status", "string",
           "สถานะ: met (บรรลุ) in_progress (อยู่ระหว่างดำเนินการ ปีงบประมาณยังไม่สิ้นสุด)"
           " not_met (ยังไม่บรรลุ เมื่อสิ้นปีงบประมาณ) not_reported (ยังไม่รายงานผล)", "met",
           "สถานะ", "Status",
           "met (target reached), in_progress (below target, the fiscal year not over),"
           " not_met (below target at the year's end), or not_reported.",
           {"required": True, "enum": list(STATUS_LABELS)}),
    Column("status_label", "string", "สถานะเป็นภาษาไทย ตามที่แสดงบนเว็บไซต์", "บรรลุเป้าหมาย",
           "สถานะ (ข้อความ)", "Status label", "The status in Thai, as the site shows it.",
           {"required": True, "enum": list(STATUS_LABELS.values())}),
    Column("last_quarter", "integer", "ไตรมาสล่าสุดที่รายงานผล 1–4 (ว่าง = ยังไม่รายงาน)", "4",
           "ไตรมาสล่าสุด", "Last quarter reported", "The latest quarter reported, 1–4 (empty: none yet).", _QUARTER),
    Column("reported_quarters", "integer list", "ไตรมาสที่รายงานผลแล้ว (CSV: คั่นด้วยเว้นวรรค, JSON: array)", "1 2 3 4",
           "ไตรมาสที่รายงานแล้ว", "Quarters reported",
           "The quarters reported (CSV: separated by spaces, empty for none; JSON: an array)."),
    Column("signed_on", "date", "วันที่ผู้รับผิดชอบลงนาม แบบ ค.ศ. ปี-เดือน-วัน (ว่าง = ฉบับร่าง)", "2021-10-20",
           "วันที่ลงนาม", "Signed on", "Date of the sign-off, ISO 8601, Christian Era (empty: a draft)."),
    Column("page_url", "string", "หน้าเว็บของแบบรายงาน", "https://www.bangkoklibrary.go.th/kpi/2564/08.html",
           "หน้าเว็บ", "Web page", "The form's web page.", {"required": True}),
    Column("pdf_url", "string", "ไฟล์ PDF ของแบบรายงาน", "https://www.bangkoklibrary.go.th/kpi/2564/08.pdf",
           "ไฟล์ PDF", "PDF", "The form as a PDF.", {"required": True}),
    SIGNED,
)

QUARTER_COLUMNS: tuple[Column, ...] = (
    FISCAL_YEAR,
    CODE,
    Column("quarter", "integer", "ไตรมาส 1–4 (ไตรมาส 1 = ต.ค.–ธ.ค.)", "1",
           "ไตรมาส", "Quarter", "Fiscal quarter 1–4; quarter 1 is October–December.", {"required": True} | _QUARTER),
    Column("quarter_start", "date", "วันแรกของไตรมาส แบบ ค.ศ. ปี-เดือน-วัน", "2020-10-01",
           "วันเริ่มไตรมาส", "Quarter start", "First day of the quarter, ISO 8601.", {"required": True}),
    Column("quarter_end", "date", "วันสุดท้ายของไตรมาส แบบ ค.ศ. ปี-เดือน-วัน", "2020-12-31",
           "วันสิ้นไตรมาส", "Quarter end", "Last day of the quarter, ISO 8601.", {"required": True}),
    Column("reported", "boolean", "รายงานผลไตรมาสนี้แล้ว (true) หรือยัง (false)", "true",
           "รายงานแล้ว", "Reported", "true if the quarter's report is written.", {"required": True}),
    Column("result", "number", "ผลงานสะสม ณ สิ้นไตรมาส (ว่าง = ไม่ได้รายงานตัวเลข)", "36",
           "ผลงานสะสม", "Cumulative result", "The cumulative result at the end of the quarter (empty: none reported).",
           {"minimum": 0}),
    Column("percent_of_target", "number", "ผลงานสะสมคิดเป็นร้อยละของเป้าหมาย ปัดเศษ 2 ตำแหน่ง (ว่าง = ไม่มีผล)", "1200",
           "ร้อยละของเป้าหมาย", "Percent of target",
           "The cumulative result as a percentage of the year's target, rounded half up to 2 places.", {"minimum": 0}),
    SIGNED,
)

INDICATORS = Table(
    name="indicators",
    csv_name=CSV_NAME,
    json_name=RECORDS_JSON_NAME,
    title="ผลการดำเนินงานตามตัวชี้วัด รายปี",
    title_en="KPI results by fiscal year",
    description="หนึ่งแถวต่อหนึ่งตัวชี้วัดในหนึ่งปีงบประมาณ: เป้าหมาย ผลงาน ร้อยละของเป้าหมาย สถานะ และการลงนาม",
    description_en="One row per indicator and fiscal year: target, result, percent of target, status and sign-off.",
    columns=INDICATOR_COLUMNS,
    primary_key=("fiscal_year", "code"),
)

QUARTERS = Table(
    name="quarters",
    csv_name=QUARTERS_CSV_NAME,
    json_name=QUARTERS_JSON_NAME,
    title="ผลการดำเนินงานตามตัวชี้วัด รายไตรมาส",
    title_en="KPI results by quarter",
    description="หนึ่งแถวต่อหนึ่งไตรมาสของแต่ละตัวชี้วัดในแต่ละปีงบประมาณ (4 แถวต่อตัวชี้วัด): รายงานแล้วหรือยัง"
    " และผลงานสะสม ณ สิ้นไตรมาส",
    description_en="One row per quarter of each indicator and fiscal year (4 rows per indicator): whether it is"
    " reported, and the cumulative result at the quarter's end.",
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


def indicator_records(entries: Iterable[Entry], base_url: str, *, reporting: Reporting | None = None) -> list[dict]:
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


def quarter_records(entries: Iterable[Entry]) -> list[dict]:
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


def table_csv(table: Table, records: list[dict]) -> bytes:
    """A table's CSV file: a header row of its column names, one row per record, UTF-8 with a byte-order mark, CRLF
    line ends. Only string columns are text: a number, a date or a list never starts a formula, and a negative
    number stays a number."""
    columns = [spreadsheet.Column(column.name, text=column.type == "string") for column in table.columns]
    rows = ([_csv_cell(record[column.name]) for column in table.columns] for record in records)
    return spreadsheet.csv_text(columns, rows).encode("utf-8")


def json_rows(table: Table, records: list[dict]) -> list[dict]:
    """The records as JSON objects, keys in the table's column order."""
    return [{name: _json_value(record[name]) for name in table.column_names} for record in records]


def table_json(table: Table, records: list[dict]) -> bytes:
    """A table as JSON: an array of row objects, one per record (what ``pandas.read_json`` reads as a table)."""
    return _json_bytes(json_rows(table, records))


def indicators_csv(records: list[dict]) -> bytes:
    """``indicators.csv``: the indicators table as CSV."""
    return table_csv(INDICATORS, records)


def indicators_json(records: list[dict], *, site_title: str, base_url: str, about: Mapping | None = None) -> bytes:
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
