"""Values → YAML text as staff write it: the one way reportgen writes YAML into content files.

Thai is written as it is (never escaped), keys in the model's order, multi-line text as a ``|`` block, a long
single line folded (``>-``) at spaces, a value that needs quoting quoted by PyYAML's own emitter, or as a JSON
string (YAML double-quoted) when reportgen's own parser would read PyYAML's choice as something else (``0E0``). Every way chosen reads back as exactly the value given: the writers load what
they made before they write it (``new``, ``import``, ``signoff``).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any

import yaml

from reportgen.content.parse import parse_document
from reportgen.narrative import starts_list_item

#: Longest single-line text written on one line; longer ones are folded (``>-``) at spaces, which is lossless.
LINE_WIDTH = 100

INDENT = "  "


def yaml_line(key: str, value: str) -> str:
    """``key: value`` on one line, as PyYAML's emitter writes it: plain when safe, quoted when it must be (a name
    with ``:``, ``#`` or a leading quote, or text reportgen would read as something else, ``needs_double_quotes``)."""
    if needs_double_quotes(value):
        return f"{key}: {json.dumps(value, ensure_ascii=False)}"
    dumped: str = yaml.safe_dump({key: value}, allow_unicode=True, width=1_000_000, default_flow_style=False)
    return dumped.rstrip("\n")


_PROBE = PurePosixPath("value.yaml")


def reads_back(text: str, values: dict[str, Any]) -> bool:
    """True when reportgen's own parser reads ``text`` as exactly ``values``, types included, with no problem."""
    doc = parse_document(text, _PROBE)
    if doc.problems or not isinstance(doc.data, dict) or doc.data.keys() != values.keys():
        return False
    return all(type(doc.data[key]) is type(value) and doc.data[key] == value for key, value in values.items())


@functools.lru_cache(maxsize=4096)  # the desk asks for every text of a form at every save: the same texts again
def needs_double_quotes(value: str) -> bool:
    """True when PyYAML's emitter would write ``value`` so that reportgen reads something else.

    PyYAML quotes what YAML 1.1 would read as another type, but reportgen's parser also reads ``0E0`` or ``1e3`` as
    a number (as the editor's YAML 1.2 does), so the test is reportgen's own reading, not PyYAML's rules: such text
    is written as a JSON string (YAML double-quoted), which is always read as the text it holds.
    """
    dumped = yaml.safe_dump({"v": value}, allow_unicode=True, width=1_000_000, default_flow_style=False)
    return not reads_back(dumped, {"v": value})


def scalar_lines(name: str, value: Any, indent: str, *, quoted: bool = False) -> list[str]:
    """``name: value`` as staff would write it: Thai as is, multi-line text as a ``|`` block."""
    if value is None:
        return [f"{indent}{name}:"]
    if isinstance(value, bool):
        return [f"{indent}{name}: {'true' if value else 'false'}"]
    if isinstance(value, Decimal):
        return [f"{indent}{name}: {format(value, 'f')}"]
    if isinstance(value, int):
        return [f"{indent}{name}: {value}"]
    if isinstance(value, dt.date):
        return [f"{indent}{name}: {value.isoformat()}"]
    if not isinstance(value, str):
        raise TypeError(f"cannot write {name}: {value!r}")
    if quoted:
        return [f"{indent}{name}: {json.dumps(value, ensure_ascii=False)}"]
    if "\n" in value:
        block = literal_block(value, indent + INDENT)
        if block:
            return [f"{indent}{name}: {block[0]}", *block[1:]]
    elif len(value) > LINE_WIDTH:
        folded = folded_lines(value)
        if len(folded) > 1:
            return [f"{indent}{name}: >-", *(f"{indent}{INDENT}{line}" for line in folded)]
    if value == "":
        return [f'{indent}{name}: ""']
    return [f"{indent}{_one_line(name, value)}"]


@functools.lru_cache(maxsize=4096)  # the desk writes a form's same texts at every save: each is tried once
def _one_line(name: str, value: str) -> str:
    """``name: value`` on one line, plain as PyYAML writes it when reportgen reads that back as the same text,
    else as a JSON string (YAML double-quoted)."""
    dumped: str = yaml.safe_dump({name: value}, allow_unicode=True, width=1_000_000, default_flow_style=False)
    if dumped.count("\n") == 1 and reads_back(dumped, {name: value}):
        return dumped.rstrip()
    return f"{name}: {json.dumps(value, ensure_ascii=False)}"  # JSON strings are YAML double-quoted


def literal_block(text: str, indent: str) -> list[str] | None:
    """``|`` and the text's lines, or None when a block cannot hold the text exactly (leading or blank spaces)."""
    body = text.rstrip("\n")
    trailing = len(text) - len(body)
    lines = body.split("\n")
    if not body or lines[0][:1].isspace() or any(line and not line.strip() for line in lines):
        return None
    if any(char in body for char in "\r\x85\u2028\u2029"):
        return None
    indicator = "|-" if trailing == 0 else "|" if trailing == 1 else "|+"
    return [indicator, *(f"{indent}{line}" if line else "" for line in lines), *([""] * max(0, trailing - 1))]


def folded_lines(text: str) -> list[str]:
    """``text`` broken at single spaces into lines of about ``LINE_WIDTH``; a ``>-`` block joins them back exactly."""
    lines: list[str] = []
    start = 0
    last_break = None
    for index, char in enumerate(text):
        breakable = (
            char == " "
            and 0 < index < len(text) - 1
            and not text[index - 1].isspace()
            and not text[index + 1].isspace()
            # a line that starts like a list item would read as a list folded by mistake (``check`` warns)
            and not starts_list_item(text[index + 1 : index + 8])
        )
        if breakable:
            if index - start > LINE_WIDTH and last_break is not None:
                lines.append(text[start:last_break])
                start = last_break + 1
            last_break = index
    if len(text) - start > LINE_WIDTH and last_break is not None and last_break > start:
        lines.append(text[start:last_break])
        start = last_break + 1
    lines.append(text[start:])
    if any(not line or line[0].isspace() or line[-1].isspace() or "\n" in line for line in lines):
        return [text]
    return lines

