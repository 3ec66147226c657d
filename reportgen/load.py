"""YAML content files → validated models, with every problem located at its line and column.

Files are read as bytes (at most ``MAX_FILE_BYTES``, refused before parsing), decoded as UTF-8 (a BOM, as Windows
Notepad writes, is accepted; so are Windows line endings), and parsed by PyYAML into a node tree (``compose``) so
that every value keeps its source position. Plain Python values are then built from the nodes here rather than by
PyYAML's constructor, which lets the loader:

- report duplicate keys (PyYAML silently keeps the last one) naming both lines;
- refuse anchors and aliases (``&``/``*``) outright, so a "billion laughs" alias bomb costs nothing: the format
  never needs them, and a Markdown ``*emphasis*`` at the start of a value is the usual way to write one by mistake;
- keep what was written (``no``, ``010``, ``2564-10-20``) next to what YAML made of it, for the messages;
- read a number as the decimal written (``036`` is 36, not YAML 1.1's octal 30), and keep hexadecimal, binary and
  base-60 numbers (``0x24``, ``1:30``) as the text written, which a number field then refuses with the reason;
- clean text pasted from other programs (zero-width characters, byte-order marks and soft hyphens are removed;
  never NFKC), refuse control characters, direction overrides and broken characters at their line, and note
  values wrapped in Word's curly quotes (``code: “15”``), which YAML does not take for quotes;
- name a file saved as Windows-874 / TIS-620 once ("save it as UTF-8"), and refuse a file that is a symbolic link
  leading out of ``content/`` without reading it.

The values are then validated by the pydantic models of ``reportgen.model`` and each validation error is turned
into a ``Problem`` in words staff can act on (``errors.MESSAGES``). Nothing stops at the first error: every
problem of every file is collected, and ``load_project`` raises one ``ContentError`` carrying all of them.

Parsing is done by libyaml's C parser (events), composed into nodes by PyYAML's Python composer, so the checks
above run on every node; this is about ten times faster than the pure-Python parser (0.2 ms against 2 ms for a
4 KB file), which is what makes ``check`` of a thousand files take well under a second. When a file has a syntax
error, it is parsed again by the pure-Python parser, whose error positions and problem texts are the ones
translated here. Without libyaml, the pure-Python parser does everything. Thai text is never normalised (no
NFKC): what staff wrote is what is printed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import re
import types
import typing
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePosixPath
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.reader import Reader
from yaml.resolver import Resolver

from reportgen.doccache import DocumentCache
from reportgen.errors import ContentError, L, Localized, Problem, UsageError
from reportgen.layout import CONTENT_DIR, INDICATORS_DIR, SITE_FILE, YAML_SUFFIXES
from reportgen.model import (
    MAX_FISCAL_YEAR,
    MIN_FISCAL_YEAR,
    ContentModel,
    Indicator,
    Project,
    SiteSettings,
    unwrap_annotation,
)
from reportgen.validate import build_project, file_warnings
from reportgen.wording import localized

#: Largest content file read. The real indicator file is about 10 KB; anything near a megabyte is an accident.
MAX_FILE_BYTES = 1024 * 1024

#: Deepest nesting accepted. The format is three levels deep; a deeper file is malformed (or hostile), and the
#: limit keeps PyYAML's recursive composer far from Python's recursion limit.
MAX_DEPTH = 20

#: At most this many problems of one kind (undecodable lines, tab-indented lines) are listed per file.
MAX_REPEATED = 20


_LINE_BREAKS = re.compile(r"\r\n|[\n\r\x85\u2028\u2029]")  # exactly the line breaks PyYAML counts
_THAI = re.compile(r"[\u0E00-\u0E7F]")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_THAI_DIGIT = re.compile("[๐-๙]")
_YAML_TAG_PREFIX = "tag:yaml.org,2002:"

#: Numbers as people write them: decimal digits (a leading zero changes nothing), a sign, a point, an exponent.
_DECIMAL_INTEGER = re.compile(r"[-+]?[0-9][0-9_]*")
_DECIMAL_NUMBER = re.compile(r"[-+]?([0-9][0-9_]*)?\.?[0-9_]*([eE][-+]?[0-9]+)?")
_EXPONENT_NUMBER = re.compile(r"[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)[eE][-+]?[0-9]+")

#: Invisible characters that come with text pasted from Word or a web page, and that the form, the open data and
#: search must not carry: zero-width space, non-joiner and joiner, word joiner, byte-order mark, soft hyphen.
#: They are removed (Thai needs none of them: its line breaks come from the renderer's dictionary).
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")

#: Characters refused in any text: control characters but tab and line break (written as escapes in quotes, or
#: pasted), text-direction overrides and isolates, and halves of a broken character (``"\uD800"``).
_BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_REFUSED_CHARACTER = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff{_BIDI_CONTROLS}]")

#: Curly quotes (as Word types them) around a whole plain value: YAML does not take them for quotes.
_CURLY_OPEN = "“”‘’„«"
_CURLY_CLOSE = "”“’‘»"
_STANDARD_COLLECTION_TAGS = {_YAML_TAG_PREFIX + "map", _YAML_TAG_PREFIX + "seq"}


# --- Source documents --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Located:
    """Where a value came from: its key's mark (None for list items and the document) and its node."""

    key_mark: yaml.Mark | None
    node: yaml.Node


class _Placed:
    """Where a node was, without what it held: what a cached document keeps of each node (``CompactPositions``)."""

    __slots__ = ("start_mark", "end_mark")
    value = None

    def __init__(self, start_mark: yaml.Mark, end_mark: yaml.Mark):
        self.start_mark, self.end_mark = start_mark, end_mark


def _mark(line: int, column: int) -> yaml.Mark:
    return yaml.Mark("", 0, line, column, None, None)


class CompactPositions(Mapping):
    """A document's positions as six numbers per path (key line and column, or -1, then the value's start and
    end), turned into ``Located`` only when asked for. A thousand documents' worth unpickle in a few hundredths of
    a second, where their node trees take seconds."""

    def __init__(self, positions: Mapping[tuple, Located]):
        self._table = {
            path: (
                located.key_mark.line if located.key_mark else -1,
                located.key_mark.column if located.key_mark else -1,
                located.node.start_mark.line,
                located.node.start_mark.column,
                located.node.end_mark.line,
                located.node.end_mark.column,
            )
            for path, located in positions.items()
        }

    def __getitem__(self, path: tuple) -> Located:
        key_line, key_column, start_line, start_column, end_line, end_column = self._table[path]
        key_mark = _mark(key_line, key_column) if key_line >= 0 else None
        return Located(key_mark, _Placed(_mark(start_line, start_column), _mark(end_line, end_column)))  # type: ignore[arg-type]

    def __iter__(self) -> Iterator[tuple]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)


