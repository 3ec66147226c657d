"""The content model: the YAML keys staff write, declared once.

Everything that knows the content format comes from these pydantic models: the loader validates with them
(``load.py``), error messages name their fields, and ``reportgen schema`` publishes their JSON Schema so that
editors get autocomplete. The keys are a contract with the staff who write the files: extend them compatibly,
never rename them.

Models are strict: a value of the wrong YAML type (``no`` read as false, ``2564`` written as text) is an error,
not silently converted, because silent conversion is how wrong numbers reach an official form.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, Literal, Union

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from reportgen.markdown import check_markdown, check_url

#: Longest narrative accepted. The longest field of the reference form is about 700 characters; a field a hundred
#: times longer is a paste accident, and rendering it would make a form of hundreds of pages.
MAX_TEXT_LENGTH = 20_000

#: Longest one-line text (a name, a unit, a position, an evidence title). The reference form's longest name is
#: about 120 characters; a thousand is a paste accident.
MAX_LINE_TEXT_LENGTH = 1_000

#: Largest number accepted, and the most decimal places: the form prints results with two decimals, so a number
#: beyond these could not be printed as it was written (``1.0e+25``, ``12.345``).
MAX_NUMBER = Decimal(999_999_999_999)
MAX_DECIMAL_PLACES = 2

#: Most evidence items in one form: the reference form has three; hundreds would be pages of section 9.
MAX_EVIDENCE_ITEMS = 100

#: What YAML 1.1 (``check``) reads as yes/no and YAML 1.2 (the editor) as text: the schema refuses them as text, so
#: the editor underlines ``unit: yes`` as ``check`` does.
YAML_BOOL_WORDS = r"^([yY]es|YES|[nN]o|NO|[oO]n|ON|[oO]ff|OFF|[tT]rue|TRUE|[fF]alse|FALSE)$"

#: The sign-off date as the editor checks it: a Christian-Era ISO date with a possible month and day.
DATE_PATTERN = r"^(?!\d{4}-02-3)(?!\d{4}-(0[469]|11)-31)(1\d{3}|2[0-3]\d{2})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"

#: Links as the editor checks them (``markdown.is_safe_url`` is the rule): https, http or mailto, no spaces.
URL_PATTERN = r"^([hH][tT][tT][pP][sS]?://[^\s/?#]+[^\s]*|[mM][aA][iI][lL][tT][oO]:[^\s]+)$"

#: Evidence paths as the editor checks them (``validate._outside_reason`` is the rule): relative, with /, no ``..``.
EVIDENCE_PATH_PATTERN = r"^(?![/\\])(?![A-Za-z]:)(?!.*\\)(?!(.*/)?\.\.(/|$)).+$"

#: Buddhist-Era fiscal years the tool accepts; a year outside is almost always a Christian-Era year typed by mistake.
MIN_FISCAL_YEAR = 2500
MAX_FISCAL_YEAR = 2700


def _to_decimal(value: object) -> object:
    """Turn a YAML int or float into an exact Decimal; leave anything else for the type check to reject."""
    if isinstance(value, bool):
        return value  # bool is an int in Python; `yes`/`no` must not become 1/0
    if isinstance(value, (int, float)):
        value = Decimal(str(value))
    if isinstance(value, Decimal) and value.is_finite():
        return Decimal(format(value, "f"))  # never in exponent form: 1E+3 is 1000
    return value


def _printable_number(value: Decimal) -> Decimal:
    """Refuse a number with more decimal places than the form prints (it would be printed rounded)."""
    if value.as_tuple().exponent < -MAX_DECIMAL_PLACES:  # type: ignore[operator]  # an int: NaN and Infinity are refused before
        raise PydanticCustomError(
            "number_too_precise", "at most {places} decimal places", {"places": MAX_DECIMAL_PLACES}
        )
    return value


def _iso_date(value: object) -> object:
    """Accept a YAML date or an ISO date written as text ('2021-10-20'); nothing else."""
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return value  # left for the date check to report as an invalid date
    return value


#: A date whose year is beyond this was written in the Buddhist Era (2564-10-20); dates are written in the Christian
#: Era and the form prints them in B.E.
MAX_CHRISTIAN_YEAR = 2400


def _christian_era(value: dt.date) -> dt.date:
    """Reject a date written with a Buddhist-Era year, which would print 543 years late."""
    if value.year > MAX_CHRISTIAN_YEAR:
        raise PydanticCustomError(
            "buddhist_era_date", "dates use the Christian-Era year, not {year}", {"year": value.year}
        )
    return value


Text = Annotated[
    str,
    Field(min_length=1, max_length=MAX_LINE_TEXT_LENGTH, json_schema_extra={"not": {"pattern": YAML_BOOL_WORDS}}),
]
"""A single line or short paragraph of plain Thai text."""

Markdown = Annotated[
    str,
    Field(
        max_length=MAX_TEXT_LENGTH,
        json_schema_extra={"contentMediaType": "text/markdown", "not": {"pattern": YAML_BOOL_WORDS}},
    ),
    AfterValidator(check_markdown),
]
"""A narrative in CommonMark: paragraphs, numbered and bulleted lists, links, emphasis. Raw HTML stays text."""

Number = Annotated[
    Decimal,
    BeforeValidator(_to_decimal),
    Field(ge=0, le=MAX_NUMBER, allow_inf_nan=False),
    AfterValidator(_printable_number),
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": int(MAX_NUMBER)}),
]
"""A non-negative number, kept exact so that 36.00 prints as 36.00."""

Url = Annotated[
    str,
    Field(min_length=1, max_length=2_000, json_schema_extra={"pattern": URL_PATTERN}),
    AfterValidator(check_url),
]
"""A link a reader can follow: https, http or mailto only."""

EvidencePath = Annotated[str, Field(min_length=1, max_length=500, json_schema_extra={"pattern": EVIDENCE_PATH_PATTERN})]
"""A file under ``content/``, written as a relative path with ``/`` (checked by ``validate.py``: it must exist and
stay inside ``content/``)."""

IsoDate = Annotated[
    dt.date,
    BeforeValidator(_iso_date),
    AfterValidator(_christian_era),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DATE_PATTERN}),
]


class ContentModel(BaseModel):
    """Base of every content model: unknown keys and wrong types are errors; models never change after loading."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, str_strip_whitespace=True)


