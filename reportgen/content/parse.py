"""A content file's bytes → its YAML values with their positions, and every syntax problem at its line and column.

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

The values are then validated by ``explain.py``. Nothing stops at the first error: every problem of the file is
collected.

Parsing is done by libyaml's C parser (events), composed into nodes by PyYAML's Python composer, so the checks
above run on every node; this is about ten times faster than the pure-Python parser (0.2 ms against 2 ms for a
4 KB file), which is what makes ``check`` of a thousand files take well under a second. When a file has a syntax
error, it is parsed again by the pure-Python parser, whose error positions and problem texts are the ones
translated here. Without libyaml, the pure-Python parser does everything. Thai text is never normalised (no
NFKC): what staff wrote is what is printed.
"""


from __future__ import annotations

import datetime as dt
import re
import types
import typing
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any

import yaml
from pydantic import BaseModel
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.reader import Reader
from yaml.resolver import Resolver

from reportgen.content.positions import _LINE_BREAKS, Located, SourceDocument, field_path
from reportgen.errors import Problem
from reportgen.model import (
    Indicator,
    unwrap_annotation,
)
from reportgen.wording import Localized, localized

#: Largest content file read. The real indicator file is about 10 KB; anything near a megabyte is an accident.
MAX_FILE_BYTES = 1024 * 1024

#: Deepest nesting accepted. The format is three levels deep; a deeper file is malformed (or hostile), and the
#: limit keeps PyYAML's recursive composer far from Python's recursion limit.
MAX_DEPTH = 20

#: At most this many problems of one kind (undecodable lines, tab-indented lines) are listed per file.
MAX_REPEATED = 20
_THAI = re.compile(r"[\u0E00-\u0E7F]")
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
REFUSED_CHARACTER = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff{_BIDI_CONTROLS}]")


def remove_invisible(text: str) -> str:
    """Text pasted from another program → the same without the invisible characters it carried (``_INVISIBLE``): how
    ``check`` reads every text of a file, and how the desk cleans what is pasted into it."""
    return _INVISIBLE.sub("", text)


def refused_kind(char: str) -> Localized:
    """What a ``REFUSED_CHARACTER`` is, in the reader's words: a control character, a direction override or a
    broken character."""
    if 0xD800 <= ord(char) <= 0xDFFF:
        return localized("char_kind_surrogate")
    return localized("char_kind_direction") if char in _BIDI_CONTROLS else localized("char_kind_control")

#: Curly quotes (as Word types them) around a whole plain value: YAML does not take them for quotes.
_CURLY_OPEN = "“”‘’„«"
_CURLY_CLOSE = "”“’‘»"
_STANDARD_COLLECTION_TAGS = {_YAML_TAG_PREFIX + "map", _YAML_TAG_PREFIX + "seq"}


# --- Reading and parsing -----------------------------------------------------------------------------------------


class _Refused(Exception):
    """Raised inside the composer to stop at something the format does not allow (aliases, deep nesting)."""

    def __init__(self, code: str, mark: yaml.Mark, **params: Any):
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


#: The loader libyaml drives, when PyYAML was built with it.
_FAST_LOADER: Callable[[str], Any] | None = None

if yaml.__with_libyaml__:
    from yaml._yaml import CParser

    class _FastLoader(_RefusingComposer, CParser, SafeConstructor, Resolver):
        """libyaml's event parser under PyYAML's composer (listed first, so it composes rather than CParser)."""

        def __init__(self, stream: str):
            CParser.__init__(self, stream)
            _RefusingComposer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

    _FAST_LOADER = _FastLoader  # PyYAML wheels on every platform reportgen runs on include libyaml


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


#: What libyaml accepts and PyYAML refuses (found by ``tests/content/test_project.py``'s fuzzing of the real file): tabs, a
#: byte-order mark after the start, and a comment right after a block scalar's header (``|#``). A file with any of
#: them goes to the pure-Python parser, so
#: both parsers accept exactly the same files and build the same nodes (collections' end marks may differ at the
#: very end of a file; nothing reads them).
_LIBYAML_DIFFERS = re.compile(r"\t|\ufeff|[|>][-+0-9]*#")


