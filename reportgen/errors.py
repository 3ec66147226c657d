"""User-facing errors: the one small hierarchy the CLI catches, and the problems found in content files.

Library code raises these (or logs); only the CLI prints them. A ``ContentError`` carries every ``Problem`` found,
across all files, so an editor fixes everything in one pass. Anything else that escapes is a bug, and the CLI shows
its traceback only with ``--debug``.

The people who read these messages are library staff, not programmers. Every message therefore comes from the
catalogue below (``MESSAGES``), written in Thai and English in words they can act on: what was found, what is
expected, and how to fix it, never a Python type name or a validator's jargon. A ``Problem`` is rendered in both
languages when it is created; ``Problem.format`` prints it like a compiler diagnostic, with the offending source
line and a caret under the column.
"""

from __future__ import annotations

import dataclasses
import string
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]
Lang = Literal["th", "en"]
LANGS: tuple[str, ...] = ("th", "en")


class ReportgenError(Exception):
    """Base of every error meant for the user. ``exit_code`` is what the CLI exits with."""

    exit_code = 2


class UsageError(ReportgenError):
    """Wrong command-line use, or a project that is not set up (no content/, no templates/)."""

    exit_code = 2


class CatalogueError(ReportgenError):
    """An error whose text comes from ``MESSAGES[code]`` (message, then its hint), shown in the reader's language
    (``text(lang)``)."""

    def __init__(self, code: str, **params: object):
        self.code, self.params = code, params
        super().__init__(self.text("th"))

    def text(self, lang: str = "th") -> str:
        message, hint = render_message(self.code, self.params, lang)
        return f"{message}\n  {_HINT_LABEL[_lang(lang)]}: {hint}" if hint else message


# --- The message catalogue ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Localized:
    """A message parameter that reads differently in each language (e.g. a description of what was found)."""

    th: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.th

    def __str__(self) -> str:  # pragma: no cover - only reached if someone formats it without a language
        return self.th


def L(th: str, en: str) -> Localized:  # noqa: N802 - short constructor used throughout the loader
    return Localized(th, en)


