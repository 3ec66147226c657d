"""``reportgen signoff FILE --name … --position … [--date …]``: an indicator file → the same file, signed off.

The responsible person's sign-off turns a draft into an official form. This command records it as the file's
``signoff:`` block (name, position, date and ``digest``, the ``reportgen.digest.signoff_digest`` of the content and
of that name, position and date),
which ``build --release`` later checks: a file edited after its sign-off cannot be published until it is signed
again.

The file is staff's own text, so it is edited as text, never re-dumped from YAML: an existing top-level
``signoff:`` block is replaced (its lines, found through the loader's source positions), or a new block is appended
at the end. Every other byte stays as it was: comments, key order, quoting, blank lines, a BOM, CRLF line endings
(the new block uses the file's own line ending). Names are written as YAML scalars by PyYAML's emitter, so a name
with ``:``, ``#`` or a leading quote is quoted correctly.

Order of work, so that nothing half-done reaches the disk: the file is validated first (an invalid file is refused
with the usual problems, nothing written); the new text is loaded again and must validate, hold exactly the new
sign-off and have the same content digest; the file on disk must still be the one that was read; then the new
bytes replace it atomically (``writer.write_content_file``).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import yaml

from reportgen import wording
from reportgen.build.writer import write_content_file
from reportgen.content.project import load_document, load_project
from reportgen.digest import check_signoff, signoff_digest
from reportgen.errors import ContentError, OutputError, UsageError
from reportgen.layout import CONTENT_DIR, INDICATORS_DIR
from reportgen.model import MAX_CHRISTIAN_YEAR, MAX_LINE_TEXT_LENGTH, Indicator, Signoff

logger = logging.getLogger(__name__)

_LINE = re.compile(r"[^\r\n\x85\u2028\u2029]*(?:\r\n|[\n\r\x85\u2028\u2029]|$)")  # PyYAML's line breaks
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
BOM = "\ufeff"


@dataclass(frozen=True)
class SignoffReport:
    """What ``signoff`` did: the file (relative to the project root), the recorded sign-off, and whether an
    existing ``signoff:`` block was replaced (else one was appended)."""

    file: PurePosixPath
    signoff: Signoff
    replaced: bool


def signoff(
    root: Path, file: Path, *, name: str, position: str, date: dt.date | None = None
) -> SignoffReport:
    """Record the sign-off of ``name`` (``position``) on ``date`` (default today) in the indicator ``file``."""
    root = Path(root).resolve()
    path = _indicator_path(root, file)
    relative = PurePosixPath(path.relative_to(root).as_posix())
    name, position = _text("--name", name), _text("--position", position)
    date = date or dt.date.today()
    if date.year > MAX_CHRISTIAN_YEAR:
        raise UsageError(
            "usage_date_buddhist_era",
            date=date.isoformat(),
            suggestion=f"{date.year - 543}-{date.month:02d}-{date.day:02d}",
        )

    original = path.read_bytes()
    # The whole check (cross-file rules, evidence files) first: an invalid file is refused with every problem.
    load_project(root, [path])
    doc = load_document(original, Indicator, relative)
    if not doc.ok:  # changed between the two reads
        raise ContentError(doc.problems)
    indicator: Indicator = doc.model
    digest = signoff_digest(indicator, root / CONTENT_DIR, name=name, position=position, date=date)
    record = Signoff(name=name, position=position, date=date, digest=digest)

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
    data = (BOM if bom else "").encode("utf-8") + "".join(new_lines).encode("utf-8")

    _check_result(data, relative, record, indicator, root)
    if path.read_bytes() != original:
        raise OutputError("signoff_changed_meanwhile", file=relative)
    write_content_file(root, PurePosixPath(*relative.parts[1:]), data, replace=True)
    logger.info(wording.message("log_signed_off", file=relative, digest=record.digest))
    # an empty `signoff:` (as `new` writes it) is replaced too, but there was no sign-off to replace
    return SignoffReport(file=relative, signoff=record, replaced=indicator.signoff is not None)


def _indicator_path(root: Path, file: Path) -> Path:
    given = Path(file)
    path = (given if given.is_absolute() else Path.cwd() / given).resolve()
    indicators = root / CONTENT_DIR / INDICATORS_DIR
    if not path.is_relative_to(indicators) or path.suffix not in (".yaml", ".yml"):
        raise UsageError("usage_not_indicator_file", path=file)
    if not path.is_file():
        raise UsageError("usage_no_such_file", path=file)
    return path


def _text(option: str, value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise UsageError("usage_text_empty", option=option)
    if _CONTROL.search(value):
        raise UsageError("usage_text_one_line", option=option)
    if len(value) > MAX_LINE_TEXT_LENGTH:
        raise UsageError("usage_text_too_long", option=option, length=len(value), limit=MAX_LINE_TEXT_LENGTH)
    return value


def _decode(data: bytes) -> tuple[str, bool]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:  # the loader accepted the file, so this cannot happen; keep the message clear anyway
        raise UsageError("usage_signoff_not_utf8") from None
    if text.startswith(BOM):
        return text[1:], True
    return text, False


def _scalar(key: str, value: str) -> str:
    """``key: value`` with ``value`` as PyYAML writes it: plain when safe, quoted when it must be."""
    dumped = yaml.safe_dump({key: value}, allow_unicode=True, width=1_000_000, default_flow_style=False)
    return dumped.rstrip("\n")


def _signoff_block(record: Signoff, newline: str) -> str:
    lines = [
        "signoff:",
        "  " + _scalar("name", record.name),
        "  " + _scalar("position", record.position),
        f"  date: {record.date.isoformat()}",
        f"  digest: {record.digest}",
    ]
    return newline.join(lines) + newline


def _signoff_lines(doc, lines: list[str]) -> tuple[int, int] | None:
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


def _check_result(data: bytes, relative: PurePosixPath, record: Signoff, before: Indicator, root: Path) -> None:
    doc = load_document(data, Indicator, relative)
    if not doc.ok:
        raise ContentError(doc.problems)  # a bug in the editing above; nothing was written
    after: Indicator = doc.model
    if after.signoff != record:
        raise RuntimeError(f"the edited {relative} holds {after.signoff!r}, not {record!r}; nothing was written")
    if after.model_copy(update={"signoff": None}) != before.model_copy(update={"signoff": None}):
        raise RuntimeError(f"editing {relative} changed its content; nothing was written")
    if check_signoff(after, root / CONTENT_DIR) != "current":
        raise RuntimeError(f"the digest of the edited {relative} differs; nothing was written")
