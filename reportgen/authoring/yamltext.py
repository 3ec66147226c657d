"""Values → YAML text as staff write it: the one way reportgen writes YAML into content files.

Thai is written as it is (never escaped), keys in the model's order, multi-line text as a ``|`` block, a long
single line folded (``>-``) at spaces, a value that needs quoting quoted by PyYAML's own emitter (or as a JSON
string, which is YAML double-quoted). Every way chosen reads back as exactly the value given: the writers load what
they made before they write it (``new``, ``import``, ``signoff``).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import yaml

from reportgen.narrative import starts_list_item

#: Longest single-line text written on one line; longer ones are folded (``>-``) at spaces, which is lossless.
LINE_WIDTH = 100

INDENT = "  "


def yaml_line(key: str, value: str) -> str:
    """``key: value`` on one line, as PyYAML's emitter writes it: plain when safe, quoted when it must be (a name
    with ``:``, ``#`` or a leading quote)."""
    dumped: str = yaml.safe_dump({key: value}, allow_unicode=True, width=1_000_000, default_flow_style=False)
    return dumped.rstrip("\n")


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
    dumped = yaml.safe_dump({name: value}, allow_unicode=True, width=1_000_000, default_flow_style=False)
    if dumped.count("\n") == 1:
        return [f"{indent}{dumped.rstrip()}"]
    return [f"{indent}{name}: {json.dumps(value, ensure_ascii=False)}"]  # JSON strings are YAML double-quoted


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