#: code → {lang: (message, hint or None)}. Templates use ``str.format`` fields filled from ``Problem.params``.
MESSAGES: dict[str, dict[str, tuple[str, str | None]]] = {
    # --- reading the file -----------------------------------------------------------------------------------------
    "file_unreadable": {
        "th": ("อ่านไฟล์ไม่ได้: {reason}", "ตรวจว่าไฟล์มีอยู่และเปิดอ่านได้"),
        "en": ("cannot read the file: {reason}", "check that the file exists and can be opened"),
    },
    "file_too_large": {
        "th": (
            "ไฟล์ใหญ่เกินไป ({size}) ไฟล์ต้องไม่เกิน {limit}",
            "ไฟล์ตัวชี้วัดปกติมีขนาดไม่กี่กิโลไบต์ อาจวางข้อความซ้ำโดยไม่ตั้งใจ ให้ตัดส่วนที่เกินออก",
        ),
        "en": (
            "the file is too large ({size}); a file may be at most {limit}",
            "an indicator file is normally a few kilobytes; text was probably pasted by accident, remove the excess",
        ),
    },
    "not_utf8": {
        "th": (
            "ไฟล์ไม่ได้บันทึกเป็น UTF-8: พบไบต์ที่อ่านไม่ได้ {byte} ที่ไบต์ลำดับที่ {offset} (นับจาก 0)",
            "บันทึกไฟล์ใหม่โดยเลือกการเข้ารหัส (Encoding) เป็น UTF-8 เช่น ใน Notepad เลือก บันทึกเป็น → UTF-8",
        ),
        "en": (
            "the file is not saved as UTF-8: unreadable byte {byte} at byte offset {offset} (counting from 0)",
            "save the file again with the encoding UTF-8 (e.g. in Notepad: Save As → Encoding: UTF-8)",
        ),
    },
    "utf16": {
        "th": (
            "ไฟล์บันทึกเป็น UTF-16 (Unicode) แต่ต้องเป็น UTF-8",
            "บันทึกไฟล์ใหม่โดยเลือกการเข้ารหัส (Encoding) เป็น UTF-8",
        ),
        "en": ("the file is saved as UTF-16 (Unicode); it must be UTF-8", "save the file again with the encoding UTF-8"),
    },
    "empty_file": {
        "th": ("ไฟล์ว่าง ไม่มีข้อมูล", "ใส่ข้อมูลตามตัวอย่างใน content/indicators/2564/08.yaml"),
        "en": ("the file is empty", "fill it in following the example content/indicators/2564/08.yaml"),
    },
    "top_not_mapping": {
        "th": (
            "ไฟล์ต้องประกอบด้วยหัวข้อในรูปแบบ ชื่อหัวข้อ: ค่า (เช่น code: '08') แต่พบ {found}",
            "เริ่มแต่ละบรรทัดด้วยชื่อหัวข้อภาษาอังกฤษตามด้วย : เช่น name: ชื่อตัวชี้วัด",
        ),
        "en": (
            "the file must consist of keys written as key: value (e.g. code: '08'), but it is {found}",
            "start each line with an English key followed by a colon, e.g. name: the indicator's name",
        ),
    },
    # --- YAML syntax ----------------------------------------------------------------------------------------------
    "yaml_tab": {
        "th": (
            "ใช้ปุ่ม Tab เยื้องบรรทัด ซึ่ง YAML ไม่อนุญาต",
            "ลบ Tab ที่ต้นบรรทัด (แสดงเป็น →) แล้วเยื้องด้วยการเว้นวรรค (Space) แทน เช่น 2 ช่อง",
        ),
        "en": (
            "a Tab is used to indent this line, which YAML does not allow",
            "delete the Tab at the start of the line (shown as →) and indent with spaces instead, e.g. 2 spaces",
        ),
    },
    "yaml_tab_in_text": {
        "th": (
            "มีปุ่ม Tab อยู่กลางข้อความ ซึ่ง YAML อ่านไม่ได้เมื่อข้อความไม่อยู่ในเครื่องหมายคำพูด",
            "แทนที่ Tab ด้วยการเว้นวรรค หรือใส่ข้อความทั้งหมดในเครื่องหมายคำพูด",
        ),
        "en": (
            "a Tab in the middle of a text, which YAML cannot read when the text is not in quotes",
            "replace the Tab with a space, or put the whole text in quotes",
        ),
    },
    "yaml_unclosed_quote": {
        "th": (
            "เปิดเครื่องหมายคำพูด {quote} ที่บรรทัด {open_line} แต่ไม่ได้ปิด",
            "ใส่เครื่องหมาย {quote} ปิดท้ายข้อความในบรรทัดเดียวกัน",
        ),
        "en": (
            "the quote {quote} opened on line {open_line} is never closed",
            "add the closing {quote} at the end of the text",
        ),
    },
    "yaml_colon": {
        "th": (
            "พบเครื่องหมาย : ในตำแหน่งที่ไม่ควรมี (หรือบรรทัดนี้เยื้องไม่ตรงกับบรรทัดก่อนหน้า)",
            "ถ้าข้อความมีเครื่องหมาย : ให้ใส่ข้อความทั้งหมดในเครื่องหมายคำพูด เช่น name: \"ก: ข\""
            " และตรวจว่าหัวข้อระดับเดียวกันเยื้องเท่ากัน",
        ),
        "en": (
            "a colon (:) where none can be (or this line is indented differently from the line above)",
            "if the text contains a colon, put the whole text in quotes, e.g. name: \"a: b\";"
            " and check that keys at the same level are indented equally",
        ),
    },
    "yaml_missing_colon": {
        "th": ("ขาดเครื่องหมาย : หลังชื่อหัวข้อ", "เขียนเป็น ชื่อหัวข้อ: ค่า เช่น unit: ห้อง"),
        "en": ("a colon (:) is missing after the key", "write key: value, e.g. unit: rooms"),
    },
    "yaml_indent": {
        "th": (
            "การเยื้องบรรทัดไม่ถูกต้อง: บรรทัดนี้เยื้องไม่ตรงกับหัวข้ออื่นในระดับเดียวกัน",
            "เยื้องหัวข้อย่อยด้วยการเว้นวรรคจำนวนเท่ากันทุกบรรทัด (เช่น 2 ช่อง) และหัวข้อหลักชิดซ้าย",
        ),
        "en": (
            "wrong indentation: this line is not aligned with the other keys at its level",
            "indent sub-keys with the same number of spaces on every line (e.g. 2) and keep main keys at the left",
        ),
    },
    "yaml_unclosed_bracket": {
        "th": (
            "เปิดวงเล็บ {bracket} ที่บรรทัด {open_line} แต่ไม่ได้ปิด",
            "ถ้าข้อความขึ้นต้นด้วย [ หรือ { ให้ใส่ข้อความทั้งหมดในเครื่องหมายคำพูด",
        ),
        "en": (
            "the bracket {bracket} opened on line {open_line} is never closed",
            "if the text starts with [ or {{, put the whole text in quotes",
        ),
    },
    "yaml_alias": {
        "th": (
            "ไฟล์นี้ใช้ & หรือ * ซึ่งใน YAML หมายถึงการอ้างอิงค่าอื่น (anchor/alias) รูปแบบไฟล์นี้ไม่ใช้และไม่อนุญาต",
            "เขียนค่าให้ครบทุกที่ ถ้าข้อความขึ้นต้นด้วย & หรือ * (เช่น *ตัวเอียง*) ให้ใส่ข้อความทั้งหมดในเครื่องหมายคำพูด"
            " หรือเขียนแบบ | แล้วขึ้นบรรทัดใหม่",
        ),
        "en": (
            "the file uses & or *, which YAML reads as a reference to another value (anchor/alias);"
            " this format does not need them and does not allow them",
            "write every value out in full; if a text starts with & or * (e.g. *emphasis*), put the whole text in"
            " quotes or use | and start it on the next line",
        ),
    },
    "yaml_special_start": {
        "th": (
            "ข้อความที่ขึ้นต้นด้วย {char} ต้องอยู่ในเครื่องหมายคำพูด",
            "ใส่ข้อความทั้งหมดในเครื่องหมายคำพูด เช่น \"{char}...\" หรือเขียนแบบ | แล้วขึ้นบรรทัดใหม่",
        ),
        "en": (
            "a text starting with {char} must be in quotes",
            "put the whole text in quotes, e.g. \"{char}...\", or use | and start it on the next line",
        ),
    },
    "yaml_text_after_quote": {
        "th": (
            "มีข้อความต่อท้ายหลังเครื่องหมายคำพูดปิด {quote}",
            "ถ้าข้อความขึ้นต้นด้วยเครื่องหมายคำพูด ให้ครอบข้อความทั้งหมดด้วยเครื่องหมายคำพูดอีกแบบ เช่น '\"ก\" ข'",
        ),
        "en": (
            "there is text after the closing quote {quote}",
            "if the text starts with a quote, put the whole text in the other kind of quotes, e.g. '\"a\" b'",
        ),
    },
    "yaml_escape": {
        "th": (
            "ในเครื่องหมายคำพูดคู่ \"...\" เครื่องหมาย \\ ใช้ไม่ได้ (พบ \\{char})",
            "ใช้เครื่องหมายคำพูดเดี่ยว '...' แทน หรือเขียน \\\\ แทน \\",
        ),
        "en": (
            "a backslash cannot be used like this inside double quotes \"...\" (found \\{char})",
            "use single quotes '...' instead, or write \\\\ for a backslash",
        ),
    },
    "yaml_bad_char": {
        "th": (
            "พบอักขระควบคุมที่มองไม่เห็น (รหัส {char}) ซึ่งใช้ในไฟล์ไม่ได้",
            "ลบอักขระนั้นออก (มักติดมาจากการคัดลอกจาก PDF หรือโปรแกรมอื่น) แล้วพิมพ์ข้อความส่วนนั้นใหม่",
        ),
        "en": (
            "an invisible control character (code {char}) that a file cannot contain",
            "delete it (it usually comes from copying out of a PDF or another program) and retype that part",
        ),
    },
    "yaml_multiple_documents": {
        "th": (
            "ไฟล์มีเอกสารมากกว่าหนึ่งชุด (คั่นด้วย ---)",
            "หนึ่งไฟล์ต่อหนึ่งตัวชี้วัด: ลบบรรทัด --- ออก หรือแยกตัวชี้วัดอื่นไปอีกไฟล์",
        ),
        "en": (
            "the file holds more than one document (separated by ---)",
            "one file per indicator: delete the --- line, or move the other indicator to its own file",
        ),
    },
    "yaml_tag": {
        "th": (
            "ข้อความที่ขึ้นต้นด้วย ! ต้องอยู่ในเครื่องหมายคำพูด (YAML อ่าน {tag} เป็นคำสั่งพิเศษ)",
            "ใส่ข้อความทั้งหมดในเครื่องหมายคำพูด เช่น \"!...\"",
        ),
        "en": (
            "a text starting with ! must be in quotes (YAML reads {tag} as a type tag)",
            "put the whole text in quotes, e.g. \"!...\"",
        ),
    },
    "yaml_complex_key": {
        "th": ("ชื่อหัวข้อต้องเป็นคำภาษาอังกฤษธรรมดา ไม่ใช่รายการหรือหัวข้อย่อย", "เขียนเป็น ชื่อหัวข้อ: ค่า"),
        "en": ("a key must be a plain English word, not a list or a mapping", "write key: value"),
    },
    "yaml_too_deep": {
        "th": ("ข้อมูลซ้อนกันลึกเกินไป (เกิน {limit} ชั้น)", "รูปแบบไฟล์นี้ซ้อนกันไม่เกิน 3 ชั้น ตรวจการเยื้องและวงเล็บ"),
        "en": (
            "the data is nested too deeply (more than {limit} levels)",
            "this format is nested at most 3 levels deep; check the indentation and brackets",
        ),
    },
    "yaml_syntax": {
        "th": ("รูปแบบ YAML ไม่ถูกต้อง (รายละเอียดภาษาอังกฤษ: {detail})", "ตรวจบรรทัดนี้และบรรทัดก่อนหน้า"),
        "en": ("invalid YAML: {detail}", "check this line and the line before it"),
    },
    "duplicate_key": {
        "th": (
            "หัวข้อ {key} ซ้ำ: เขียนไว้แล้วที่บรรทัด {first_line}",
            "เก็บไว้เพียงที่เดียว: รวมข้อความแล้วลบหัวข้อที่ซ้ำออก",
        ),
        "en": (
            "the key {key} appears twice: it is already written on line {first_line}",
            "keep only one: merge the texts and delete the duplicate",
        ),
    },
    # --- keys -----------------------------------------------------------------------------------------------------
    "unknown_key": {
        "th": ("ไม่รู้จักหัวข้อ {key}{where}", "หัวข้อที่ใช้ได้: {allowed}"),
        "en": ("unknown key {key}{where}", "the keys allowed here: {allowed}"),
    },
    "unknown_key_suggest": {
        "th": ("ไม่รู้จักหัวข้อ {key}{where} หมายถึง {suggestion} หรือไม่", "แก้เป็น {suggestion}: (หัวข้อที่ใช้ได้: {allowed})"),
        "en": ("unknown key {key}{where}; did you mean {suggestion}?", "change it to {suggestion}: (allowed: {allowed})"),
    },
    "unknown_key_thai": {
        "th": (
            "ชื่อหัวข้อต้องเป็นภาษาอังกฤษ: {key} คือหัวข้อ {suggestion} ({description})",
            "แก้เป็น {suggestion}: แล้วใส่ค่าภาษาไทยหลังเครื่องหมาย :",
        ),
        "en": (
            "keys must be written in English: {key} is the key {suggestion} ({description})",
            "change it to {suggestion}: and keep the Thai text after the colon",
        ),
    },
    "missing": {
        "th": ("ขาดหัวข้อที่ต้องมี{where}: {keys}", "เพิ่ม {example}"),
        "en": ("required key missing{where}: {keys}", "add {example}"),
    },
    # --- values ---------------------------------------------------------------------------------------------------
    "empty_value": {
        "th": ("{field} ว่างอยู่ ต้องใส่{expected}", "ใส่ค่าหลัง {key}: หรือลบบรรทัดนี้ถ้าหัวข้อนี้ไม่บังคับ"),
        "en": ("{field} is empty; it needs {expected}", "write a value after {key}: or delete the line if optional"),
    },
    "not_text": {
        "th": ("ต้องเป็นข้อความ แต่พบ {found}", "ใส่ข้อความในเครื่องหมายคำพูด เช่น {key}: \"{raw}\""),
        "en": ("must be text, but found {found}", "put the text in quotes, e.g. {key}: \"{raw}\""),
    },
    "yaml_bool": {
        "th": (
            "ต้องเป็น{expected} แต่พบ {raw} ซึ่ง YAML อ่านเป็นค่าจริง/เท็จ ({value}) ไม่ใช่ข้อความ",
            "ใส่ในเครื่องหมายคำพูด: {key}: '{raw}'",
        ),
        "en": (
            "must be {expected}, but YAML reads {raw} as {value} (yes/no), not as text",
            "put it in quotes: {key}: '{raw}'",
        ),
    },
    "yaml_date_as_text": {
        "th": (
            "ต้องเป็นข้อความ แต่ YAML อ่าน {raw} เป็นวันที่",
            "ใส่ในเครื่องหมายคำพูด: {key}: '{raw}'",
        ),
        "en": ("must be text, but YAML reads {raw} as a date", "put it in quotes: {key}: '{raw}'"),
    },
    "yaml_number_as_text": {
        "th": (
            "ต้องเป็นข้อความ แต่ YAML อ่าน {raw} เป็นตัวเลข {value}",
            "ใส่ในเครื่องหมายคำพูด: {key}: '{raw}'",
        ),
        "en": ("must be text, but YAML reads {raw} as the number {value}", "put it in quotes: {key}: '{raw}'"),
    },
    "code_not_text": {
        "th": (
            "รหัสตัวชี้วัดต้องเป็นข้อความในเครื่องหมายคำพูด แต่ YAML อ่าน {raw} เป็นตัวเลข {value}",
            "ใส่รหัสในเครื่องหมายคำพูดและคงเลข 0 นำหน้าไว้ เช่น code: '{suggestion}'",
        ),
        "en": (
            "the indicator code must be text in quotes, but YAML reads {raw} as the number {value}",
            "put the code in quotes and keep its leading zero, e.g. code: '{suggestion}'",
        ),
    },
    "code_pattern": {
        "th": (
            "รหัสตัวชี้วัดไม่ถูกต้อง: {found}",
            "ใช้เฉพาะตัวเลข ตัวอักษรภาษาอังกฤษ และ . _ - ไม่เกิน 16 ตัว ขึ้นต้นด้วยตัวเลขหรือตัวอักษร เช่น '08'",
        ),
        "en": (
            "invalid indicator code: {found}",
            "use only digits, English letters and . _ -, at most 16, starting with a digit or letter, e.g. '08'",
        ),
    },
    "not_number": {
        "th": ("ต้องเป็นตัวเลขไม่ติดลบ แต่พบ {found}", "ใส่ตัวเลข เช่น {key}: 3"),
        "en": ("must be a number, not negative, but found {found}", "write a number, e.g. {key}: 3"),
    },
    "number_quoted": {
        "th": ("ต้องเป็นตัวเลข แต่เขียนไว้ในเครื่องหมายคำพูด จึงเป็นข้อความ {found}", "ลบเครื่องหมายคำพูดออก: {key}: {suggestion}"),
        "en": ("must be a number, but it is written in quotes, which makes it text: {found}", "remove the quotes: {key}: {suggestion}"),
    },
    "number_formatted": {
        "th": ("ต้องเป็นตัวเลข แต่พบ {found}", "เขียนเป็นเลขอารบิกไม่มีจุลภาคหรือหน่วย: {key}: {suggestion}"),
        "en": ("must be a number, but found {found}", "write Arabic digits without commas or units: {key}: {suggestion}"),
    },
    "negative": {
        "th": ("ต้องเป็นตัวเลขไม่ติดลบ แต่พบ {value}", "ใส่ตัวเลขตั้งแต่ 0 ขึ้นไป"),
        "en": ("must not be negative, but found {value}", "write a number of 0 or more"),
    },
    "not_finite": {
        "th": ("ต้องเป็นตัวเลขจริง แต่พบ {raw}", "ใส่ตัวเลข เช่น {key}: 3"),
        "en": ("must be an actual number, but found {raw}", "write a number, e.g. {key}: 3"),
    },
    "not_integer": {
        "th": ("ต้องเป็นจำนวนเต็ม{expected_extra} แต่พบ {found}", "{fix}"),
        "en": ("must be a whole number{expected_extra}, but found {found}", "{fix}"),
    },
    "fiscal_year_ce": {
        "th": (
            "ปีงบประมาณต้องเป็นปี พ.ศ. แต่พบ {value} ซึ่งดูเหมือนปี ค.ศ.",
            "ใช้ปี พ.ศ.: fiscal_year: {suggestion}",
        ),
        "en": (
            "the fiscal year must be a Buddhist-Era year, but found {value}, which looks like a Christian-Era year",
            "use the Buddhist-Era year: fiscal_year: {suggestion}",
        ),
    },
    "fiscal_year_range": {
        "th": ("ปีงบประมาณ {value} อยู่นอกช่วงที่รับได้ ({low}–{high})", "ใส่ปีงบประมาณ พ.ศ. เช่น fiscal_year: 2564"),
        "en": ("the fiscal year {value} is outside the accepted range ({low}–{high})", "write a Buddhist-Era fiscal year, e.g. fiscal_year: 2564"),
    },
    "too_small": {
        "th": ("ต้องไม่น้อยกว่า {limit} แต่พบ {value}", None),
        "en": ("must be at least {limit}, but found {value}", None),
    },
    "too_large": {
        "th": ("ต้องไม่เกิน {limit} แต่พบ {value}", "ตรวจตัวเลขอีกครั้ง และเขียนเป็นตัวเลขเต็ม เช่น 316259"),
        "en": ("must be at most {limit}, but found {value}", "check the number, and write it out in full, e.g. 316259"),
    },
    "not_mapping": {
        "th": (
            "ต้องเป็นหัวข้อย่อย (ชื่อหัวข้อ: ค่า ในบรรทัดถัดไปที่เยื้องเข้าไป) แต่พบ {found}",
            "{fix}",
        ),
        "en": ("must be a group of sub-keys (key: value on the indented lines below), but found {found}", "{fix}"),
    },
    "not_list": {
        "th": (
            "ต้องเป็นรายการ (แต่ละรายการขึ้นบรรทัดใหม่ด้วย - ) แต่พบ {found}",
            "เขียนแต่ละรายการในบรรทัดใหม่ที่ขึ้นต้นด้วย -  เช่น\n    {key}:\n      - title: ...",
        ),
        "en": (
            "must be a list (each item on a new line starting with - ), but found {found}",
            "write each item on its own line starting with - , e.g.\n    {key}:\n      - title: ...",
        ),
    },
    "choice": {
        "th": ("ต้องเป็นค่าใดค่าหนึ่งต่อไปนี้: {expected} แต่พบ {found}", "{fix}"),
        "en": ("must be one of: {expected}, but found {found}", "{fix}"),
    },
    "too_short": {
        "th": ("{field} ว่างอยู่ ต้องมีข้อความ", "ใส่ข้อความ หรือลบหัวข้อนี้ถ้าไม่บังคับ"),
        "en": ("{field} is empty; it needs some text", "write the text, or delete the key if it is optional"),
    },
    "too_long": {
        "th": ("ข้อความยาวเกินไป: {length} ตัวอักษร (ไม่เกิน {limit})", "ตรวจว่าไม่ได้วางข้อความซ้ำหรือวางเอกสารทั้งฉบับโดยไม่ตั้งใจ"),
        "en": ("the text is too long: {length} characters (at most {limit})", "check that no text was pasted twice or a whole document pasted by accident"),
    },
    "too_many_items": {
        "th": ("มีรายการมากเกินไป: {length} รายการ (ไม่เกิน {limit})", None),
        "en": ("too many items: {length} (at most {limit})", None),
    },
    "too_few_items": {
        "th": ("มีรายการน้อยเกินไป: {length} รายการ (อย่างน้อย {limit})", None),
        "en": ("too few items: {length} (at least {limit})", None),
    },
    "unsafe_url": {
        "th": (
            "ลิงก์ต้องขึ้นต้นด้วย https:// (หรือ http:// หรือ mailto:) แต่พบ {url}",
            "ใส่ที่อยู่เว็บเต็ม เช่น https://www.bangkoklibrary.go.th",
        ),
        "en": (
            "a link must start with https:// (or http:// or mailto:), but found {url}",
            "write the full web address, e.g. https://www.bangkoklibrary.go.th",
        ),
    },
    "image_in_text": {
        "th": (
            "ใส่รูปภาพในข้อความไม่ได้ (พบ {url}) แบบฟอร์มไม่มีรูปภาพ",
            "ลบรูปออก แล้วใส่ไฟล์รูปเป็นหลักฐานในหัวข้อ evidence แทน",
        ),
        "en": (
            "images cannot be placed in the text (found {url}); the form has no images",
            "remove the image and list the file as evidence instead",
        ),
    },
    "date_buddhist_era": {
        "th": (
            "วันที่ต้องใช้ปี ค.ศ. แต่พบปี {year} ซึ่งเป็นปี พ.ศ.",
            "ใช้ปี ค.ศ.: {key}: {suggestion} (แบบฟอร์มพิมพ์เป็นปี พ.ศ. ให้อัตโนมัติ)",
        ),
        "en": (
            "dates use the Christian-Era year, but found the year {year}, which is a Buddhist-Era year",
            "use the Christian-Era year: {key}: {suggestion} (the form prints it in B.E. automatically)",
        ),
    },
    "date_invalid": {
        "th": ("ไม่มีวันที่นี้จริง: {raw} ({reason})", "ตรวจวัน เดือน ปี แล้วเขียนแบบ ปี-เดือน-วัน เช่น 2021-10-20"),
        "en": ("this date does not exist: {raw} ({reason})", "check the day, month and year; write year-month-day, e.g. 2021-10-20"),
    },
    "date_format": {
        "th": (
            "ต้องเป็นวันที่แบบ ค.ศ. ปี-เดือน-วัน เช่น 2021-10-20 แต่พบ {found}",
            "{fix}",
        ),
        "en": ("must be a date written year-month-day with the Christian-Era year, e.g. 2021-10-20, but found {found}", "{fix}"),
    },
    "date_with_time": {
        "th": ("ต้องเป็นวันที่อย่างเดียว ไม่มีเวลา แต่พบ {raw}", "ลบเวลาออก: {key}: {suggestion}"),
        "en": ("must be a date only, without a time, but found {raw}", "remove the time: {key}: {suggestion}"),
    },
    "invalid": {
        "th": ("ค่าไม่ถูกต้อง: พบ {found} (รายละเอียดภาษาอังกฤษ: {detail})", None),
        "en": ("invalid value: found {found} ({detail})", None),
    },
    # --- cross-file rules -----------------------------------------------------------------------------------------
    "duplicate_code": {
        "th": (
            "รหัสตัวชี้วัด {indicator_code} ปีงบประมาณ {year} ซ้ำกับไฟล์ {other}",
            "หนึ่งรหัสต่อหนึ่งไฟล์ในแต่ละปี: แก้รหัสในไฟล์ใดไฟล์หนึ่ง หรือลบไฟล์ที่ซ้ำ",
        ),
        "en": (
            "the indicator code {indicator_code} of fiscal year {year} is also used by {other}",
            "one file per code and year: change the code in one of them, or delete the duplicate",
        ),
    },
    "year_folder_mismatch": {
        "th": (
            "ปีงบประมาณในไฟล์ ({year}) ไม่ตรงกับโฟลเดอร์ {folder}",
            "แก้ fiscal_year เป็น {folder} หรือย้ายไฟล์ไปไว้ในโฟลเดอร์ content/indicators/{year}/",
        ),
        "en": (
            "the fiscal year in the file ({year}) does not match its folder {folder}",
            "change fiscal_year to {folder}, or move the file to content/indicators/{year}/",
        ),
    },
    "file_name_mismatch": {
        "th": (
            "รหัสตัวชี้วัด {indicator_code} ไม่ตรงกับชื่อไฟล์ {name}",
            "แก้ code เป็น '{stem}' หรือเปลี่ยนชื่อไฟล์เป็น {indicator_code}.yaml",
        ),
        "en": (
            "the indicator code {indicator_code} does not match the file name {name}",
            "change code to '{stem}', or rename the file to {indicator_code}.yaml",
        ),
    },
    "not_in_year_folder": {
        "th": (
            "ไฟล์ตัวชี้วัดควรอยู่ในโฟลเดอร์ปีงบประมาณ เช่น content/indicators/{year}/{name}",
            "ย้ายไฟล์ไปไว้ในโฟลเดอร์ content/indicators/{year}/",
        ),
        "en": (
            "an indicator file belongs in the folder of its fiscal year, e.g. content/indicators/{year}/{name}",
            "move the file to content/indicators/{year}/",
        ),
    },
    # --- evidence files, sign-off and release ---------------------------------------------------------------------
    "evidence_file_missing": {
        "th": (
            "ไม่พบไฟล์หลักฐาน {evidence_file} (นับจากโฟลเดอร์ content/)",
            "ตรวจชื่อไฟล์ (ตัวพิมพ์เล็ก-ใหญ่ต้องตรงกัน) และเขียนเส้นทางนับจากโฟลเดอร์ content/ เช่น file: evidence/2564/08-report.pdf",
        ),
        "en": (
            "the evidence file {evidence_file} does not exist (paths start from the content/ folder)",
            "check the file name (upper and lower case must match) and write the path from content/,"
            " e.g. file: evidence/2564/08-report.pdf",
        ),
    },
    "evidence_file_outside": {
        "th": (
            "ไฟล์หลักฐานต้องอยู่ในโฟลเดอร์ content/ แต่ {evidence_file} {reason}",
            "คัดลอกไฟล์มาไว้ในโฟลเดอร์ content/ (เช่น content/evidence/) แล้วเขียนเส้นทางนับจาก content/ ด้วย / เช่น file: evidence/2564/08-report.pdf",
        ),
        "en": (
            "an evidence file must be inside the content/ folder, but {evidence_file} {reason}",
            "copy the file into content/ (e.g. content/evidence/) and write its path from content/ with /,"
            " e.g. file: evidence/2564/08-report.pdf",
        ),
    },
    "signoff_stale": {
        "th": (
            "แก้ไขหลังลงนาม: เนื้อหาไม่ตรงกับฉบับที่ {name} ลงนามไว้เมื่อ {date}",
            "ตรวจการแก้ไข แล้วให้ผู้รับผิดชอบลงนามใหม่: reportgen signoff {source} --name {name_arg} --position {position_arg}",
        ),
        "en": (
            "edited after sign-off: the content no longer matches what {name} signed off on {date}",
            "review the changes, then have the responsible person sign off again:"
            " reportgen signoff {source} --name {name_arg} --position {position_arg}",
        ),
    },
    "signoff_missing": {
        "th": (
            "ยังไม่ได้ลงนาม (ฉบับร่าง) จึงเผยแพร่ด้วย build --release ไม่ได้",
            "ให้ผู้รับผิดชอบตรวจแบบรายงาน แล้วลงนามด้วย reportgen signoff {source} --name \"ชื่อ นามสกุล\" --position \"ตำแหน่ง\"",
        ),
        "en": (
            "not signed off (a draft), so build --release cannot publish it",
            "have the responsible person review the form, then sign it off with"
            " reportgen signoff {source} --name \"Full Name\" --position \"Position\"",
        ),
    },
    "signoff_no_digest": {
        "th": (
            "การลงนามไม่มี digest (อาจเขียนด้วยมือ) จึงยืนยันไม่ได้ว่าเนื้อหาเป็นฉบับที่ลงนาม",
            "ลงนามด้วยคำสั่ง reportgen signoff {source} --name {name_arg} --position {position_arg} ซึ่งคำนวณ digest ให้",
        ),
        "en": (
            "the sign-off has no digest (perhaps written by hand), so nothing shows the content is what was signed",
            "sign off with reportgen signoff {source} --name {name_arg} --position {position_arg}, which computes the digest",
        ),
    },
    # --- the open data's settings (site.yaml) ---------------------------------------------------------------------
    "data_license_unset": {
        "th": (
            "ยังไม่ได้เลือกสัญญาอนุญาตของข้อมูลเปิด (data_license) จึงเผยแพร่ด้วย {default}",
            "เพิ่มบรรทัด data_license: {default} ใน content/site.yaml (หรือเลือก CC-BY-SA-4.0, CC0-1.0, DGA-OGL)"
            " ตามที่หน่วยงานอนุมัติ",
        ),
        "en": (
            "no licence is chosen for the open data (data_license), so it is published under {default}",
            "add the line data_license: {default} to content/site.yaml (or CC-BY-SA-4.0, CC0-1.0, DGA-OGL), as the"
            " agency approved",
        ),
    },
    "publisher_unset": {
        "th": (
            "ยังไม่ได้ระบุผู้เผยแพร่ข้อมูลเปิด (publisher) เมทาดาทาจึงใช้ชื่อหน่วยงาน {agency} และไม่มีอีเมลติดต่อ"
            " ซึ่ง data.go.th กำหนดให้ต้องมี",
            "เพิ่มใน content/site.yaml: publisher: ตามด้วย name: (ชื่อหน่วยงาน) email: (อีเมลติดต่อ) และ url: (เว็บไซต์)"
            " โดยเยื้อง 2 ช่อง",
        ),
        "en": (
            "the open data's publisher (publisher) is not set, so the metadata names the agency {agency} with no"
            " contact e-mail, which data.go.th requires",
            "add to content/site.yaml: publisher: with name:, email: and url: below it, indented by 2 spaces",
        ),
    },
    "email_invalid": {
        "th": ("อีเมลไม่ถูกต้อง: {found}", "เขียนอีเมลแบบ ชื่อ@โดเมน เช่น library@bangkok.go.th"),
        "en": ("not an e-mail address: {found}", "write the address as name@domain, e.g. library@bangkok.go.th"),
    },
    # --- issue 18: signatures, sign-off coverage, output folders, shards, the preview -------------------------------
    "signoff_old_digest": {
        "th": (
            "การลงนามใช้ digest แบบเดิม ซึ่งไม่ครอบคลุมชื่อ ตำแหน่ง และวันที่ของผู้ลงนาม (แก้ด้วยมือได้โดยไม่มีใครรู้)",
            "ให้ผู้รับผิดชอบลงนามใหม่ด้วย reportgen signoff {source} --name {name_arg} --position {position_arg}"
            " --date {date} เพื่อให้ digest ครอบคลุมทั้งบล็อกการลงนาม",
        ),
        "en": (
            "the sign-off uses the old digest, which does not cover the signer's name, position and date"
            " (they could be edited by hand unnoticed)",
            "have the responsible person sign off again with reportgen signoff {source} --name {name_arg}"
            " --position {position_arg} --date {date}, so that the digest covers the whole sign-off block",
        ),
    },
    "verify_changed_pages": {
        "th": ("จำนวนหน้าเปลี่ยนหลังลงนาม ({before} → {after} หน้า)", None),
        "en": ("the number of pages changed after signing ({before} → {after})", None),
    },
    "verify_changed_page": {
        "th": ("เนื้อหาหน้า {page} ถูกเปลี่ยนหลังลงนาม", None),
        "en": ("the content of page {page} changed after signing", None),
    },
    "verify_changed_annotation": {
        "th": ("ส่วนที่แสดงบนหน้า {page} (ช่องฟอร์มหรือหมายเหตุที่มีอยู่ตอนลงนาม) ถูกเปลี่ยนหรือลบหลังลงนาม", None),
        "en": ("something shown on page {page} (a field or annotation present when signed) was changed or removed"
               " after signing", None),
    },
    "verify_added_annotation": {
        "th": ("มีการเพิ่มสิ่งที่มองเห็นได้บนหน้า {page} หลังลงนาม (ช่องฟอร์ม ลายมือชื่อที่มองเห็น หรือหมายเหตุ)"
               " ซึ่งอาจปิดทับข้อความที่ลงนามไว้", None),
        "en": ("something visible was added on page {page} after signing (a form field, a visible signature or an"
               " annotation), which may cover the signed text", None),
    },
    "verify_changed_document": {
        "th": ("ส่วนของเอกสารถูกเปลี่ยนหลังลงนาม ({entries})", None),
        "en": ("parts of the document changed after signing ({entries})", None),
    },
    "verify_changed_metadata": {
        "th": ("ข้อมูลเอกสาร (metadata) ถูกเปลี่ยนหลังลงนาม ({entries})", None),
        "en": ("the document's metadata changed after signing ({entries})", None),
    },
    "verify_changed_unreadable": {
        "th": ("อ่านส่วนที่เพิ่มหลังลงนามไม่ได้ จึงยืนยันไม่ได้ว่าไม่เปลี่ยนสิ่งที่ผู้อ่านเห็น", None),
        "en": ("what was appended after signing cannot be read, so nothing shows it leaves the form as signed", None),
    },
    "verify_untrusted_no_chain": {
        "th": ("ไม่พบสายใบรับรองจากใบรับรองของผู้ลงนาม (ออกโดย {issuer}) ไปถึงใบรับรองที่ให้ด้วย --trust", None),
        "en": ("no certificate chain leads from the signer's certificate (issued by {issuer}) to a --trust"
               " certificate", None),
    },
    "verify_untrusted_chain_rules": {
        "th": ("สายใบรับรองผิดกฎ (เช่น ผู้ออกใบรับรองไม่ได้เป็น CA หรือใช้กุญแจผิดวัตถุประสงค์) ผู้ออก: {issuer}", None),
        "en": ("the certificate chain breaks a rule (e.g. an issuer that is not a CA, or a key used for another"
               " purpose); issuer: {issuer}", None),
    },
    "verify_untrusted_key_usage": {
        "th": ("ใบรับรองของผู้ลงนามไม่อนุญาตให้ใช้ลงนามเอกสาร (key usage) ผู้ออก: {issuer}", None),
        "en": ("the signer's certificate does not allow signing documents (key usage); issuer: {issuer}", None),
    },
    "verify_untrusted_expired": {
        "th": ("ใบรับรองในสายหมดอายุหรือยังไม่เริ่มใช้ ณ เวลาที่ตรวจ ผู้ออก: {issuer}", None),
        "en": ("a certificate of the chain is expired or not yet valid at the time checked; issuer: {issuer}", None),
    },
    "verify_untrusted_revoked": {
        "th": ("ใบรับรองถูกเพิกถอน ผู้ออก: {issuer}", None),
        "en": ("the certificate was revoked; issuer: {issuer}", None),
    },
    "verify_untrusted_weak": {
        "th": ("ลายมือชื่อใช้อัลกอริทึมหรือกุญแจที่อ่อนเกินไป ผู้ออก: {issuer}", None),
        "en": ("the signature uses an algorithm or key too weak to trust; issuer: {issuer}", None),
    },
    "verify_untrusted_other": {
        "th": ("ตรวจสายใบรับรองไม่ผ่าน ({indication}) ผู้ออก: {issuer}", None),
        "en": ("the certificate chain did not validate ({indication}); issuer: {issuer}", None),
    },
    "sign_key_is_ca": {
        "th": (
            "ใบรับรองใน {source} เป็นใบรับรองของผู้ออกใบรับรอง (CA) ซึ่งใช้ออกใบรับรอง ไม่ใช่ลงนามเอกสาร ({subject})",
            "ใช้กุญแจลงนามของบุคคลหรือหน่วยงานที่ CA ออกให้ ไม่ใช่กุญแจของ CA เอง",
        ),
        "en": (
            "the certificate in {source} is a certificate authority's ({subject}): a CA's key issues certificates,"
            " it does not sign documents",
            "use a signing key the CA issued to a person or the department, not the CA's own key",
        ),
    },
    "sign_key_no_signing_usage": {
        "th": (
            "ใบรับรองใน {source} ไม่อนุญาตให้ลงนาม (key usage ไม่มี digitalSignature หรือ nonRepudiation) ({subject})",
            "ขอใบรับรองสำหรับลงนามเอกสารจากผู้ออกใบรับรอง",
        ),
        "en": (
            "the certificate in {source} does not allow signing: its key usage has neither digitalSignature nor"
            " nonRepudiation ({subject})",
            "ask the certificate authority for a document-signing certificate",
        ),
    },
    "sign_key_wrong_purpose": {
        "th": (
            "ใบรับรองใน {source} ออกให้ใช้เพื่อ {purposes} เท่านั้น ไม่ใช่ลงนามเอกสาร ({subject})",
            "ใบรับรองเว็บไซต์ (TLS) ใช้ลงนามเอกสารไม่ได้ ขอใบรับรองสำหรับลงนามเอกสารจากผู้ออกใบรับรอง",
        ),
        "en": (
            "the certificate in {source} is for {purposes} only, not for signing documents ({subject})",
            "a web site (TLS) certificate cannot sign documents; ask the CA for a document-signing certificate",
        ),
    },
    "sign_key_too_short": {
        "th": (
            "กุญแจใน {source} ยาว {bits} บิต สั้นเกินไป ต้องยาวอย่างน้อย {minimum} บิต ({subject})",
            "ขอใบรับรองใหม่ที่ใช้กุญแจ RSA อย่างน้อย {minimum} บิต",
        ),
        "en": (
            "the key in {source} has {bits} bits, too short: at least {minimum} are needed ({subject})",
            "get a new certificate with an RSA key of at least {minimum} bits",
        ),
    },
    "output_not_ours": {
        "th": (
            "ไม่เขียนลงโฟลเดอร์ {folder} เพราะมีไฟล์อยู่แล้วและไม่ได้สร้างโดย reportgen (ไม่มีไฟล์ {marker})"
            " ถ้าสร้างลงไปจะลบของเดิมทั้งหมด ไม่ได้แตะต้องอะไร",
            "ใช้ -o กับโฟลเดอร์ว่าง โฟลเดอร์ที่ยังไม่มี หรือโฟลเดอร์ที่ reportgen เคยสร้าง",
        ),
        "en": (
            "refusing to build into {folder}: it holds files and was not made by reportgen (it has no {marker}),"
            " so building there would delete them all; nothing was touched",
            "give -o an empty folder, one that does not exist yet, or one reportgen built before",
        ),
    },
    "merge_outside_shard": {
        "th": ("{slug}: ไฟล์ {pdf} ที่ shard ระบุไม่ใช่ไฟล์ PDF ของตัวชี้วัดนี้ภายในโฟลเดอร์ {folder} ({reason})", None),
        "en": ("{slug}: the file {pdf} its shard names is not this indicator's PDF inside {folder} ({reason})", None),
    },
    "serve_host_refused": {
        "th": ("ไม่ตอบคำขอที่ส่งมาในชื่อ {host} เพื่อกันเว็บไซต์อื่นอ่านหน้าตัวอย่าง (DNS rebinding)", None),
        "en": ("refusing a request addressed to {host}, so that no other web site can read the preview"
               " (DNS rebinding)", None),
    },
    "serve_exposed": {
        "th": (
            "คำเตือน: หน้าตัวอย่างเปิดให้เครื่องอื่นในเครือข่ายเข้าดูได้ ({host}) รวมถึงฉบับร่างที่ยังไม่ลงนาม",
            "ใช้ค่าเริ่มต้น --host 127.0.0.1 เพื่อให้ดูได้เฉพาะเครื่องนี้",
        ),
        "en": (
            "warning: the preview is open to other computers on the network ({host}), drafts included",
            "use the default --host 127.0.0.1 to keep it to this computer",
        ),
    },
    # --- warnings -------------------------------------------------------------------------------------------------
    "extraction_artifact": {
        "th": (
            "พบ ? ระหว่างคำภาษาไทย ({excerpt}) ซึ่งมักเป็นขีด – ที่เสียไประหว่างคัดลอกจาก PDF",
            "ถ้าตั้งใจให้เป็นขีด ให้แก้ ? เป็น – (เช่น พฤษภาคม – มิถุนายน)",
        ),
        "en": (
            "a ? between Thai words ({excerpt}), usually a dash – lost when copying from a PDF",
            "if a dash was meant, replace the ? with – (e.g. พฤษภาคม – มิถุนายน)",
        ),
    },
    "replacement_char": {
        "th": (
            "พบอักขระ � ({excerpt}) ซึ่งแปลว่าตัวอักษรเดิมเสียไประหว่างคัดลอก",
            "พิมพ์ตัวอักษรที่หายไปใหม่ตามต้นฉบับ",
        ),
        "en": (
            "found the character � ({excerpt}): the original character was lost when copying",
            "retype the missing character from the original",
        ),
    },
    "future_quarter": {
        "th": (
            "มีรายงานไตรมาสที่ {quarter} ของปีงบประมาณ {year} แต่ไตรมาสนี้ยังไม่สิ้นสุด (สิ้นสุด {end})",
            "ตรวจว่าใส่ไตรมาสหรือปีงบประมาณถูกต้อง",
        ),
        "en": (
            "there is a report for quarter {quarter} of fiscal year {year}, which has not ended yet (it ends {end})",
            "check that the quarter and the fiscal year are right",
        ),
    },
    "future_summary": {
        "th": (
            "มีสรุปผลการดำเนินงานของปีงบประมาณ {year} แต่ปีงบประมาณยังไม่สิ้นสุด (สิ้นสุด {end})",
            "ตรวจว่าใส่ปีงบประมาณถูกต้อง",
        ),
        "en": (
            "there is a year-end summary for fiscal year {year}, which has not ended yet (it ends {end})",
            "check that the fiscal year is right",
        ),
    },
    "result_magnitude": {
        "th": (
            "ผลงาน {result} ต่างจากค่าเป้าหมาย {target} มากผิดปกติ (เกิน 100 เท่า)",
            "ตรวจว่าพิมพ์ตัวเลขถูกต้องและใช้หน่วยเดียวกับเป้าหมาย ({unit})",
        ),
        "en": (
            "the result {result} is unusually far from the target {target} (more than 100 times)",
            "check the number and that it uses the target's unit ({unit})",
        ),
    },
    "evidence_not_https": {
        "th": (
            "ลิงก์หลักฐานไม่ใช่ https: {url}",
            "ใช้ที่อยู่แบบ https:// ถ้าเว็บไซต์รองรับ",
        ),
        "en": ("the evidence link is not https: {url}", "use the https:// address if the site supports it"),
    },
    "placeholder": {
        "th": (
            "ยังไม่ได้กรอก {field}: ยังเป็นข้อความตัวอย่าง {placeholder} จาก reportgen new",
            "แทนที่ {placeholder} ด้วยข้อมูลจริง ถ้าข้อความนี้อยู่ท้ายบรรทัดหลังเครื่องหมาย # ให้แก้ค่าหน้า # แล้วลบหมายเหตุนั้น",
        ),
        "en": (
            "{field} is not filled in yet: it still holds the placeholder {placeholder} from reportgen new",
            "replace {placeholder} with the real value; if it is in a comment after #, correct the value before the #"
            " and delete the comment",
        ),
    },
    # --- the division's quarter (issue 14): release per form, status, new --year, import ---------------------------
    "release_withheld": {
        "th": ("ไม่เผยแพร่ {slug} ในการสร้างครั้งนี้: {reason}", "{fix}"),
        "en": ("{slug} is left out of this release: {reason}", "{fix}"),
    },
    "release_summary": {
        "th": ("เผยแพร่ {released} แบบรายงาน ไม่เผยแพร่ {withheld} แบบรายงาน{names}", None),
        "en": ("published {released} forms, left out {withheld}{names}", None),
    },
    "new_year_summary": {
        "th": ("ปีงบประมาณ {year}: สร้างไฟล์ใหม่ {created} ไฟล์จากปี {source} ข้ามไฟล์ที่มีอยู่แล้ว {skipped} ไฟล์{names}",
               "กรอกผลรายไตรมาสเมื่อรายงาน แล้วตรวจด้วย reportgen check"),
        "en": ("fiscal year {year}: wrote {created} new files from {source}, skipped {skipped} that already exist{names}",
               "fill in the quarters as they are reported and run reportgen check"),
    },
    "new_year_skipped": {
        "th": ("{path} มีอยู่แล้ว ไม่ได้แก้ไข", None),
        "en": ("{path} already exists; it was left as it was", None),
    },
    "new_year_empty": {
        "th": ("ไม่มีตัวชี้วัดของปีงบประมาณ {source} ให้ยกมา", "ปีที่มีตัวชี้วัด: {available}"),
        "en": ("fiscal year {source} has no indicators to carry over", "years with indicators: {available}"),
    },
    "new_from_usage": {
        "th": ("ใช้ --from ปี/รหัส กับรหัสตัวชี้วัด หรือ --from ปี โดยไม่ระบุรหัส เพื่อยกมาทั้งปี",
               "เช่น reportgen new 08 --year 2570 --from 2569/08 หรือ reportgen new --year 2570 --from 2569"),
        "en": ("use --from YEAR/CODE with a code, or --from YEAR without a code to carry over a whole year",
               "e.g. reportgen new 08 --year 2570 --from 2569/08, or reportgen new --year 2570 --from 2569"),
    },
    "status_quarter_not_ended": {
        "th": ("ไตรมาสที่ {quarter} ของปีงบประมาณ {year} ยังไม่สิ้นสุด (สิ้นสุด {end})",
               "ดูไตรมาสที่สิ้นสุดแล้ว หรือไม่ใส่ --quarter เพื่อดูไตรมาสล่าสุดที่สิ้นสุด"),
        "en": ("quarter {quarter} of fiscal year {year} has not ended yet (it ends {end})",
               "choose a quarter that has ended, or leave out --quarter for the last one that has"),
    },
    "status_no_year": {
        "th": ("ไม่มีตัวชี้วัดของปีงบประมาณ {year}", "ปีที่มีตัวชี้วัด: {available}"),
        "en": ("no indicators for fiscal year {year}", "years with indicators: {available}"),
    },
    "status_heading": {
        "th": ("ภาพรวมไตรมาสที่ {quarter} ปีงบประมาณ {year} ({start} – {end}) ข้อมูล ณ {today}", None),
        "en": ("Overview of quarter {quarter} of fiscal year {year} ({start} – {end}), as of {today}", None),
    },
    "status_counts": {
        "th": ("รายงานแล้ว {reported} · ยังไม่รายงาน {missing} · ฉบับร่าง {draft} · แก้ไขหลังลงนาม"
               " {edited_after_signoff} · ลงนามแล้ว {signed} · จากทั้งหมด {forms} แบบรายงาน", None),
        "en": ("reported {reported} · missing {missing} · draft {draft} · edited after sign-off"
               " {edited_after_signoff} · signed {signed} · of {forms} forms", None),
    },
    "status_by_officer": {"th": ("ตามผู้รับผิดชอบ:", None), "en": ("By officer:", None)},
    "status_officer_line": {
        "th": ("{officer}: {forms} แบบรายงาน ยังไม่รายงาน {missing} ({missing_codes}) ยังไม่ลงนาม {unsigned}"
               " ({unsigned_codes})", None),
        "en": ("{officer}: {forms} forms, missing {missing} ({missing_codes}), not signed {unsigned}"
               " ({unsigned_codes})", None),
    },
    "status_word_reported": {"th": ("รายงานแล้ว", None), "en": ("reported", None)},
    "status_word_missing": {"th": ("ยังไม่รายงาน", None), "en": ("missing", None)},
    "status_word_signed": {"th": ("ลงนามแล้ว", None), "en": ("signed", None)},
    "status_word_draft": {"th": ("ฉบับร่าง", None), "en": ("draft", None)},
    "status_word_edited_after_signoff": {"th": ("แก้ไขหลังลงนาม", None), "en": ("edited after sign-off", None)},
    "status_word_no_officer": {"th": ("(ไม่ได้ระบุผู้รับผิดชอบ)", None), "en": ("(no officer named)", None)},
    "import_unreadable": {
        "th": ("อ่านไฟล์ที่จะนำเข้าไม่ได้: {reason}", "ตรวจว่าไฟล์มีอยู่และบันทึกเป็นข้อความ UTF-8"),
        "en": ("cannot read the file to import: {reason}", "check that it exists and is UTF-8 text"),
    },
    "import_exists": {
        "th": ("{path} มีอยู่แล้ว ไม่ได้เขียนทับ", "ลบหรือย้ายไฟล์เดิมก่อน ถ้าต้องการนำเข้าใหม่"),
        "en": ("{path} already exists; it was not overwritten", "delete or move it first to import again"),
    },
    "import_no_code": {
        "th": ("ไม่พบรหัสตัวชี้วัดในหัวข้อ 1 (เช่น 1. ชื่อตัวชี้วัด : 08.)", "ระบุรหัสด้วย --code เช่น --code 08"),
        "en": ("no indicator code in section 1 (e.g. 1. ชื่อตัวชี้วัด : 08.)", "give the code with --code, e.g. --code 08"),
    },
    "import_missing_section": {
        "th": ("ไม่พบหัวข้อ {section} ({title}) ในไฟล์ที่นำเข้า ใส่ข้อความตัวอย่างไว้แทน", "กรอก {field} ในไฟล์ที่สร้าง"),
        "en": ("section {section} ({title}) is not in the imported file; a placeholder was written instead",
               "fill in {field} in the file written"),
    },
    "import_unknown_part": {
        "th": ("ไม่รู้จักข้อความบรรทัดที่ {line}: {excerpt} จึงไม่ได้นำเข้า", "ตรวจต้นฉบับ แล้วเพิ่มข้อความนี้ในหัวข้อที่ถูกต้องเอง"),
        "en": ("line {line} is not understood: {excerpt}; it was not imported",
               "check the original and add this text to the right field by hand"),
    },
    "import_ambiguous": {
        "th": ("{detail} ใส่ข้อความตัวอย่างไว้แทน", "ตรวจต้นฉบับแล้วกรอกค่าที่ถูกต้อง"),
        "en": ("{detail_en}; a placeholder was written instead", "check the original and fill in the right value"),
    },
    "import_read_as": {
        "th": ("นำเข้าโดยตีความ: {detail}", "ตรวจกับต้นฉบับว่าอ่านถูกต้อง"),
        "en": ("imported as read: {detail_en}", "check this reading against the original"),
    },
    "import_dash": {
        "th": ("แก้ ? เป็นขีด – {count} แห่ง (ขีดที่เสียไประหว่างส่งออกจากระบบ)", "ตรวจว่าถูกต้องตามต้นฉบับ"),
        "en": ("replaced {count} ? with the dash – (dashes lost in the export)", "check them against the original"),
    },
    "import_wrote": {
        "th": ("นำเข้า {source} เป็น {path} แล้ว (คำเตือน {warnings} รายการ)", "ตรวจไฟล์แล้วรัน reportgen check"),
        "en": ("imported {source} as {path} ({warnings} warnings)", "review the file, then run reportgen check"),
    },
    # --- what YAML's rules would change, and pasted text (issue 13) ----------------------------------------------
    "legacy_thai_encoding": {
        "th": (
            "ไฟล์บันทึกเป็นภาษาไทยแบบเก่า (Windows-874 / TIS-620) ไม่ใช่ UTF-8 จึงอ่านภาษาไทยไม่ได้ทั้งไฟล์",
            "เปิดไฟล์แล้วบันทึกใหม่โดยเลือกการเข้ารหัส (Encoding) เป็น UTF-8 เช่น ใน Notepad เลือก บันทึกเป็น → UTF-8;"
            " ใน VS Code คลิก Windows 874 ที่แถบล่าง → Save with Encoding → UTF-8",
        ),
        "en": (
            "the file is saved in the old Thai encoding (Windows-874 / TIS-620), not UTF-8, so none of its Thai can be"
            " read",
            "open the file and save it again with the encoding UTF-8 (Notepad: Save As → Encoding: UTF-8; VS Code: click"
            " Windows 874 in the status bar → Save with Encoding → UTF-8)",
        ),
    },
    "text_control_char": {
        "th": (
            "ข้อความมี{kind} {char} ซึ่งมองไม่เห็นและพิมพ์ลงแบบฟอร์มไม่ได้",
            "ลบอักขระนั้นออก (มักติดมากับการคัดลอกจากโปรแกรมอื่น) ถ้าเขียนเป็นรหัส เช่น \\x1b หรือ \\uD800"
            " ในเครื่องหมายคำพูด ให้ลบรหัสนั้นออก",
        ),
        "en": (
            "the text holds {kind} {char}, which is invisible and cannot be printed on the form",
            "delete that character (it usually comes with text copied from another program); if it is written as an"
            " escape such as \\x1b or \\uD800 inside quotes, delete the escape",
        ),
    },
    "yaml_curly_quotes": {
        "th": (
            "ค่านี้อยู่ในเครื่องหมายคำพูดแบบโค้ง (“ ” หรือ ‘ ’) ซึ่ง YAML ไม่ถือเป็นเครื่องหมายคำพูด จึงอ่านเป็นข้อความ {raw}"
            " ทั้งเครื่องหมาย",
            "พิมพ์เครื่องหมายคำพูดตรง \" หรือ ' จากแป้นพิมพ์แทน (Word เปลี่ยนเป็นแบบโค้งเอง): {key}: \"{inner}\"",
        ),
        "en": (
            "this value is in curly quotes (“ ” or ‘ ’), which YAML does not take as quotes, so it reads the text {raw}"
            " with the quote marks",
            "type straight quotes \" or ' from the keyboard instead (Word curls them by itself): {key}: \"{inner}\"",
        ),
    },
    "curly_quoted_text": {
        "th": (
            "ข้อความอยู่ในเครื่องหมายคำพูดแบบโค้ง (“ ”) ซึ่ง YAML ไม่ถือเป็นเครื่องหมายคำพูด แบบฟอร์มจะพิมพ์เครื่องหมายนั้นด้วย",
            "ถ้าไม่ต้องการให้พิมพ์เครื่องหมายคำพูด ให้ลบออก หรือใช้เครื่องหมายตรง: {key}: \"{inner}\"",
        ),
        "en": (
            "the text is in curly quotes (“ ”), which YAML does not take as quotes: the form will print them",
            "if the quote marks are not meant to be printed, delete them or use straight quotes: {key}: \"{inner}\"",
        ),
    },
    "yaml_implicit_number": {
        "th": (
            "ต้องเป็นตัวเลขฐานสิบ แต่ YAML อ่าน {raw} เป็น{how} ซึ่งจะได้ค่าอื่นที่ไม่ใช่ที่เขียนไว้",
            "เขียนเป็นตัวเลข 0–9 แบบธรรมดา เช่น {key}: 36 (ถ้าเป็นเวลาหรืออัตราส่วน ให้เขียนในข้อความ ไม่ใช่ช่องตัวเลข)",
        ),
        "en": (
            "must be a decimal number, but YAML reads {raw} as {how}, a different value from the one written",
            "write a plain number with the digits 0–9, e.g. {key}: 36 (a time or a ratio belongs in a text field, not a"
            " number)",
        ),
    },
    "number_thai_digits": {
        "th": (
            "ต้องเป็นตัวเลข แต่ {raw} เขียนด้วยเลขไทย ซึ่งในไฟล์อ่านเป็นข้อความ",
            "ใช้เลขอารบิก 0–9: {key}: {suggestion} (แบบฟอร์มพิมพ์เป็นเลขไทยได้ด้วย digits: thai ใน content/site.yaml)",
        ),
        "en": (
            "must be a number, but {raw} is written in Thai digits, which the file reads as text",
            "use Arabic digits 0–9: {key}: {suggestion} (the form can still print Thai digits: digits: thai in"
            " content/site.yaml)",
        ),
    },
    "number_too_precise": {
        "th": (
            "ตัวเลข {raw} มีทศนิยมเกิน {places} ตำแหน่ง แบบฟอร์มพิมพ์ทศนิยม {places} ตำแหน่ง จึงพิมพ์ตามที่เขียนไม่ได้",
            "ปัดเศษเป็นทศนิยม {places} ตำแหน่ง: {key}: {suggestion}",
        ),
        "en": (
            "the number {raw} has more than {places} decimal places; the form prints {places}, so it cannot be printed"
            " as written",
            "round it to {places} decimal places: {key}: {suggestion}",
        ),
    },
    "key_under_indented": {
        "th": (
            "{key} เป็นหัวข้อย่อยของ {parent} แต่เยื้องน้อยเกินไป YAML จึงอ่านเป็นหัวข้อระดับเดียวกับ {parent}",
            "เยื้อง {key}: ไว้ใต้ {parent}: ด้วยการเว้นวรรค {spaces} ช่องจากซ้าย เท่ากับหัวข้ออื่นของ {parent}",
        ),
        "en": (
            "{key} belongs under {parent}, but it is indented too little, so YAML reads it as a key beside {parent}",
            "indent {key}: under {parent}: with {spaces} spaces from the left, like the other keys of {parent}",
        ),
    },
    "key_misplaced": {
        "th": (
            "{key} ไม่ใช่หัวข้อในระดับนี้ แต่เป็นหัวข้อย่อยของ {parent}",
            "ย้าย {key}: ไปไว้ใต้ {parent}: โดยเว้นวรรค {spaces} ช่องจากซ้าย",
        ),
        "en": (
            "{key} is not a key at this level: it belongs under {parent}",
            "move {key}: under {parent}:, indented {spaces} spaces from the left",
        ),
    },
    "yaml_dedented_key": {
        "th": (
            "{key}: อยู่ชิดซ้ายกว่าหัวข้อที่อยู่ระดับเดียวกัน (เช่น {sibling}: ในบรรทัด {sibling_line}) YAML จึงอ่านโครงสร้างผิด",
            "เยื้อง {key}: ด้วยการเว้นวรรค {spaces} ช่องจากซ้าย เท่ากับ {sibling}:",
        ),
        "en": (
            "{key}: is further left than the keys beside it (such as {sibling}: on line {sibling_line}), so YAML reads"
            " the structure wrongly",
            "indent {key}: with {spaces} spaces from the left, like {sibling}:",
        ),
    },
    "comment_in_text": {
        "th": (
            "ข้อความถูกตัดที่ #: YAML ถือว่า ' #' และทุกอย่างหลังจากนั้นเป็นหมายเหตุ แบบฟอร์มจะพิมพ์เพียง \"{kept}\"",
            "ถ้า {cut} เป็นส่วนของข้อความ ให้ใส่ทั้งข้อความในเครื่องหมายคำพูด: {key}: {quoted}"
            " ถ้าเป็นหมายเหตุจริง ให้ย้ายไปไว้บรรทัดของมันเองเหนือ {key}:",
        ),
        "en": (
            "the text is cut at #: YAML takes ' #' and everything after it for a comment, so the form prints only"
            " \"{kept}\"",
            "if {cut} is part of the text, put the whole text in quotes: {key}: {quoted}; if it is a real comment, move"
            " it to a line of its own above {key}:",
        ),
    },
    "folded_list": {
        "th": (
            "รายการในข้อความนี้จะถูกรวมเป็นย่อหน้าเดียว เพราะเขียน {style} ซึ่ง YAML ต่อบรรทัดเข้าด้วยกัน",
            "เขียน {key}: | (เครื่องหมาย | หลัง :) แล้วเขียนข้อความในบรรทัดถัดไป โดยเยื้องเท่ากันทุกบรรทัด"
            " YAML จึงเก็บการขึ้นบรรทัดใหม่ไว้",
        ),
        "en": (
            "the list in this text will be joined into one paragraph, because it is written {style}, which makes YAML"
            " join its lines",
            "write {key}: | (a | after the colon) and the text on the lines below, all indented equally: YAML then keeps"
            " the line breaks",
        ),
    },
    "url_bad_char": {
        "th": (
            "ที่อยู่เว็บมีการขึ้นบรรทัดใหม่ เว้นวรรค หรืออักขระควบคุม ({char}) ซึ่งที่อยู่เว็บมีไม่ได้: {url}",
            "เขียนที่อยู่เว็บในบรรทัดเดียวโดยไม่เว้นวรรค (ช่องว่างในที่อยู่เขียนเป็น %20)",
        ),
        "en": (
            "the address holds a line break, a space or a control character ({char}), which an address cannot: {url}",
            "write the address on one line without spaces (a space in an address is written %20)",
        ),
    },
    "symlink_outside": {
        "th": (
            "ไฟล์นี้เป็นลิงก์ (symbolic link) ที่ชี้ออกนอกโครงการ จึงไม่อ่าน",
            "คัดลอกไฟล์จริงมาไว้ในโฟลเดอร์ content/ แทนลิงก์",
        ),
        "en": (
            "this file is a symbolic link leading outside the project, so it is not read",
            "copy the real file into content/ instead of linking to it",
        ),
    },
    # --- check --format github: the annotations' notice and the job summary ----------------------------------------
    "github_more": {
        "th": ("แสดง {shown} จาก {total} รายการ ({summary}) รายการทั้งหมดอยู่ในสรุปของงาน (job summary)", None),
        "en": ("{shown} of {total} shown ({summary}); every problem is listed in the job summary", None),
    },
    "github_summary_title": {"th": ("ผลการตรวจ reportgen check", None), "en": ("reportgen check", None)},
    "github_error": {"th": ("ผิดพลาด", None), "en": ("error", None)},
    "github_warning": {"th": ("คำเตือน", None), "en": ("warning", None)},
    "github_line": {"th": ("บรรทัด {line}", None), "en": ("line {line}", None)},
    "github_fix": {"th": ("วิธีแก้", None), "en": ("fix", None)},
    "serve_warnings": {
        "th": ("สร้างเว็บไซต์ได้ แต่มีคำเตือน: ตรวจและแก้ตามรายการด้านล่าง (เหมือนที่ reportgen check แสดง)", None),
        "en": ("The site was built, with warnings: check and fix what is listed below (as reportgen check shows)", None),
    },
    "usage_missing_project_folders": {
        "th": ("ไม่พบ {missing} ใน {root}: ต้องสั่งในโฟลเดอร์โครงการที่มี content/ templates/ และ fonts/ หรือใช้ --root", None),
        "en": (
            "missing {missing} in {root}: run reportgen in the project folder, which holds content/, templates/ and"
            " fonts/, or point --root at it",
            None,
        ),
    },
    "usage_text_too_long": {
        "th": ("{option}: ยาว {length} ตัวอักษร เกิน {limit} ตัวอักษร", None),
        "en": ("{option}: {length} characters, more than {limit}", None),
    },
    # --- plausibility (issue 13) -----------------------------------------------------------------------------------
    "percent_over_100": {
        "th": (
            "ผลงาน {result} {unit} เกินร้อยละ 100 ซึ่งเป็นไปไม่ได้สำหรับค่าร้อยละ",
            "ตรวจการคำนวณ: ร้อยละ = ส่วน ÷ ทั้งหมด × 100 ถ้าผลงานเป็นจำนวนนับ ให้แก้หน่วยนับใน target.unit",
        ),
        "en": (
            "the result {result} {unit} is over 100, which a percentage cannot be",
            "check the calculation (part ÷ whole × 100); if the result is a count, correct the unit in target.unit",
        ),
    },
    "result_decreased": {
        "th": (
            "ผลงานสะสมไตรมาสที่ {quarter} ({result}) น้อยกว่าไตรมาสที่ {previous} ({previous_result}) ผลงานสะสมไม่ควรลดลง",
            "ใส่ผลงานสะสมตั้งแต่ต้นปีงบประมาณถึงสิ้นไตรมาส ไม่ใช่ผลของไตรมาสนั้นไตรมาสเดียว",
        ),
        "en": (
            "the cumulative result of quarter {quarter} ({result}) is less than that of quarter {previous}"
            " ({previous_result}); a cumulative result does not go down",
            "write the result from the start of the fiscal year to the end of the quarter, not that quarter's alone",
        ),
    },
    "quarter_gap": {
        "th": (
            "รายงานไตรมาสที่ {quarter} แล้ว แต่ยังไม่มีรายงานไตรมาสที่ {missing}",
            "เพิ่มรายงานไตรมาสที่ {missing} (q{missing}:) ใต้ quarters: หรือตรวจว่าไม่ได้พิมพ์ชื่อไตรมาสผิด",
        ),
        "en": (
            "quarter {quarter} is reported, but quarter {missing} is not",
            "add the report of quarter {missing} (q{missing}:) under quarters:, or check the quarter's name",
        ),
    },
    "signoff_before_year": {
        "th": (
            "วันที่ลงนาม {date} อยู่ก่อนปีงบประมาณ {year} เริ่ม ({start})",
            "ตรวจวันที่และปี ค.ศ.: ปีงบประมาณ {year} คือ {start} ถึง {end}",
        ),
        "en": (
            "the sign-off date {date} is before fiscal year {year} began ({start})",
            "check the date and its Christian-Era year: fiscal year {year} runs from {start} to {end}",
        ),
    },
    "signoff_in_future": {
        "th": ("วันที่ลงนาม {date} ยังมาไม่ถึง (วันนี้ {today})", "ใส่วันที่ลงนามจริง หรือลงนามอีกครั้งด้วย reportgen signoff"),
        "en": ("the sign-off date {date} is in the future (today is {today})", "write the real date, or sign off again with reportgen signoff"),
    },
}