class Plan(ContentModel):
    """Alignment with the BMA 20-year development plan (section 2)."""

    strategy: Text = Field(description="ประเด็นยุทธศาสตร์ เช่น ด้านที่ ๓ - มหานครสำหรับทุกคน")
    sub_strategy: Text | None = Field(None, description="ประเด็นยุทธศาสตร์ย่อย เช่น ๓.๓ - การศึกษาสำหรับทุกคน")
    goal: Text | None = Field(None, description="เป้าประสงค์ เช่น ๓.๓.๓ ประชาชนมีโอกาสศึกษาตลอดชีวิต")


class QuarterPlan(ContentModel):
    """The planned cumulative result at the end of each quarter (optional), to say on track or behind plan."""

    q1: Number | None = Field(None, description="แผน: ผลงานสะสมที่ควรได้ ณ สิ้นไตรมาสที่ 1 (ตัวเลข)")
    q2: Number | None = Field(None, description="แผน: ผลงานสะสมที่ควรได้ ณ สิ้นไตรมาสที่ 2 (ตัวเลข)")
    q3: Number | None = Field(None, description="แผน: ผลงานสะสมที่ควรได้ ณ สิ้นไตรมาสที่ 3 (ตัวเลข)")
    q4: Number | None = Field(None, description="แผน: ผลงานสะสมที่ควรได้ ณ สิ้นไตรมาสที่ 4 (ตัวเลข)")

    def value(self, quarter: int) -> Decimal | None:
        return getattr(self, f"q{quarter}")


class Target(ContentModel):
    """The target of section 5."""

    value: Number = Field(description="ค่าเป้าหมาย (ตัวเลข) เช่น 3")
    unit: Text = Field(description="หน่วยนับ เช่น ห้อง")
    # None (not written) is at_least: absent optional fields leave every existing sign-off digest unchanged.
    direction: Literal["at_least", "at_most"] | None = Field(
        None,
        description="ทิศทางของเป้าหมาย: at_least (อย่างน้อย ค่าเริ่มต้น) หรือ at_most (ไม่เกิน เช่น จำนวนเรื่องร้องเรียน)",
    )
    plan: QuarterPlan | None = Field(None, description="แผนรายไตรมาส (ไม่บังคับ): ผลงานสะสมที่ควรได้ ณ สิ้นแต่ละไตรมาส")

    @property
    def is_ceiling(self) -> bool:
        return self.direction == "at_most"


