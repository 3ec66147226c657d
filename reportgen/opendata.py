"""Every indicator of every fiscal year → the site's open data: ``data/indicators.csv`` and ``data/indicators.json``.

One row per indicator and fiscal year, the same figures as the site (``status.py``), in a form programs read:
Arabic digits, a dot for decimals, no thousands separators, whatever ``site.digits`` says for the pages. The CSV
starts with a UTF-8 byte-order mark, without which Excel opens the Thai text as mojibake. ``COLUMNS`` documents
each column once, for the README, the data page of the site and the JSON file itself.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from reportgen.model import Entry
from reportgen.status import Reporting, status_of

CSV_NAME = "indicators.csv"
JSON_NAME = "indicators.json"


@dataclass(frozen=True)
class Column:
    """One column of the open data: its name, its type as JSON states it, what it means (Thai) and an example."""

    name: str
    type: str
    description: str
    example: str


COLUMNS: tuple[Column, ...] = (
    Column("fiscal_year", "integer", "ปีงบประมาณ พ.ศ. (1 ต.ค. – 30 ก.ย.)", "2564"),
    Column("code", "string", "รหัสตัวชี้วัด (ข้อความ คงเลข 0 นำหน้า)", "08"),
    Column("name", "string", "ชื่อตัวชี้วัด", "จำนวนห้องสมุดเพื่อการเรียนรู้…"),
    Column("agency", "string", "หน่วยงานที่รายงาน", "สำนักวัฒนธรรม กีฬา และการท่องเที่ยว"),
    Column("result_type", "string", "ระดับความสำเร็จ: output (ผลผลิต) หรือ outcome (ผลลัพธ์)", "output"),
    Column("target", "number", "ค่าเป้าหมาย", "3"),
    Column("unit", "string", "หน่วยนับของเป้าหมายและผลงาน", "ห้อง"),
    Column("result", "number", "ผลงานที่ทำได้ (ว่าง = ยังไม่รายงานผล)", "36"),
    Column("percent_of_target", "number", "ผลงานคิดเป็นร้อยละของเป้าหมาย ปัดเศษ 2 ตำแหน่ง (ว่าง = ยังไม่มีผล)", "1200"),
    Column("status", "string", "สถานะ: met (บรรลุ) in_progress (อยู่ระหว่างดำเนินการ ปีงบประมาณยังไม่สิ้นสุด) not_met (ยังไม่บรรลุ เมื่อสิ้นปีงบประมาณ) not_reported (ยังไม่รายงานผล)", "met"),
    Column("status_label", "string", "สถานะเป็นภาษาไทย ตามที่แสดงบนเว็บไซต์", "บรรลุเป้าหมาย"),
    Column("last_quarter", "integer", "ไตรมาสล่าสุดที่รายงานผล 1–4 (ว่าง = ยังไม่รายงาน)", "4"),
    Column("reported_quarters", "integer list", "ไตรมาสที่รายงานผลแล้ว (CSV: คั่นด้วยเว้นวรรค, JSON: array)", "1 2 3 4"),
    Column("signed_on", "date", "วันที่ผู้รับผิดชอบลงนาม แบบ ค.ศ. ปี-เดือน-วัน (ว่าง = ฉบับร่าง)", "2021-10-20"),
    Column("page_url", "string", "หน้าเว็บของแบบรายงาน", "https://www.bangkoklibrary.go.th/kpi/2564/08.html"),
    Column("pdf_url", "string", "ไฟล์ PDF ของแบบรายงาน", "https://www.bangkoklibrary.go.th/kpi/2564/08.pdf"),
)

COLUMN_NAMES: tuple[str, ...] = tuple(column.name for column in COLUMNS)

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


def indicator_records(entries: Iterable[Entry], base_url: str, *, reporting: Reporting | None = None) -> list[dict]:
    """One record per entry, in the order given (the project's: year, then code), values as Python types, with the
    status as of ``reporting`` (the build's; default now).

    Numbers are Decimals (None when absent); ``reported_quarters`` is a tuple of ints.
    """
    records = []
    for entry in entries:
        indicator = entry.indicator
        status = status_of(indicator, reporting)
        percent = status.percent.quantize(PERCENT_PLACES, rounding=ROUND_HALF_UP) if status.percent is not None else None
        records.append({
            "fiscal_year": indicator.fiscal_year,
            "code": indicator.code,
            "name": indicator.name,
            "agency": indicator.agency,
            "result_type": indicator.result_type,
            "target": status.target,
            "unit": indicator.target.unit,
            "result": status.result,
            "percent_of_target": percent,
            "status": status.status,
            "status_label": status.label,
            "last_quarter": status.last_quarter,
            "reported_quarters": status.reported_quarters,
            "signed_on": indicator.signoff.date.isoformat() if indicator.signoff else None,
            "page_url": site_url(base_url, f"{entry.slug}.html"),
            "pdf_url": site_url(base_url, f"{entry.slug}.pdf"),
        })
    return records


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
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


def indicators_csv(records: list[dict]) -> bytes:
    """The CSV file: a header row of ``COLUMN_NAMES``, one row per record, UTF-8 with a byte-order mark, CRLF lines."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(COLUMN_NAMES)
    for record in records:
        writer.writerow([_csv_cell(record[name]) for name in COLUMN_NAMES])
    return text.getvalue().encode("utf-8-sig")


def indicators_json(records: list[dict], *, site_title: str, base_url: str) -> bytes:
    """The JSON file: what it is, its columns documented, and ``indicators``, one object per record."""
    document = {
        "title": site_title,
        "source": base_url,
        "columns": [
            {"name": column.name, "type": column.type, "description": column.description} for column in COLUMNS
        ],
        "indicators": [{name: _json_value(record[name]) for name in COLUMN_NAMES} for record in records],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