def _compose(text: str, doc: SourceDocument) -> yaml.Node | None:
    """The document's node tree, or None with the syntax problem(s) recorded."""
    if _FAST_LOADER is not None and not _LIBYAML_DIFFERS.search(text):
        loader = _FAST_LOADER(text)
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

    # An invisible character where YAML reads structure (the indentation, after "key:" or "- "), or a comment
    # line that ended a text block: PyYAML trips over it lines later; the line to change is the one holding it.
    if _invisible_in_structure(doc) or _comment_ending_a_block(doc, line):
        return

    def at(code: str, where: yaml.Mark | None = mark, **params: Any) -> None:
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


#: Spaces YAML does not take for spaces, and what each is in the officer's words (where it usually comes from).
_INVISIBLE_SPACES: dict[str, Callable[[str], Localized]] = {
    **dict.fromkeys("\u00a0\u202f\u2007", lambda char: localized("invisible_nbsp", char=char)),
    **dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff", lambda char: localized("invisible_zero_width", char=char)),
    **dict.fromkeys("\u3000\u2002\u2003\u2009", lambda char: localized("invisible_wide_space", char=char)),
}
_SPACE_OR_INVISIBLE = "[ " + "".join(_INVISIBLE_SPACES) + "]"
#: A key's line, and where YAML reads structure on it: the indentation, the space after a list's "-", after ":".
_KEY_STRUCTURE = re.compile(
    rf"^(?P<lead>{_SPACE_OR_INVISIBLE}*(?:-{_SPACE_OR_INVISIBLE}+)?)[A-Za-z_][A-Za-z0-9_]*:"
    rf"(?P<after>[{''.join(_INVISIBLE_SPACES)}]*)"
)


def _invisible_in_structure(doc: SourceDocument) -> bool:
    """Record each key line's invisible character in its structure (indentation, after ``-`` or ``key:``), at its
    line and column, named; True if any."""
    found = 0
    for number, text in enumerate(doc.lines, start=1):
        match = _KEY_STRUCTURE.match(text)
        if not match or found >= MAX_REPEATED:
            continue
        for group in ("lead", "after"):
            offset = match.start(group)
            spot = next((i for i, char in enumerate(match.group(group)) if char in _INVISIBLE_SPACES), None)
            if spot is not None:
                char = text[offset + spot]
                code = f"U+{ord(char):04X}"
                doc.add("yaml_invisible_char", line=number, column=offset + spot + 1, char=code,
                        what=_INVISIBLE_SPACES[char](code))  # fmt: skip
                found += 1
                break
    return found > 0


def _comment_ending_a_block(doc: SourceDocument, error_line: int | None) -> bool:
    """A ``#`` line less indented than the text block it sits in ends that block: the text after it then breaks the
    file. Recorded at the comment line; True if the error follows one."""
    if not error_line:
        return False
    lines = doc.lines
    previous = error_line - 2  # the 0-based index of the line above the error
    while previous >= 0 and not lines[previous].strip():
        previous -= 1
    if previous < 0 or not lines[previous].lstrip().startswith("#"):
        return False
    comment_indent = _indent_of(lines[previous])
    if _indent_of(lines[error_line - 1]) <= comment_indent:
        return False
    doc.add("yaml_comment_in_text", line=previous + 1, column=comment_indent + 1,
            indent=_indent_of(lines[error_line - 1]))  # fmt: skip
    return True


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
        positions = self.doc.positions
        assert isinstance(positions, dict), "a document being built holds its positions in a dict"
        positions[path] = Located(key_mark, node)
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
            key = _INVISIBLE.sub("", key_node.value)  # pasted with the key, as with any text
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
        refused = REFUSED_CHARACTER.search(value)
        if refused:
            char = refused.group()
            spot = self.doc.find(path, char) if not 0xD800 <= ord(char) <= 0xDFFF else None
            line, column = spot if spot else (node.start_mark.line + 1, node.start_mark.column + 1)
            self.doc.add(
                "text_control_char", path, line=line, column=column, char=f"U+{ord(char):04X}",
                kind=refused_kind(char),
            )
            value = REFUSED_CHARACTER.sub("\ufffd", value)  # the file is refused; no message may carry them
        value = remove_invisible(value)
        if node.style is None and len(value) >= 2 and value[0] in _CURLY_OPEN and value[-1] in _CURLY_CLOSE:
            self.doc.curly_quoted.add(path)
        return value

    def _check_collection_tag(self, node: yaml.Node, path: tuple) -> None:
        if node.tag not in _STANDARD_COLLECTION_TAGS:
            self.doc.add("yaml_tag", path, tag=_token_at(self.doc, node.start_mark))


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
    return Localized(shown, shown)