class _Params(dict):
    """Format parameters: a missing one prints as '?' instead of crashing the error report."""

    def __missing__(self, key: str) -> str:
        return "?"


def render_message(code: str, params: dict, lang: str = "th") -> tuple[str, str | None]:
    """(message, hint) for ``code`` in ``lang``; an unknown code falls back to the generic message."""
    entry = MESSAGES.get(code) or MESSAGES["invalid"]
    message, hint = entry.get(lang) or entry["th"]
    values = _Params({key: value.get(lang) if isinstance(value, Localized) else value for key, value in params.items()})
    formatter = string.Formatter()

    def fill(template: str) -> str:
        try:
            return formatter.vformat(template, (), values)
        except (IndexError, ValueError, AttributeError, TypeError):  # a broken template must not hide the problem
            return template

    return fill(message), (fill(hint) or None) if hint else None


def usage_text(code: str, **params: object) -> str:
    """A usage error's one line from the catalogue, Thai then English in brackets, as every usage error reads."""
    thai, _ = render_message(code, params, "th")
    english, _ = render_message(code, params, "en")
    return f"{thai} ({english})"


# --- Problems ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or suspicious) in one content file, located as precisely as the source allows.

    ``file`` is relative to the project root; ``line`` and ``column`` are 1-based; ``field`` is the key path as
    written in YAML (``quarters.q3.report``, ``evidence[2].url`` with list items counted from 1). ``message`` and
    ``hint`` are Thai, ``message_en`` and ``hint_en`` English; ``text(lang)`` and ``hint_text(lang)`` pick one.
    Create problems with ``Problem.create(code, ...)`` so that both languages come from the catalogue.
    """

    file: Path
    message: str
    field: str | None = None
    line: int | None = None
    column: int | None = None
    severity: Severity = "error"
    source_line: str | None = None
    hint: str | None = None
    code: str = "invalid"
    params: dict = dataclasses.field(default_factory=dict, compare=False)
    message_en: str | None = None
    hint_en: str | None = None

    @classmethod
    def create(
        cls,
        code: str,
        file: Path,
        *,
        field: str | None = None,
        line: int | None = None,
        column: int | None = None,
        severity: Severity = "error",
        source_line: str | None = None,
        **params: object,
    ) -> Problem:
        """A problem whose Thai and English texts come from ``MESSAGES[code]`` filled with ``params``."""
        params.setdefault("field", field or "")
        message, hint = render_message(code, params, "th")
        message_en, hint_en = render_message(code, params, "en")
        return cls(
            file=file,
            message=message,
            field=field,
            line=line,
            column=column,
            severity=severity,
            source_line=source_line,
            hint=hint,
            code=code,
            params=params,
            message_en=message_en,
            hint_en=hint_en,
        )

    def text(self, lang: str = "th") -> str:
        return self.message_en or self.message if lang == "en" else self.message

    def hint_text(self, lang: str = "th") -> str | None:
        if lang == "en":
            return self.hint_en if self.message_en is not None else self.hint
        return self.hint

    def full_text(self, lang: str = "th") -> str:
        """The message followed by its hint (for one-line outputs such as JSON and GitHub annotations)."""
        hint = self.hint_text(lang)
        return self.text(lang) + (f"\n{_HINT_LABEL[_lang(lang)]}: {hint}" if hint else "")

    def as_error(self) -> Problem:
        """This problem with severity "error" (``--strict`` turns warnings into errors)."""
        return self if self.severity == "error" else replace(self, severity="error")

    def location(self) -> str:
        parts = [str(self.file).replace("\\", "/")]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def to_dict(self, lang: str = "th") -> dict:
        """The JSON form: file, line, column, field, severity, code, message (message includes the hint)."""
        return {
            "file": str(self.file).replace("\\", "/"),
            "line": self.line,
            "column": self.column,
            "field": self.field,
            "severity": self.severity,
            "code": self.code,
            "message": self.full_text(lang),
        }

    def format(self, lang: str = "th", *, color: bool = False) -> str:
        """Compiler-style: location, severity and field; the message; the source line with a caret; the hint."""
        lang = _lang(lang)
        paint = _painter(color)
        label = _SEVERITY_LABEL[lang][self.severity]
        head = f"{paint(self.location() + ':', 'bold')} {paint(label + ':', 'red' if self.severity == 'error' else 'yellow')}"
        if self.field:
            head += f" {paint(self.field, 'bold')}"
        lines = [head]
        lines.extend("  " + part for part in self.text(lang).splitlines() or [""])
        if self.source_line is not None and self.line is not None:
            lines.extend(_source_excerpt(self.source_line, self.line, self.column, paint))
        hint = self.hint_text(lang)
        if hint:
            hint_lines = hint.splitlines()
            lines.append(f"  {paint(_HINT_LABEL[lang] + ':', 'cyan')} {hint_lines[0]}")
            lines.extend("  " + part for part in hint_lines[1:])
        return "\n".join(lines)


_SEVERITY_LABEL = {
    "th": {"error": "ผิดพลาด", "warning": "คำเตือน"},
    "en": {"error": "error", "warning": "warning"},
}
_HINT_LABEL = {"th": "วิธีแก้", "en": "fix"}
_COLORS = {"bold": "1", "red": "1;31", "yellow": "1;33", "cyan": "36", "green": "32"}
_GUTTER = 5
_MAX_SHOWN = 100  # display columns of a source line shown around the caret


def _lang(lang: str) -> str:
    return lang if lang in LANGS else "th"


def _painter(color: bool):
    def paint(text: str, style: str) -> str:
        return f"\x1b[{_COLORS[style]}m{text}\x1b[0m" if color else text

    return paint


def _char_display(char: str) -> tuple[str, int]:
    """How a source character is shown and how many terminal columns it takes (Thai marks take none)."""
    if char == "\t":
        return "→", 1
    if "\u202a" <= char <= "\u202e" or "\u2066" <= char <= "\u2069":
        return "\ufffd", 1  # a direction override would turn the rest of the terminal's line around
    if unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return char, 0
    if unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn") or char in "\u2028\u2029\x85":
        return "\ufffd", 1
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return char, 2
    return char, 1


def _source_excerpt(source: str, line: int, column: int | None, paint) -> list[str]:
    """``   12 |   value: สาม`` and a caret line under ``column`` (1-based, in characters)."""
    chars = [_char_display(char) for char in source]
    caret_at = None if column is None else max(0, min(column - 1, len(chars)))
    start = 0
    if caret_at is not None and len(chars) > _MAX_SHOWN and caret_at > _MAX_SHOWN // 2:
        start = min(caret_at - _MAX_SHOWN // 2, max(0, len(chars) - _MAX_SHOWN))
    shown = chars[start:]
    end = len(shown)
    width = 0
    for index, (_, char_width) in enumerate(shown):
        width += char_width
        if width > _MAX_SHOWN:
            end = index
            break
    prefix = "…" if start else ""
    suffix = "…" if end < len(shown) else ""
    text = prefix + "".join(shown_char for shown_char, _ in shown[:end]) + suffix
    out = [f"{line:>{_GUTTER}} | {text}"]
    if caret_at is not None and start <= caret_at <= start + end:
        pad = len(prefix) + sum(char_width for _, char_width in chars[start:caret_at])
        out.append(f"{'':>{_GUTTER}} | {' ' * pad}{paint('^', 'green')}")
    return out


def summarize(problems: list[Problem], lang: str = "th") -> str:
    """The last line of a report: ``พบข้อผิดพลาด 3 รายการ ใน 2 ไฟล์`` / ``3 errors in 2 files``."""
    errors = sum(1 for problem in problems if problem.severity == "error")
    warnings = len(problems) - errors
    files = len({str(problem.file) for problem in problems})
    if _lang(lang) == "en":
        if not problems:
            return "No problems found"
        parts = []
        if errors:
            parts.append(f"{errors} error{'s' if errors != 1 else ''}")
        if warnings:
            parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
        return f"{' and '.join(parts)} in {files} file{'s' if files != 1 else ''}"
    if not problems:
        return "ไม่พบข้อผิดพลาด"
    parts = []
    if errors:
        parts.append(f"ข้อผิดพลาด {errors} รายการ")
    if warnings:
        parts.append(f"คำเตือน {warnings} รายการ")
    return f"พบ{' และ'.join(parts)} ใน {files} ไฟล์"


class ContentError(ReportgenError):
    """Content files that cannot be built; carries every problem found, not only the first."""

    exit_code = 1

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__(self._summary())

    def _summary(self) -> str:
        errors = [p for p in self.problems if p.severity == "error"]
        first = errors[0] if errors else (self.problems[0] if self.problems else None)
        if first is None:
            return "invalid content"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        return f"{first.location()}: {first.field or ''}: {first.message}{more}"


class RenderError(ReportgenError):
    """A form could not be rendered, e.g. it asked for a resource the renderer refuses to fetch."""

    exit_code = 1


class OutputError(ReportgenError):
    """Output could not be written, or a write outside ``output/`` was refused."""

    exit_code = 2


class OutputRefused(CatalogueError, OutputError):
    """A write refused before anything was touched (a folder reportgen did not make, a file outside a shard)."""

    exit_code = 2