class Officer(ContentModel):
    """Who is responsible for reporting this form (internal: not published unless site.yaml says so)."""

    name: Text = Field(description="ชื่อผู้รับผิดชอบการรายงาน")
    position: Text | None = Field(None, description="ตำแหน่ง")
    contact: Text | None = Field(None, description="ช่องทางติดต่อ เช่น อีเมลหรือเบอร์โทรภายใน")


class QuarterReport(ContentModel):
    """One quarter's report (6.1–6.4)."""

    report: Markdown = Field(min_length=1, description="ผลการดำเนินงานในไตรมาสนี้ (Markdown)")
    result: Number | None = Field(None, description="ผลงานสะสม ณ สิ้นไตรมาส (ตัวเลข)")


class Quarters(ContentModel):
    """Quarterly reports; a quarter not yet reported is left out."""

    q1: QuarterReport | None = Field(None, description="ไตรมาสที่ 1 (ต.ค.–ธ.ค.)")
    q2: QuarterReport | None = Field(None, description="ไตรมาสที่ 2 (ม.ค.–มี.ค.)")
    q3: QuarterReport | None = Field(None, description="ไตรมาสที่ 3 (เม.ย.–มิ.ย.)")
    q4: QuarterReport | None = Field(None, description="ไตรมาสที่ 4 (ก.ค.–ก.ย.)")
    summary: Markdown | None = Field(None, description="สรุปผลการดำเนินงาน (ปลายปีงบประมาณ) (Markdown)")

    def reported(self) -> list[tuple[int, QuarterReport]]:
        """The reported quarters as (number, report), in order."""
        quarters = (self.q1, self.q2, self.q3, self.q4)
        return [(number, report) for number, report in enumerate(quarters, start=1) if report is not None]


class Evidence(ContentModel):
    """One item of evidence (section 9)."""

    title: Text = Field(description="ชื่อหลักฐาน")
    url: Url | None = Field(None, description="ลิงก์ไปยังหลักฐาน (https://…)")
    file: EvidencePath | None = Field(
        None,
        description="ไฟล์หลักฐานในโฟลเดอร์ content/ เช่น evidence/2564/08-report.pdf (แนบไปกับ PDF ฉบับเผยแพร่)",
    )


class Signoff(ContentModel):
    """The responsible person's sign-off, which turns a draft into an official form."""

    name: Text = Field(description="ชื่อผู้รับผิดชอบโครงการ")
    position: Text = Field(description="ตำแหน่ง")
    date: IsoDate = Field(description="วันที่ลงนาม แบบ ค.ศ. ปี-เดือน-วัน เช่น 2021-10-20")
    digest: Annotated[str, Field(pattern=r"^sha256(v2|v3)?:[0-9a-f]{64}$")] | None = Field(
        None, description="รหัสตรวจสอบเนื้อหาที่ลงนาม คำนวณโดยคำสั่ง reportgen signoff (ห้ามแก้เอง)"
    )


#: An indicator's id in the BMA's monitoring system (``monitor.bangkok.go.th/mobile/mykpi.php?pid=2300-848``): two
#: numbers joined by a hyphen, written in quotes like ``code``.
BmaPid = Annotated[str, Field(pattern=r"^[0-9]{1,8}-[0-9]{1,8}$")]

#: The public page of an indicator in the BMA's monitoring system, by its ``bma_pid``.
BMA_MONITOR_URL = "https://monitor.bangkok.go.th/mobile/mykpi.php?pid={pid}"


