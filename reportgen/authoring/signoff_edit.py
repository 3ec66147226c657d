"""An indicator file's bytes and a sign-off → the same bytes with that sign-off recorded: the sign-off's text edit.

The file is staff's own text, so it is edited as text, never re-dumped from YAML: an existing top-level
``signoff:`` block is replaced (its lines, found through the loader's source positions), or a new block is appended
at the end. Every other byte stays as it was: comments, key order, quoting, blank lines, a BOM, CRLF line endings
(the new block uses the file's own line ending). Names are written as YAML scalars by PyYAML's emitter
(``yamltext.yaml_line``), so a name with ``:``, ``#`` or a leading quote is quoted correctly.

``check_signed_text`` loads the result again before anything is written: it must validate, hold exactly the new
sign-off and say what the file said before. ``commands/signoff.py`` reviews the sign-off first and writes the bytes
through ``authoring/writer.py``.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

import yaml

from reportgen.authoring.yamltext import yaml_line
from reportgen.content.positions import SourceDocument
from reportgen.content.project import load_document
from reportgen.digest import check_signoff
from reportgen.errors import ContentError, UsageError
from reportgen.model import Indicator, Signoff

_LINE = re.compile(r"[^\r\n\x85\u2028\u2029]*(?:\r\n|[\n\r\x85\u2028\u2029]|$)")  # PyYAML's line breaks
BOM = "\ufeff"


def with_signoff(original: bytes, doc: SourceDocument, record: Signoff) -> bytes:
    """``original`` (the file ``doc`` was loaded from) with ``record`` as its ``signoff:`` block."""
    text, bom = _decode(original)
    lines = _LINE.findall(text)[:-1] if text else []  # findall ends with one empty match at the end
    first_break = re.search(r"\r\n|\r|\n", text)
    newline = first_break.group() if first_break else "\n"  # the new block uses the file's own line ending
    block = _signoff_block(record, newline)
    span = _signoff_lines(doc, lines)
    if span is not None:
        first, last = span
        new_lines = lines[:first] + [block] + lines[last + 1 :]
    else:
        new_lines = list(lines)
        if new_lines and not new_lines[-1].endswith(("\n", "\r", "\x85", "\u2028", "\u2029")):
            new_lines[-1] += newline
        if new_lines and new_lines[-1].strip():
            new_lines.append(newline)  # a blank line before the block, as between the file's other sections
        new_lines.append(block)
    return (BOM if bom else "").encode("utf-8") + "".join(new_lines).encode("utf-8")


def without_signoff(original: bytes, doc: SourceDocument) -> bytes:
    """``original`` with its ``signoff:`` block emptied (``signoff:`` and nothing under it, as ``new`` writes it): a
    revoked sign-off. Every other byte is kept; a file without a block is returned as it is."""
    text, bom = _decode(original)
    lines = _LINE.findall(text)[:-1] if text else []
    span = _signoff_lines(doc, lines)
    if span is None:
        return original
    first_break = re.search(r"\r\n|\r|\n", text)
    newline = first_break.group() if first_break else "\n"
    first, last = span
    new_lines = lines[:first] + ["signoff:" + newline] + lines[last + 1 :]
    return (BOM if bom else "").encode("utf-8") + "".join(new_lines).encode("utf-8")


def check_revoked_text(data: bytes, relative: PurePosixPath, before: Indicator) -> None:
    """Refuse (a bug here, nothing written) a revoked text that does not load, still holds a sign-off, or says
    anything else than ``before`` did."""
    doc = load_document(data, Indicator, relative)
    if not doc.ok:
        raise ContentError(doc.problems)
    after: Indicator = doc.model
    if after.signoff is not None:
        raise RuntimeError(f"the edited {relative} still holds a sign-off; nothing was written")
    if after.model_copy(update={"signoff": None}) != before.model_copy(update={"signoff": None}):
        raise RuntimeError(f"editing {relative} changed its content; nothing was written")


def _decode(data: bytes) -> tuple[str, bool]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:  # the loader accepted the file, so this cannot happen; keep the message clear anyway
        raise UsageError("usage_signoff_not_utf8") from None
    if text.startswith(BOM):
        return text[1:], True
    return text, False


def _signoff_block(record: Signoff, newline: str) -> str:
    lines = [
        "signoff:",
        "  " + yaml_line("name", record.name),
        "  " + yaml_line("position", record.position),
        f"  date: {record.date.isoformat()}",
        f"  digest: {record.digest}",
    ]
    return newline.join(lines) + newline


def _signoff_lines(doc: SourceDocument, lines: list[str]) -> tuple[int, int] | None:
    """0-based first and last line of the top-level ``signoff:`` block, or None if the file has none."""
    located = doc.positions.get(("signoff",))
    if located is None or located.key_mark is None:
        return None
    first = located.key_mark.line
    node = located.node
    if getattr(node, "flow_style", False) or isinstance(node, yaml.ScalarNode):
        ends = [node.end_mark]
    else:
        ends = [loc.node.end_mark for path, loc in doc.positions.items() if len(path) > 1 and path[0] == "signoff"]
        ends = ends or [node.start_mark]
    last = first
    for mark in ends:
        line = mark.line if mark.column > 0 else mark.line - 1
        while line > first and not lines[line].strip():  # a block scalar's end includes the blank lines after it
            line -= 1
        last = max(last, line)
    return first, min(last, len(lines) - 1)


def check_signed_text(
    data: bytes, relative: PurePosixPath, record: Signoff, before: Indicator, content_dir: Path
) -> None:
    """Refuse (a bug here, nothing written) a signed text that does not load, does not hold exactly ``record``,
    says anything else than ``before`` did, or whose digest does not hold."""
    doc = load_document(data, Indicator, relative)
    if not doc.ok:
        raise ContentError(doc.problems)  # a bug in the editing above; nothing was written
    after: Indicator = doc.model
    if after.signoff != record:
        raise RuntimeError(f"the edited {relative} holds {after.signoff!r}, not {record!r}; nothing was written")
    if after.model_copy(update={"signoff": None}) != before.model_copy(update={"signoff": None}):
        raise RuntimeError(f"editing {relative} changed its content; nothing was written")
    if check_signoff(after, content_dir) != "current":
        raise RuntimeError(f"the digest of the edited {relative} differs; nothing was written")