@dataclass
class SourceDocument:
    """One content file: its text, the position of every value, what it holds, and the problems found in it."""

    file: PurePosixPath
    lines: list[str] = field(default_factory=list)
    positions: Mapping[tuple, Located] = field(default_factory=dict)
    data: Any = None
    model: Any = None
    problems: list[Problem] = field(default_factory=list)
    #: What YAML's rules did to values, found while building them (kept only until the file is validated): paths
    #: of numbers YAML would have reinterpreted (hexadecimal, base 60) → their kind, and of text in curly quotes.
    implicit: dict[tuple, str] = field(default_factory=dict)
    curly_quoted: set[tuple] = field(default_factory=set)

    def compact(self) -> SourceDocument:
        """This document as a cache keeps it: model, problems and positions, without its text, values and nodes
        (nothing after validation reads them: the file's own warnings are among its problems already)."""
        return SourceDocument(self.file, [], CompactPositions(self.positions), None, self.model, list(self.problems))

    def with_text(self, text: str) -> SourceDocument:
        """This (compact) document with its source lines again, for the problems found after loading."""
        self.lines = _LINE_BREAKS.split(text)
        return self

    @property
    def ok(self) -> bool:
        """True when the file validated and nothing in it is an error."""
        return self.model is not None and not any(problem.severity == "error" for problem in self.problems)

    def source_line(self, line: int | None) -> str | None:
        """The text of 1-based ``line``, without its line break."""
        if line is None or not 1 <= line <= len(self.lines):
            return None
        return self.lines[line - 1]

    def position(self, path: tuple, at: str = "value") -> tuple[int | None, int | None]:
        """1-based (line, column) of the value at ``path``; ``at="key"`` gives its key's position instead."""
        located = self.positions.get(path)
        if located is None:
            return None, None
        mark = located.key_mark if at == "key" and located.key_mark is not None else located.node.start_mark
        return mark.line + 1, mark.column + 1

    def find(self, path: tuple, pattern: str | re.Pattern) -> tuple[int, int] | None:
        """1-based (line, column) of the first match of ``pattern`` in the source text of the value at ``path``."""
        located = self.positions.get(path)
        if located is None:
            return None
        start, end = located.node.start_mark, located.node.end_mark
        for index in range(start.line, min(end.line, len(self.lines) - 1) + 1):
            text = self.lines[index]
            offset = start.column if index == start.line else 0
            if isinstance(pattern, str):
                column = text.find(pattern, offset)
            else:
                match = pattern.search(text, offset)
                column = match.start() if match else -1
            if column >= 0:
                return index + 1, column + 1
        return None

    def problem(
        self,
        code: str,
        path: tuple | None = None,
        *,
        at: str = "value",
        line: int | None = None,
        column: int | None = None,
        severity: str = "error",
        field_name: str | None = None,
        **params: object,
    ) -> Problem:
        """A problem located at ``path`` (or at an explicit line and column), with the source line attached."""
        if line is None and path is not None:
            line, column = self.position(path, at)
        if field_name is None and path:
            field_name = field_path(path)
        return Problem.create(
            code,
            Path(self.file),
            field=field_name or None,
            line=line,
            column=column,
            severity=severity,  # type: ignore[arg-type]
            source_line=self.source_line(line),
            **params,
        )

    def add(self, code: str, path: tuple | None = None, **kwargs: object) -> Problem:
        problem = self.problem(code, path, **kwargs)  # type: ignore[arg-type]
        self.problems.append(problem)
        return problem


def field_path(path: Sequence) -> str:
    """A key path as written in YAML: ``("evidence", 1, "url")`` → ``evidence[2].url`` (items counted from 1)."""
    text = ""
    for element in path:
        if isinstance(element, int):
            text += f"[{element + 1}]"
        else:
            text += ("." if text else "") + str(element)
    return text


# --- Reading and parsing -----------------------------------------------------------------------------------------


class _Refused(Exception):
    """Raised inside the composer to stop at something the format does not allow (aliases, deep nesting)."""

    def __init__(self, code: str, mark: yaml.Mark, **params: object):
        super().__init__(code)
        self.code, self.mark, self.params = code, mark, params