class Indicator(ContentModel):
    """One KPI form: one indicator in one fiscal year (``content/indicators/<year>/<code>.yaml``)."""

    code: Annotated[str, Field(pattern=r"^[0-9A-Za-z][0-9A-Za-z._-]{0,15}$")] = Field(
        description="รหัสตัวชี้วัด ใส่ในเครื่องหมายคำพูด เช่น '08'"
    )
    fiscal_year: int = Field(
        ge=MIN_FISCAL_YEAR, le=MAX_FISCAL_YEAR, description="ปีงบประมาณ พ.ศ. เช่น 2564"
    )
    agency: Text = Field(description="หน่วยงาน")
    name: Text = Field(description="1. ชื่อตัวชี้วัด")
    bma_pid: BmaPid | None = Field(
        None,
        description="รหัสของตัวชี้วัดนี้ในระบบติดตามผลของกรุงเทพมหานคร (monitor.bangkok.go.th) เช่น '2300-848' "
        "ไม่บังคับ: หน้าเว็บของตัวชี้วัดจะลิงก์ไปยังหน้านั้น",
    )
    result_type: Literal["output", "outcome"] = Field(
        description="2. ระดับความสำเร็จ: output (ผลผลิต) หรือ outcome (ผลลัพธ์)"
    )
    plan: Plan | None = Field(None, description="การสนับสนุนแผนพัฒนา กทม. ระยะ 20 ปี")
    definition: Markdown = Field(min_length=1, description="3. คำนิยาม (Markdown)")
    calculation: Markdown = Field(min_length=1, description="4. วิธีการคำนวณ (Markdown)")
    target: Target = Field(description="5. เป้าหมาย")
    result: Number | None = Field(
        None, description="5. ผลงานที่ทำได้ (ตัวเลข) ถ้าไม่ใส่ ใช้ผลของไตรมาสล่าสุด"
    )
    quarters: Quarters = Field(default_factory=Quarters, description="6. รายงานผลการดำเนินงาน (รายไตรมาส)")
    supporting_factors: Markdown = Field("", description="7. ปัจจัยสนับสนุนการดำเนินงาน (Markdown)")
    obstacles: Markdown | None = Field("", description="8. อุปสรรคต่อการดำเนินงาน (Markdown เว้นว่างได้)")
    evidence: list[Evidence] = Field(
        default_factory=list, max_length=MAX_EVIDENCE_ITEMS, description="9. หลักฐานอ้างอิง"
    )
    officer: Officer | None = Field(None, description="ผู้รับผิดชอบการรายงานตัวชี้วัดนี้ (ไม่บังคับ ใช้ภายในหน่วยงาน)")
    signoff: Signoff | None = Field(None, description="การลงนามของผู้รับผิดชอบ (ไม่ใส่ = ฉบับร่าง)")

    @property
    def shown_result(self) -> Decimal | None:
        """The result printed in section 5: the top-level result, else the latest reported quarter's result."""
        if self.result is not None:
            return self.result
        for _, report in reversed(self.quarters.reported()):
            if report.result is not None:
                return report.result
        return None

    @property
    def is_draft(self) -> bool:
        """No sign-off written. Whether a written sign-off still holds needs its digest checked against the content
        (``digest.sign_state``, kept as ``Entry.sign_state``): only then does the form print as signed."""
        return self.signoff is None


#: The licences the open data can be published under (``catalog.LICENSES`` says what each is).
DataLicense = Literal["CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0", "DGA-OGL"]

#: The licence of the open data when ``site.yaml`` names none (``validate.py`` warns that it was not chosen).
DEFAULT_DATA_LICENSE = "CC-BY-4.0"

Email = Annotated[str, Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
"""An e-mail address (name@agency.go.th)."""


class Publisher(ContentModel):
    """Who publishes the open data and answers questions about it (the portal's contact)."""

    name: Text = Field(
        description="ชื่อหน่วยงานผู้เผยแพร่ข้อมูล เช่น กองห้องสมุด สำนักวัฒนธรรม กีฬา และการท่องเที่ยว"
    )
    email: Email = Field(description="อีเมลติดต่อเรื่องข้อมูล เช่น library@bangkok.go.th")
    url: Url | None = Field(None, description="เว็บไซต์ของหน่วยงาน (https://…)")


class SiteSettings(ContentModel):
    """Site-wide settings (``content/site.yaml``)."""

    agency: Text = Field(description="ชื่อหน่วยงาน")
    site_title: Text = Field(description="ชื่อเว็บไซต์")
    base_url: Url = Field(description="ที่อยู่เว็บไซต์ที่เผยแพร่ เช่น https://www.bangkoklibrary.go.th/kpi/")
    digits: Literal["arabic", "thai"] = Field("arabic", description="ตัวเลข: arabic (0-9) หรือ thai (๐-๙)")
    data_license: DataLicense = Field(
        DEFAULT_DATA_LICENSE,
        description="สัญญาอนุญาตของข้อมูลเปิด: CC-BY-4.0 (แสดงที่มา, ค่าเริ่มต้น) CC-BY-SA-4.0 (แสดงที่มาและอนุญาตแบบเดียวกัน)"
        " CC0-1.0 (สาธารณสมบัติ) หรือ DGA-OGL (ข้อกำหนดการใช้ข้อมูลภาครัฐแบบเปิดของ สพร.)",
    )
    publisher: Publisher | None = Field(
        None, description="ผู้เผยแพร่ข้อมูลเปิดและผู้ติดต่อ (ชื่อ อีเมล เว็บไซต์) สำหรับ data.go.th และเมทาดาทา"
    )
    release_strict: bool = Field(
        False, description="true: build --release ไม่เผยแพร่เลยถ้ามีแบบรายงานที่ยังไม่ได้ลงนาม (เหมือน --strict)"
    )
    show_officers: bool = Field(
        False, description="true: แสดงชื่อ ตำแหน่ง และช่องทางติดต่อของผู้รับผิดชอบบนหน้าเว็บของแบบรายงาน"
    )


@dataclass(frozen=True)
class Entry:
    """One loaded indicator file: the model, where it came from (a path relative to the project root), and whether
    its sign-off holds for exactly this text (``digest.sign_state``: ``"signed"``, ``"edited_after_signoff"``,
    ``"no_digest"``, ``"draft"``; None when the entry was made without checking, and the renderer checks it)."""

    indicator: Indicator
    source: PurePosixPath
    sign_state: str | None = None

    @property
    def slug(self) -> str:
        """Where its outputs go, e.g. ``2564/08`` → ``pdf/2564/08.pdf`` and ``html/2564/08.html``."""
        return f"{self.indicator.fiscal_year}/{self.indicator.code}"

    @property
    def signed(self) -> bool:
        """Its sign-off holds for exactly this text: it prints and publishes as signed (anything else is a draft)."""
        return self.sign_state == "signed"


@dataclass(frozen=True)
class Project:
    """Everything a build needs, validated: site settings and every indicator, sorted by year then code."""

    root: Path
    site: SiteSettings
    entries: tuple[Entry, ...]
    warnings: tuple = ()  # Problems of severity "warning" (reportgen.errors.Problem)
    #: The loaded source document of each entry, by slug (the values' positions, for checks made after loading
    #: that must name a line, such as the release's); empty for a project made without loading.
    documents: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)
    #: The indicator files left out because they have errors (loaded with ``per_form=True``; otherwise their errors
    #: stop the load): each form's problem stays that form's.
    broken: tuple[BrokenForm, ...] = ()


@dataclass(frozen=True)
class BrokenForm:
    """An indicator file that cannot be built: where it is, its slug as its path names it (``2570/09`` for
    ``content/indicators/2570/09.yaml``, None when its folder is not a year), and its problems (``errors.Problem``,
    errors first)."""

    source: PurePosixPath
    problems: tuple = ()

    @property
    def slug(self) -> str | None:
        folder, stem = self.source.parent.name, self.source.stem
        return f"{folder}/{stem}" if folder.isascii() and folder.isdigit() else None

    @property
    def errors(self) -> tuple:
        return tuple(problem for problem in self.problems if problem.severity == "error")


def unwrap_annotation(annotation: Any) -> tuple[Any, list]:
    """``Optional[Annotated[X, …]]`` → (X, the metadata of the Annotated layers): how the loader finds the model
    under a key and ``new`` the type and constraints of a field. A union of several types is returned as is."""
    metadata: list = []
    while True:
        origin = typing.get_origin(annotation)
        if origin in (Union, types.UnionType):
            arguments = [argument for argument in typing.get_args(annotation) if argument is not type(None)]
            if len(arguments) != 1:
                return annotation, metadata
            annotation = arguments[0]
        elif origin is Annotated:
            annotation, *extra = typing.get_args(annotation)
            for item in extra:
                metadata.extend(item.metadata if isinstance(item, FieldInfo) else [item])
        else:
            return annotation, metadata