class _RefusingComposer(Composer):
    """PyYAML's composer, refusing anchors/aliases and nesting deeper than ``MAX_DEPTH``."""

    _depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _Refused("yaml_alias", event.start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused("yaml_too_deep", event.start_mark, limit=MAX_DEPTH)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _Loader(_RefusingComposer, yaml.SafeLoader):
    """The pure-Python safe loader: slow, but its syntax errors are the ones ``_syntax_problems`` translates."""


if yaml.__with_libyaml__:
    from yaml._yaml import CParser

    class _FastLoader(_RefusingComposer, CParser, SafeConstructor, Resolver):
        """libyaml's event parser under PyYAML's composer (listed first, so it composes rather than CParser)."""

        def __init__(self, stream: str):
            CParser.__init__(self, stream)
            _RefusingComposer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

else:  # pragma: no cover - PyYAML wheels on every platform reportgen runs on include libyaml
    _FastLoader = None


def _read_bytes(path: Path, doc: SourceDocument) -> bytes | None:
    """The file's bytes, or None with the problem (too large, unreadable) added to ``doc``."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            doc.add("file_too_large", size=_megabytes(size), limit=_megabytes(MAX_FILE_BYTES))
            return None
        with path.open("rb") as stream:
            return stream.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        doc.add("file_unreadable", reason=error.strerror or str(error))
        return None


def parse_document(data: bytes | str, file: PurePosixPath, doc: SourceDocument | None = None) -> SourceDocument:
    """Decode and parse a file's bytes into ``doc.data`` (plain values), recording positions and problems."""
    doc = doc or SourceDocument(file)
    if isinstance(data, str):
        data = data.encode("utf-8", errors="surrogatepass")
    if len(data) > MAX_FILE_BYTES:
        doc.add("file_too_large", size=_megabytes(len(data)), limit=_megabytes(MAX_FILE_BYTES))
        return doc
    text = _decode(data, doc)
    if text is None:
        return doc
    doc.lines = _LINE_BREAKS.split(text)
    if _check_printable(text, doc):
        return doc
    node = _compose(text, doc)
    if node is None:
        return doc
    if isinstance(node, yaml.ScalarNode) and node.tag == _YAML_TAG_PREFIX + "null":
        doc.add("empty_file", line=1, column=1)
        return doc
    if not isinstance(node, yaml.MappingNode):
        line, column = node.start_mark.line + 1, node.start_mark.column + 1
        doc.add("top_not_mapping", line=line, column=column, found=describe(None, node, structure_only=True))
        return doc
    doc.data = _Builder(doc).build(node, (), None)
    return doc


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size != MAX_FILE_BYTES else "1 MB"


def _decode(data: bytes, doc: SourceDocument) -> str | None:
    """UTF-8 text without a BOM; None (with a problem per bad line) if the bytes are not UTF-8."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        doc.add("utf16")
        return None
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    body = data[bom:]
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        first_bad = error.start
    if (legacy := _legacy_thai(body)) is not None:
        line = body.count(b"\n", 0, first_bad) + 1
        start = body.rfind(b"\n", 0, first_bad) + 1
        shown = legacy.split("\n")[line - 1].rstrip("\r")
        column = len(body[start:first_bad].decode("cp874", errors="replace")) + 1
        doc.problems.append(
            Problem.create("legacy_thai_encoding", Path(doc.file), line=line, column=column, source_line=shown)
        )
        return None
    offset = 0
    found = 0
    for number, raw in enumerate(body.split(b"\n"), start=1):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as error:
            found += 1
            if found <= MAX_REPEATED:
                shown = raw.rstrip(b"\r").decode("utf-8", errors="replace")
                column = len(raw[: error.start].decode("utf-8", errors="replace")) + 1
                problem = Problem.create(
                    "not_utf8",
                    Path(doc.file),
                    line=number,
                    column=column,
                    source_line=shown,
                    byte=f"0x{raw[error.start]:02X}",
                    offset=bom + offset + error.start,
                )
                doc.problems.append(problem)
        offset += len(raw) + 1
    return None


def _legacy_thai(body: bytes) -> str | None:
    """The text of bytes saved in Windows-874 / TIS-620 (how Thai Windows saves "ANSI" text), or None."""
    as_utf8 = body.decode("utf-8", errors="replace")
    if len(_THAI.findall(as_utf8)) > as_utf8.count("\ufffd"):
        return None  # mostly UTF-8 Thai with a few bad bytes: those are listed line by line
    try:
        text = body.decode("cp874")
    except UnicodeDecodeError:
        return None
    return text if _THAI.search(text) else None


def _check_printable(text: str, doc: SourceDocument) -> bool:
    """Report control characters YAML refuses (all of them, not only the first); True if there were any."""
    found = 0
    for match in Reader.NON_PRINTABLE.finditer(text):
        found += 1
        if found > MAX_REPEATED:
            break
        line, column = _line_column(text, match.start())
        doc.add("yaml_bad_char", line=line, column=column, char=f"U+{ord(match.group()):04X}")
    return found > 0


def _line_column(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of a character index, counting line breaks as PyYAML does."""
    line = 1
    line_start = 0
    for match in _LINE_BREAKS.finditer(text, 0, index):
        line += 1
        line_start = match.end()
    return line, index - line_start + 1


#: What libyaml accepts and PyYAML refuses (found by ``tests/test_load.py``'s fuzzing of the real file): tabs, a
#: byte-order mark after the start, and a comment right after a block scalar's header (``|#``). A file with any of
#: them goes to the pure-Python parser, so
#: both parsers accept exactly the same files and build the same nodes (collections' end marks may differ at the
#: very end of a file; nothing reads them).
_LIBYAML_DIFFERS = re.compile(r"\t|\ufeff|[|>][-+0-9]*#")


def _compose(text: str, doc: SourceDocument) -> yaml.Node | None:
    """The document's node tree, or None with the syntax problem(s) recorded."""
    if _FastLoader is not None and not _LIBYAML_DIFFERS.search(text):
        loader = _FastLoader(text)
        try:
            return _with_python_styles(loader.get_single_node()) or _compose_slowly(text, doc)
        except yaml.YAMLError:
            pass  # parsed again below, for the messages the translation knows
        except _Refused as refused:
            line, column = refused.mark.line + 1, refused.mark.column + 1
            doc.add(refused.code, line=line, column=column, **refused.params)
            return None
        finally:
            loader.dispose()
    return _compose_slowly(text, doc)


def _with_python_styles(node: yaml.Node | None) -> yaml.Node | None:
    """libyaml marks a plain scalar's style as "" where PyYAML writes None; make the trees identical."""
    pending = [node] if node is not None else []
    while pending:
        current = pending.pop()
        if isinstance(current, yaml.ScalarNode):
            if current.style == "":
                current.style = None
        elif isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                pending += (key, value)
        else:
            pending += current.value
    return node


def _compose_slowly(text: str, doc: SourceDocument) -> yaml.Node | None:
    """``_compose`` with the pure-Python parser, whose syntax errors are translated into problems."""
    loader = None
    try:
        loader = _Loader(text)
        node = loader.get_single_node()
        if node is None:
            doc.add("empty_file", line=1, column=1)
        return node
    except _Refused as refused:
        line, column = refused.mark.line + 1, refused.mark.column + 1
        doc.add(refused.code, line=line, column=column, **refused.params)
    except yaml.MarkedYAMLError as error:
        _syntax_problems(error, doc)
    except yaml.YAMLError as error:  # ReaderError and the like: no mark
        position = getattr(error, "position", None)
        line, column = _line_column(text, position) if isinstance(position, int) else (None, None)
        doc.add("yaml_syntax", line=line, column=column, detail=_one_line(str(error)))
    except RecursionError:
        doc.add("yaml_too_deep", line=1, column=1, limit=MAX_DEPTH)
    finally:
        if loader is not None:
            loader.dispose()
    return None


def _leading_tab(line: str) -> int | None:
    """0-based index of a tab in the indentation of ``line``, if any."""
    indent = len(line) - len(line.lstrip(" \t"))
    index = line.find("\t", 0, indent)
    return index if index >= 0 else None


def _syntax_problems(error: yaml.MarkedYAMLError, doc: SourceDocument) -> None:
    """Translate one PyYAML syntax error into the problem(s) an editor can act on."""
    problem = error.problem or ""
    context = error.context or ""
    mark = error.problem_mark or error.context_mark
    context_mark = error.context_mark or mark
    line = mark.line + 1 if mark else None
    column = mark.column + 1 if mark else None

    # Tabs: PyYAML stops at the first one and its complaint ("cannot start any token", "mapping values are not
    # allowed here", ...) depends on where it is. If the error is on or just after a tab-indented line, report
    # every tab-indented line at once: that is what needs fixing.
    tab_lines = [(number, index) for number, text in enumerate(doc.lines, start=1) if (index := _leading_tab(text)) is not None]
    near = {line, (line or 0) - 1} if line else set()
    if tab_lines and ("'\\t'" in problem or any(number in near for number, _ in tab_lines)):
        for number, index in tab_lines[:MAX_REPEATED]:
            doc.add("yaml_tab", line=number, column=index + 1)
        return

    def at(code: str, where: yaml.Mark | None = mark, **params: object) -> None:
        if code == "yaml_indent" and _dedented_key(doc, where):
            return
        doc.add(
            code,
            line=where.line + 1 if where else None,
            column=where.column + 1 if where else None,
            **params,
        )

    if "quoted scalar" in context and ("end of stream" in problem or "document separator" in problem):
        # A quoted text may span lines, so PyYAML notices an unclosed quote only at the end of the file (or pairs
        # it with a later quote). The quote to fix is the first value that opens a quote and does not close it.
        opened = _unclosed_quote(doc.lines, context_mark.line) if context_mark else None
        where = opened or context_mark
        quote = _char_at(doc, where) or '"'
        at("yaml_unclosed_quote", where, quote=quote, open_line=where.line + 1)
    elif "'\\t'" in problem:
        at("yaml_tab_in_text")
    elif "escape" in problem:
        found = re.search(r"'(.)'", problem)
        backslash = yaml.Mark("", 0, mark.line, max(mark.column - 1, 0), None, None) if mark else None
        at("yaml_escape", backslash, char=found.group(1) if found else "")
    elif "alias" in problem or "alias" in context or "anchor" in context:
        at("yaml_alias", context_mark if "scanning an" in context else mark)
    elif "tag" in context:
        at("yaml_tag", context_mark, tag=_token_at(doc, context_mark))
    elif "mapping values are not allowed" in problem:
        at("yaml_colon")
    elif "could not find expected ':'" in problem:
        at("yaml_missing_colon", context_mark)
    elif "expected a single document" in context:
        at("yaml_multiple_documents")
    elif "flow" in context and context_mark is not None:
        bracket = _char_at(doc, context_mark) or "["
        if "<stream end>" in problem or (mark is not None and mark.line > context_mark.line):
            at("yaml_unclosed_bracket", context_mark, bracket=bracket, open_line=context_mark.line + 1)
        else:
            at("yaml_special_start", context_mark, char=bracket)
    elif "cannot start any token" in problem:
        char = re.search(r"found character '(.+?)'", problem)
        char_text = char.group(1) if char else ""
        if char_text in ("@", "`", "%"):
            at("yaml_special_start", char=char_text)
        else:
            at("yaml_syntax", detail=_one_line(problem))
    elif "expected <block end>, but found '<scalar>'" in problem and mark is not None:
        text = doc.source_line(mark.line + 1) or ""
        value = re.match(r"^\s*(?:-\s+)?(?:[^\s:#'\"\[{][^:#]*:\s+)?", text)
        start = value.end() if value else 0
        first = text[start : start + 1]
        start_mark = yaml.Mark("", 0, mark.line, start, None, None)
        if first in ("[", "{"):
            at("yaml_special_start", start_mark, char=first)
        elif first in ("'", '"'):
            at("yaml_text_after_quote", start_mark, quote=first)
        else:
            at("yaml_indent")
    elif "sequence entries are not allowed" in problem:
        at("yaml_special_start", char="-")
    elif "expected <block end>" in problem and re.search(r"'(<block mapping start>|<block sequence start>|\?|-)'", problem):
        at("yaml_indent")
    elif "did not find expected key" in problem or "did not find expected '-'" in problem:
        at("yaml_indent")
    else:
        detail = ", ".join(part for part in (context, problem) if part)
        doc.add("yaml_syntax", line=line, column=column, detail=_one_line(detail))


_KEY_LINE = re.compile(r"^( *)([A-Za-z_][A-Za-z0-9_]*):(?:\s|$)")


def _indent_of(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _dedented_key(doc: SourceDocument, mark: yaml.Mark | None) -> bool:
    """An indentation error caused by a key further up moved too far left (``q2:`` at the left edge inside
    ``quarters:``): YAML notices only at a later line (``q3:``). Report the moved key, at its own line."""
    if mark is None:
        return False
    error_line = doc.source_line(mark.line + 1) or ""
    sibling = _KEY_LINE.match(error_line)
    if sibling is None:
        return False
    indent = len(sibling.group(1))
    for index in range(mark.line - 1, -1, -1):
        text = doc.lines[index]
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        if _indent_of(text) >= indent:
            continue
        moved = _KEY_LINE.match(text)
        if moved is None:
            return False
        key = moved.group(2)
        if key in Indicator.model_fields or not owner_paths(Indicator, key):
            return False  # a real parent key: the error is elsewhere
        field_name = field_path(owner_paths(Indicator, key)[0] + (key,))
        doc.add(
            "yaml_dedented_key",
            line=index + 1,
            column=len(moved.group(1)) + 1,
            field_name=field_name,
            key=key,
            sibling=sibling.group(2),
            sibling_line=mark.line + 1,
            spaces=indent,
        )
        return True
    return False


_QUOTED_VALUE = re.compile(r"""^(\s*(?:-\s+)?(?:[^\s:#'"][^:#]*:\s+|-\s+)?)(["'])(.*)$""")


def _unclosed_quote(lines: list[str], last: int) -> yaml.Mark | None:
    """The first line (up to 0-based ``last``) whose value opens a quote that the line does not close."""
    for index, text in enumerate(lines[: last + 1]):
        match = _QUOTED_VALUE.match(text)
        if not match:
            continue
        quote, rest = match.group(2), match.group(3)
        rest = rest.replace("''", "") if quote == "'" else re.sub(r"\\.", "", rest)
        if quote not in rest:
            return yaml.Mark("", 0, index, len(match.group(1)), None, None)
    return None


def _char_at(doc: SourceDocument, mark: yaml.Mark | None) -> str | None:
    text = doc.source_line(mark.line + 1) if mark else None
    if text is None or mark is None or mark.column >= len(text):
        return None
    return text[mark.column]


def _token_at(doc: SourceDocument, mark: yaml.Mark | None) -> str:
    text = doc.source_line(mark.line + 1) if mark else None
    if text is None or mark is None:
        return "!"
    return text[mark.column :].split(" ", 1)[0][:40] or "!"


def _one_line(text: str) -> str:
    return " ".join(text.split())[:200]


class _Builder:
    """Plain Python values from a node tree, recording every value's position and the structural problems."""

    def __init__(self, doc: SourceDocument):
        self.doc = doc
        self.constructor = SafeConstructor()

    def build(self, node: yaml.Node, path: tuple, key_mark: yaml.Mark | None) -> Any:
        self.doc.positions[path] = Located(key_mark, node)
        if isinstance(node, yaml.MappingNode):
            self._check_collection_tag(node, path)
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            self._check_collection_tag(node, path)
            return [self.build(item, path + (index,), None) for index, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _mapping(self, node: yaml.MappingNode, path: tuple) -> dict:
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                mark = key_node.start_mark
                self.doc.add("yaml_complex_key", line=mark.line + 1, column=mark.column + 1)
                continue
            key = key_node.value
            mark = key_node.start_mark
            if key in first_line:
                self.doc.add(
                    "duplicate_key",
                    line=mark.line + 1,
                    column=mark.column + 1,
                    field_name=field_path(path + (key,)),
                    key=key,
                    first_line=first_line[key],
                )
                continue
            first_line[key] = mark.line + 1
            result[key] = self.build(value_node, path + (key,), mark)
        return result

    def _scalar(self, node: yaml.ScalarNode, path: tuple) -> Any:
        construct = SafeConstructor.yaml_constructors.get(node.tag)
        if construct is None or node.tag in _STANDARD_COLLECTION_TAGS:
            self.doc.add("yaml_tag", path, tag=_token_at(self.doc, node.start_mark))
            return node.value
        if node.style is None:
            number = self._plain_number(node, path)
            if number is not None:
                return number
        try:
            value = construct(self.constructor, node)
        except (ValueError, OverflowError, TypeError, yaml.YAMLError):
            return node.value  # e.g. 2021-02-30: not a date; kept as written for the date message
        if isinstance(value, (bytes, set)) or isinstance(value, types.GeneratorType):
            return node.value
        if isinstance(value, str):
            return self._text(value, node, path)
        return value

    def _plain_number(self, node: yaml.ScalarNode, path: tuple) -> Any:
        """A plain number read as the decimal it was written as, or None to let YAML construct the value.

        YAML 1.1 reads ``036`` as octal 30, ``0x24`` as 36 and ``1:30`` as 90 (base 60). Here ``036`` is 36, and
        hexadecimal, binary and base-60 numbers stay the text written (a text field keeps ``1:30``; a number field
        refuses it, ``implicit``). ``1e3`` (text to YAML 1.1, a number to the editor's YAML 1.2) is 1000, and
        ``1.0e+25`` is refused by the model's bound.
        """
        raw = node.value.strip()
        tag = node.tag.removeprefix(_YAML_TAG_PREFIX)
        if tag == "int":
            if _DECIMAL_INTEGER.fullmatch(raw):
                return int(raw.replace("_", ""))
            base = raw.lstrip("+-")[:2].lower()
            self.doc.implicit[path] = "sexagesimal" if ":" in raw else "binary" if base == "0b" else "hex"
            return raw
        if tag == "float" and ":" in raw:
            self.doc.implicit[path] = "sexagesimal"
            return raw
        if tag == "str" and _EXPONENT_NUMBER.fullmatch(raw):
            return Decimal(raw)  # the model writes it out (1E+3 → 1000) and bounds it
        if tag == "float" and _DECIMAL_NUMBER.fullmatch(raw):  # not .inf, .nan: the model says they are no numbers
            # Through float, as reportgen always read decimals: 36.50 is 36.5, so that the content digest of every
            # sign-off recorded stays the same (digest.py); the value is the one written.
            return Decimal(repr(float(raw.replace("_", ""))))
        return None

    def _text(self, value: str, node: yaml.ScalarNode, path: tuple) -> str:
        """Text as the form will print it: invisible characters pasted with it removed; control characters,
        direction overrides and broken characters refused at their line; text in curly quotes noted."""
        refused = _REFUSED_CHARACTER.search(value)
        if refused:
            char = refused.group()
            spot = self.doc.find(path, char) if not 0xD800 <= ord(char) <= 0xDFFF else None
            line, column = spot if spot else (node.start_mark.line + 1, node.start_mark.column + 1)
            kind = (
                localized("char_kind_surrogate")
                if 0xD800 <= ord(char) <= 0xDFFF
                else localized("char_kind_direction")
                if char in _BIDI_CONTROLS
                else localized("char_kind_control")
            )
            self.doc.add(
                "text_control_char", path, line=line, column=column, char=f"U+{ord(char):04X}", kind=kind
            )
            value = _REFUSED_CHARACTER.sub("\ufffd", value)  # the file is refused; no message may carry them
        value = _INVISIBLE.sub("", value)
        if node.style is None and len(value) >= 2 and value[0] in _CURLY_OPEN and value[-1] in _CURLY_CLOSE:
            self.doc.curly_quoted.add(path)
        return value

    def _check_collection_tag(self, node: yaml.Node, path: tuple) -> None:
        if node.tag not in _STANDARD_COLLECTION_TAGS:
            self.doc.add("yaml_tag", path, tag=_token_at(self.doc, node.start_mark))


# --- Validation against the models ------------------------------------------------------------------------------


def validate_document(doc: SourceDocument, model: type[ContentModel]) -> SourceDocument:
    """Validate ``doc.data`` against ``model``; sets ``doc.model`` or adds one problem per mistake."""
    if doc.data is None:
        return doc
    try:
        doc.model = model.model_validate(doc.data)
    except ValidationError as error:
        doc.problems.extend(_ErrorMapper(doc, model).problems(error.errors(include_url=False)))
    if doc.ok:
        doc.problems.extend(file_warnings(doc))
    return doc


def load_document(data: bytes | str, model: type[ContentModel], file: PurePosixPath) -> SourceDocument:
    """Parse and validate one file's bytes: the document, with ``model`` set or ``problems`` filled."""
    return validate_document(parse_document(data, file), model)


def load_indicator(
    data: bytes | str, file: PurePosixPath | str = "content/indicators/2564/08.yaml"
) -> Indicator:
    """One indicator file's bytes → ``Indicator``; raises ``ContentError`` with every problem found."""
    doc = load_document(data, Indicator, PurePosixPath(file))
    if not doc.ok:
        raise ContentError(doc.problems)
    return doc.model


def model_at(model: type[BaseModel], path: Sequence) -> type[BaseModel] | None:
    """The model class that validates the mapping at ``path`` (e.g. ``("quarters", "q1")`` → QuarterReport)."""
    annotation: Any = model
    for element in path:
        annotation = unwrap_annotation(annotation)[0]
        if isinstance(element, int):
            if typing.get_origin(annotation) is not list:
                return None
            annotation = typing.get_args(annotation)[0]
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel) and element in annotation.model_fields:
            annotation = annotation.model_fields[element].annotation
        else:
            return None
    annotation = unwrap_annotation(annotation)[0]
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def owner_paths(model: type[BaseModel], key: str) -> list[tuple]:
    """The paths below ``model`` whose model has a field ``key``, nearest first: ``summary`` → ``[("quarters",)]``."""
    found: list[tuple] = []
    pending: list[tuple[tuple, type[BaseModel]]] = [((), model)]
    while pending:
        path, current = pending.pop(0)
        for name in current.model_fields:
            child = model_at(current, (name,))
            if child is None:
                continue
            if key in child.model_fields:
                found.append(path + (name,))
            if len(path) < 3:
                pending.append((path + (name,), child))
    return found


def _description(model: type[BaseModel] | None, key: str) -> str:
    if model is None or key not in model.model_fields:
        return ""
    return model.model_fields[key].description or ""


def _thai_phrases(description: str) -> list[str]:
    """The Thai names of a field in its description: "1. ชื่อตัวชี้วัด" → ["ชื่อตัวชี้วัด"]."""
    text = re.sub(r"^[\d.]+\s*", "", description)
    head = re.split(r"\s*(?:\(|เช่น|:|ใส่|ถ้า)\s*", text, maxsplit=1)[0].strip()
    phrases = [head] if head else []
    phrases += [part.strip() for part in re.findall(r"\(([^)]*)\)", text)]
    return [phrase for phrase in phrases if _THAI.search(phrase)]


def suggest_key(model: type[BaseModel] | None, key: str) -> tuple[str | None, bool]:
    """The allowed key an unknown ``key`` most likely meant, and whether it was matched from a Thai name."""
    if model is None:
        return None, False
    allowed = list(model.model_fields)
    if _THAI.search(key):
        best, best_score = None, 0.0
        wanted = key.strip()
        for name in allowed:
            for phrase in _thai_phrases(_description(model, name)):
                score = difflib.SequenceMatcher(None, wanted, phrase).ratio()
                if len(wanted) >= 3 and (wanted in phrase or phrase in wanted):
                    score = max(score, 0.75 + 0.25 * min(len(wanted), len(phrase)) / max(len(wanted), len(phrase)))
                if score > best_score:
                    best, best_score = name, score
        return (best, True) if best_score >= 0.6 else (None, True)
    lowered = key.strip().lower().replace("-", "_").replace(" ", "_")
    if lowered in allowed:
        return lowered, False
    matches = difflib.get_close_matches(lowered, allowed, n=1, cutoff=0.6)
    return (matches[0] if matches else None), False


def _short(text: str, limit: int = 40) -> str:
    text = text.replace("\r", "").replace("\n", "⏎")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe(value: Any, node: yaml.Node | None, *, structure_only: bool = False) -> Localized:
    """What was found, in words: ``"สาม" (ข้อความ)`` / ``"สาม" (text)``."""
    raw = node.value if isinstance(node, yaml.ScalarNode) else None
    if isinstance(node, yaml.SequenceNode) or isinstance(value, list):
        return localized("found_list")
    if isinstance(node, yaml.MappingNode) or isinstance(value, dict):
        return localized("found_mapping")
    if structure_only:
        if raw is not None and raw.strip():
            return localized("found_text_structure", text=_short(raw))
        return localized("found_empty_structure")
    shown = _short(raw) if raw is not None else _short(str(value))
    if value is None:
        return localized("found_nothing")
    if isinstance(value, bool):
        return localized("found_bool", value=shown)
    if isinstance(value, (dt.date, dt.datetime)):
        return localized("found_date", value=shown)
    if isinstance(value, (int, float, Decimal)):
        return localized("found_number", value=shown)
    if isinstance(value, str):
        if not value.strip():
            return localized("found_empty_text")
        return localized("found_text", text=_short(value))
    return L(shown, shown)


_EXPECTED = {
    kind: localized(f"expected_{kind}")
    for kind in ("text", "number", "integer", "date", "mapping", "list", "choice", "value")
}

_EXPECTED_BY_TYPE = {
    "string_type": "text",
    "string_too_short": "text",
    "int_type": "integer",
    "is_instance_of": "number",
    "decimal_type": "number",
    "float_type": "number",
    "date_type": "date",
    "model_type": "mapping",
    "dict_type": "mapping",
    "model_attributes_type": "mapping",
    "list_type": "list",
    "literal_error": "choice",
}


def _as_number_text(text: str) -> str | None:
    """A number hidden in text ("1,000", "๓", "36 ห้อง") as plain digits, or None."""
    candidate = text.strip().translate(_THAI_DIGITS).replace(",", "")
    candidate = re.sub(r"\s*[^\d.\s+-].*$", "", candidate) if re.match(r"^[\d.]+\s*\D", candidate) else candidate
    try:
        number = Decimal(candidate)
    except (InvalidOperation, ValueError):
        return None
    return candidate if number.is_finite() else None


def _date_suggestion(text: str) -> str | None:
    """An ISO Christian-Era date for "20/10/2564", "2564-10-20", "20-10-2021"..., or None."""
    text = text.strip().translate(_THAI_DIGITS)
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    if match:
        day, month, year = (int(part) for part in match.groups())
    else:
        match = re.fullmatch(r"(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})", text)
        if not match:
            return None
        year, month, day = (int(part) for part in match.groups())
    if year > 2400:
        year -= 543
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


_IMPLICIT_NUMBERS = {how: localized(f"implicit_number_{how}") for how in ("hex", "binary", "sexagesimal")}


class _ErrorMapper:
    """pydantic validation errors → Problems in the catalogue's words, located in the source."""

    def __init__(self, doc: SourceDocument, model: type[ContentModel]):
        self.doc = doc
        self.model = model

    def problems(self, errors: list[dict]) -> Iterator[Problem]:
        missing: dict[tuple, list[str]] = {}
        renamed: set[tuple] = set()  # (parent, key) an unknown key was suggested for: "missing" would repeat it
        for error in errors:
            loc = tuple(part for part in error.get("loc", ()) if isinstance(part, (str, int)))
            if error.get("type") == "missing" and loc:
                missing.setdefault(loc[:-1], []).append(str(loc[-1]))
                continue
            if error.get("type") == "extra_forbidden" and loc:
                suggestion, _ = suggest_key(model_at(self.model, loc[:-1]), str(loc[-1]))
                if suggestion:
                    renamed.add((loc[:-1], suggestion))
            try:
                yield self.problem(error, loc)
            except Exception as failure:  # noqa: BLE001 - a message must never hide the problem it reports
                yield self.doc.problem(
                    "invalid", self._known_prefix(loc), found=L("?", "?"), detail=f"{error.get('msg')} ({failure})"
                )
        for parent, keys in missing.items():
            keys = [key for key in keys if (parent, key) not in renamed]
            if keys:
                yield self.missing(parent, keys)

    def _known_prefix(self, loc: tuple) -> tuple:
        for length in range(len(loc), -1, -1):
            if loc[:length] in self.doc.positions:
                return loc[:length]
        return ()

    def missing(self, parent: tuple, keys: list[str]) -> Problem:
        parent_model = model_at(self.model, parent)
        parent_name = field_path(parent)
        where = localized("where_in", parent=parent_name) if parent_name else L("", "")
        listed_th = ", ".join(f"{key} ({_description(parent_model, key)})" if _description(parent_model, key) else key for key in keys)
        listed_en = ", ".join(keys)
        example = (
            localized("missing_example_under", key=keys[0], parent=parent_name)
            if parent_name
            else localized("missing_example", key=keys[0])
        )
        field_name = field_path(parent + (keys[0],)) if len(keys) == 1 else (parent_name or None)
        path = parent if parent in self.doc.positions else ()
        return self.doc.problem(
            "missing",
            path,
            at="key",
            field_name=field_name,
            keys=L(listed_th, listed_en),
            where=where,
            example=example,
            missing=keys,
        )

    def problem(self, error: dict, loc: tuple) -> Problem:
        kind = error.get("type", "")
        ctx = error.get("ctx") or {}
        path = self._known_prefix(loc)
        located = self.doc.positions.get(path)
        node = located.node if located else None
        raw = node.value if isinstance(node, yaml.ScalarNode) else None
        quoted = isinstance(node, yaml.ScalarNode) and node.style in ("'", '"')
        value = error.get("input")
        key = next((str(part) for part in reversed(path) if isinstance(part, str)), "value")
        found = describe(value, node)
        common = {"key": key, "found": found, "raw": raw if raw is not None else _short(str(value))}

        def problem(code: str, **params: object) -> Problem:
            return self.doc.problem(code, path, **{**common, **params})

        if kind == "extra_forbidden":
            return self.unknown_key(path)
        if path in self.doc.curly_quoted:
            return problem("yaml_curly_quotes", inner=str(raw or "").strip()[1:-1])
        if path in self.doc.implicit:
            return problem("yaml_implicit_number", how=_IMPLICIT_NUMBERS[self.doc.implicit[path]])
        if kind == "number_too_precise":
            places = ctx.get("places", 2)
            rounded = format(Decimal(str(value)).quantize(Decimal(1).scaleb(-int(places))), "f")
            return problem("number_too_precise", places=places, suggestion=rounded)
        if value is None and kind in _EXPECTED_BY_TYPE:
            return self.doc.problem(
                "empty_value", path, at="key", **{**common, "expected": _EXPECTED[_EXPECTED_BY_TYPE[kind]]}
            )

        if kind == "string_type":
            if path == ("code",) and isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
                suggestion = raw if raw and raw.startswith("0") else str(value).zfill(2)
                return problem("code_not_text", value=value, suggestion=suggestion)
            if isinstance(value, bool):
                return problem("yaml_bool", expected=_EXPECTED["text"], value=str(value).lower())
            if isinstance(value, (dt.date, dt.datetime)):
                return problem("yaml_date_as_text")
            if isinstance(value, (int, float, Decimal)) and raw is not None and raw.strip() != str(value):
                return problem("yaml_number_as_text", value=value)
            if isinstance(value, (list, dict)):
                fix = localized("fix_text_not_structure", key=key)
            else:
                fix = localized("fix_quote_text", key=key, raw=raw)
            return problem("not_text", fix=fix)

        if kind in ("int_type", "int_parsing", "int_from_float"):
            return self.integer(problem, path, value, raw, quoted)

        if kind in ("is_instance_of", "decimal_type", "decimal_parsing", "float_type", "float_parsing", "number_type"):
            return self.number(problem, value, raw, quoted)
        if kind == "finite_number":
            return problem("not_finite")
        if kind in ("greater_than_equal", "greater_than"):
            limit = ctx.get("ge", ctx.get("gt"))
            if path == ("fiscal_year",):
                return self.fiscal_year(problem, value)
            if limit == 0:
                return problem("negative", value=raw if raw is not None else value)
            return problem("too_small", value=value, limit=limit)
        if kind in ("less_than_equal", "less_than"):
            if path == ("fiscal_year",):
                return self.fiscal_year(problem, value)
            limit = ctx.get("le", ctx.get("lt"))
            with contextlib.suppress(InvalidOperation, ValueError):
                limit = format(Decimal(re.sub(r"^Decimal\('(.*)'\)$", r"\1", str(limit))), ",f")
            return problem("too_large", value=raw if raw is not None else value, limit=limit)
        if kind == "literal_error":
            return self.choice(problem, path, value, ctx)
        if kind == "string_too_short":
            return problem("too_short")
        if kind == "string_too_long":
            return problem("too_long", length=f"{len(value):,}", limit=f"{ctx.get('max_length', 0):,}")
        if kind == "too_long":
            return problem("too_many_items", length=ctx.get("actual_length", "?"), limit=ctx.get("max_length", "?"))
        if kind == "too_short":
            return problem("too_few_items", length=ctx.get("actual_length", "?"), limit=ctx.get("min_length", "?"))
        if kind == "string_pattern_mismatch":
            if path == ("code",):
                return problem("code_pattern")
            if path == ("publisher", "email"):
                return problem("email_invalid")
            return problem("invalid", detail=error.get("msg", ""))
        if kind in ("model_type", "dict_type", "model_attributes_type"):
            return self.not_mapping(problem, path, value)
        if kind == "list_type":
            return problem("not_list")
        if kind == "url_bad_char":
            return problem("url_bad_char", url=ctx.get("url", ""), char=ctx.get("char", "?"))
        if kind in ("unsafe_url", "image_in_text"):
            url = str(ctx.get("url", ""))
            spot = self.doc.find(path, url) if url else None
            line, column = spot if spot else self.doc.position(path)
            return self.doc.problem(kind, path, line=line, column=column, url=url or localized("url_empty"), **common)
        if kind == "buddhist_era_date":
            year = ctx.get("year", "?")
            suggestion = _date_suggestion(str(value)) if not isinstance(value, dt.date) else None
            if isinstance(value, dt.date):
                try:
                    suggestion = value.replace(year=value.year - 543).isoformat()
                except ValueError:
                    suggestion = None
            return problem("date_buddhist_era", year=year, suggestion=suggestion or "2021-10-20")
        if kind.startswith("date_") or kind.startswith("datetime_"):
            return self.date(problem, value, raw)
        return problem("invalid", detail=error.get("msg", kind))

    def unknown_key(self, path: tuple) -> Problem:
        key = str(path[-1])
        parent = path[:-1]
        parent_model = model_at(self.model, parent)
        allowed = ", ".join(parent_model.model_fields) if parent_model else ""
        parent_name = field_path(parent)
        where = localized("where_in", parent=parent_name) if parent_name else L("", "")
        suggestion, from_thai = suggest_key(parent_model, key)
        params = {"key": key, "where": where, "allowed": allowed, "suggestion": suggestion or ""}
        if not suggestion and parent_model is not None:
            placed = self.misplaced_key(path, parent_model)
            if placed is not None:
                return placed
        if suggestion and from_thai:
            description = re.sub(r"^[\d.]+\s*", "", _description(parent_model, suggestion))
            return self.doc.problem("unknown_key_thai", path, at="key", description=description, **params)
        if suggestion:
            return self.doc.problem("unknown_key_suggest", path, at="key", **params)
        return self.doc.problem("unknown_key", path, at="key", **params)

    def misplaced_key(self, path: tuple, parent_model: type[BaseModel]) -> Problem | None:
        """A known key at the wrong level: indented too little under the key above it (``result:`` under ``q1:``),
        or written at a level above its own (``summary:`` at the top instead of under ``quarters:``)."""
        key, parent = str(path[-1]), path[:-1]
        siblings = [part for part in self.doc.positions if len(part) == len(path) and part[:-1] == parent]
        key_line, _ = self.doc.position(path, "key")
        above = [
            sibling
            for sibling in siblings
            if sibling != path and (self.doc.position(sibling, "key")[0] or 0) < (key_line or 0)
        ]
        if above:
            previous = max(above, key=lambda sibling: self.doc.position(sibling, "key")[0] or 0)
            previous_model = model_at(self.model, previous)
            if previous_model is not None and key in previous_model.model_fields:
                children = [part for part in self.doc.positions if len(part) == len(previous) + 1 and part[:-1] == previous]
                columns = [self.doc.position(child, "key")[1] or 0 for child in children]
                previous_column = self.doc.position(previous, "key")[1] or 1
                spaces = (min(columns) - 1) if columns else previous_column + 1
                return self.doc.problem(
                    "key_under_indented",
                    path,
                    at="key",
                    field_name=field_path(previous + (key,)),
                    key=key,
                    parent=str(previous[-1]),
                    spaces=spaces,
                )
        owners = owner_paths(parent_model, key)
        if owners:
            owner = owners[0]
            return self.doc.problem(
                "key_misplaced",
                path,
                at="key",
                field_name=field_path(parent + owner + (key,)),
                key=key,
                parent=str(owner[-1]),
                spaces=2 * len(parent + owner),
            )
        return None

    def integer(self, problem, path: tuple, value: Any, raw: str | None, quoted: bool) -> Problem:
        if isinstance(value, bool):
            return problem("yaml_bool", expected=_EXPECTED["integer"], value=str(value).lower())
        extra = localized("expected_extra_fiscal_year") if path == ("fiscal_year",) else L("", "")
        if (as_text := self.number_as_text(problem, value, quoted)) is not None:
            return as_text
        fix = localized("fix_whole_number")
        return problem("not_integer", expected_extra=extra, fix=fix)

    def number(self, problem, value: Any, raw: str | None, quoted: bool) -> Problem:
        if isinstance(value, bool):
            return problem("yaml_bool", expected=_EXPECTED["number"], value=str(value).lower())
        if (as_text := self.number_as_text(problem, value, quoted)) is not None:
            return as_text
        return problem("not_number")

    @staticmethod
    def number_as_text(problem, value: Any, quoted: bool) -> Problem | None:
        """A number written as text: in quotes ("3"), or with commas or Thai digits (1,036, ๓๖)."""
        if not isinstance(value, str) or (number := _as_number_text(value)) is None:
            return None
        if _THAI_DIGIT.search(value) and number == value.strip().translate(_THAI_DIGITS):
            return problem("number_thai_digits", suggestion=number)
        if quoted and number == value.strip():
            return problem("number_quoted", suggestion=number)
        return problem("number_formatted", suggestion=number)

    def fiscal_year(self, problem, value: Any) -> Problem:
        if isinstance(value, int) and 1900 <= value <= 2200:
            return problem("fiscal_year_ce", value=value, suggestion=value + 543)
        return problem("fiscal_year_range", value=value, low=MIN_FISCAL_YEAR, high=MAX_FISCAL_YEAR)

    def choice(self, problem, path: tuple, value: Any, ctx: dict) -> Problem:
        options = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        expected = ", ".join(options)
        if isinstance(value, bool):
            return problem("yaml_bool", expected=localized("expected_one_of", options=expected), value=str(value).lower())
        suggestion = None
        if isinstance(value, str) and value.strip():
            parent_model = model_at(self.model, path[:-1])
            description = _description(parent_model, str(path[-1])) if path else ""
            for option in options:
                if re.search(rf"\b{re.escape(option)}\s*\({re.escape(value.strip())}\)", description):
                    suggestion = option
            if suggestion is None:
                close = difflib.get_close_matches(value.strip().lower(), options, n=1, cutoff=0.6)
                suggestion = close[0] if close else None
        key = str(path[-1]) if path else "value"
        fix = (
            localized("fix_change_to", key=key, suggestion=suggestion)
            if suggestion
            else localized("fix_choose_one", options=expected)
        )
        return problem("choice", expected=expected, fix=fix)

    def not_mapping(self, problem, path: tuple, value: Any) -> Problem:
        key = next((str(part) for part in reversed(path) if isinstance(part, str)), "")
        sub_model = model_at(self.model, path)
        first = next(iter(sub_model.model_fields), "...") if sub_model else "..."
        if isinstance(value, list):
            fix = localized("fix_mapping_not_list", key=key)
        else:
            fix = localized("fix_mapping_indent", key=key, first=first)
        return problem("not_mapping", fix=fix)

    def date(self, problem, value: Any, raw: str | None) -> Problem:
        if isinstance(value, dt.datetime):
            return problem("date_with_time", suggestion=value.date().isoformat())
        text = value if isinstance(value, str) else (raw or str(value))
        match = re.fullmatch(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*", text.translate(_THAI_DIGITS))
        if match:
            year, month, day = (int(part) for part in match.groups())
            if year > 2400:
                suggestion = _date_suggestion(text) or f"{year - 543}-{month:02d}-{day:02d}"
                return problem("date_buddhist_era", year=year, suggestion=suggestion)
            if not 1 <= month <= 12:
                reason = localized("date_reason_month")
            else:
                days = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day if year >= 1 else 31
                reason = localized("date_reason_days", month=month, year=year, days=days)
            return problem("date_invalid", raw=text.strip(), reason=reason)
        suggestion = _date_suggestion(text)
        fix = (
            localized("fix_change_to", key="date", suggestion=suggestion)
            if suggestion
            else localized("fix_date_format")
        )
        return problem("date_format", fix=fix)


# --- Projects ----------------------------------------------------------------------------------------------------


def _relative(path: Path, root: Path) -> PurePosixPath:
    return PurePosixPath(path.relative_to(root).as_posix())


def _indicator_files(root: Path, paths: Sequence[Path] | None) -> list[Path]:
    """The indicator files to load: all of content/indicators/, or the given ones (checked to be in content/)."""
    content = root / CONTENT_DIR
    if paths is None:
        indicators = content / INDICATORS_DIR
        found = [path for path in indicators.rglob("*") if path.suffix in YAML_SUFFIXES and path.is_file()]
        return sorted(found, key=lambda path: path.as_posix())
    selected: list[Path] = []
    for given in paths:
        path = Path(given)
        path = (path if path.is_absolute() else Path.cwd() / path).resolve()
        if not path.is_relative_to(content):
            raise UsageError("usage_not_in_content", path=given)
        if path.is_dir():
            selected.extend(sorted(p for p in path.rglob("*") if p.suffix in YAML_SUFFIXES and p.is_file()))
        elif not path.exists():
            raise UsageError("usage_no_such_file", path=given)
        elif path == content / SITE_FILE:
            continue  # always loaded
        else:
            selected.append(path)
    return sorted(dict.fromkeys(selected), key=lambda path: path.as_posix())


def load_file(
    path: Path, root: Path, model: type[ContentModel], cache: DocumentCache | None = None
) -> SourceDocument:
    """Read, parse and validate one file of the project; with a ``cache``, a valid file whose bytes were loaded
    before is taken from it instead."""
    doc = SourceDocument(_relative(path, root))
    if not path.resolve().is_relative_to((root / CONTENT_DIR).resolve()):
        doc.add("symlink_outside")  # neither read nor shown: it may be any file of the machine
        return doc
    data = _read_bytes(path, doc)
    if data is None:
        return doc
    if cache is not None and (cached := cache.get(doc.file, model, data)) is not None:
        return cached.with_text(_text_of(data))
    doc = validate_document(parse_document(data, doc.file, doc), model)
    if cache is not None and doc.ok:
        cache.put(doc.file, model, data, doc.compact())
    return doc


def _text_of(data: bytes) -> str:
    """The text of bytes that decoded once already (a cached file's)."""
    return data[3:].decode("utf-8") if data.startswith(b"\xef\xbb\xbf") else data.decode("utf-8")


def load_documents(
    root: Path, paths: Sequence[Path] | None = None, *, use_cache: bool = True
) -> tuple[SourceDocument, list[SourceDocument]]:
    """The site document and the indicator documents, each parsed and validated on its own (or taken from the
    project's document cache, ``doccache.py``, when ``use_cache`` and its bytes have not changed)."""
    root = Path(root).resolve()
    content = root / CONTENT_DIR
    if not content.is_dir():
        raise UsageError("usage_no_content_folder", root=root)
    cache = DocumentCache.for_project(root) if use_cache else None
    site_path = content / SITE_FILE
    if site_path.is_file():
        site = load_file(site_path, root, SiteSettings, cache)
    else:
        site = SourceDocument(_relative(site_path, root))
        site.add("file_unreadable", reason=localized("reason_no_site_file"))
    indicators = [load_file(path, root, Indicator, cache) for path in _indicator_files(root, paths)]
    if cache is not None:
        cache.save(complete=paths is None)
    return site, indicators


def load_project(
    root: Path,
    paths: Sequence[Path] | None = None,
    *,
    strict: bool = False,
    today: dt.date | None = None,
    use_cache: bool = True,
) -> Project:
    """Load and validate content/; return the ``Project`` or raise one ``ContentError`` with every problem.

    ``paths`` limits the indicator files loaded (absolute or relative to the current directory, inside
    ``root/content``); site.yaml is always loaded. ``strict`` turns warnings into errors; ``today`` (default: the
    real date) decides which fiscal quarters have ended. ``use_cache=False`` neither reads nor writes the document
    cache (``doccache.py``).
    """
    site, indicators = load_documents(root, paths, use_cache=use_cache)
    return build_project(Path(root).resolve(), site, indicators, strict=strict, today=today)
