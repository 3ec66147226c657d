"""A narrative as an officer types or pastes it → safe HTML that prints what was typed; and the checks the content
model runs on narratives and URLs.

Narratives (sections 3, 4, 6.1–6.5, 7, 8) are written by officers, who type Thai as in Word and paste from Word,
Excel and LINE. This grammar is theirs, and the one contract for pasted text (the desk relies on it too): nothing
an officer types disappears or changes meaning. It is read line by line:

``narrative``
    blocks, one after another; a blank line ends a paragraph, a list or a table.
``table``
    a line that holds a tab after its first character, followed by lines that hold a tab (cells as Excel and Word
    put them on the clipboard as text: one row a line, cells split at each tab, an empty first cell allowed; a cell
    Excel quoted because it holds line breaks, ``"บรรทัด 1⏎บรรทัด 2"``, is one cell printed on two lines). The first row
    is the header (``<th scope="col">``); cells that are numbers are aligned right.
``list``
    consecutive items of one kind; blank lines between two items keep it one list. An item is a line that starts
    (after any spaces) with
      - a number and ``.`` or ``)``, in Arabic or Thai digits, with or without a space after it (``1.``, ``1)``,
        ``๑.``, ``1.ข้อความ``); not a decimal (``1.5 ล้าน``) or a section number (``1.1``);
      - a bullet followed by a space or a tab: ``-``; or with or without a space: ``•`` ``◦`` ``▪`` ``●`` ``○``
        ``■`` ``□`` ``‣`` ``⁃`` ``∙`` ``➢`` ``►`` ``✓`` ``✔`` and the private-use bullets of Word's Symbol and
        Wingdings fonts (U+F0B7, U+F0A7, U+F0D8, U+F076, U+F0FC…); or followed by a tab, as Word pastes them:
        ``o`` ``§`` ``Ø`` ``ü`` ``–`` ``—``.
    The numbers print as typed: Thai digits as Thai digits, ``)`` as ``)``, a list starting at 3 starts at 3
    (``1.`` ``2.`` ``3.`` are numbered by the browser or WeasyPrint, any other numbering is printed as text). An
    item indented two columns or more under the one before (a tab counts four), or one Word marks as a lower level
    (``o⇥`` level 2, ``§⇥`` level 3), is a list inside that item; a line that is no item, indented under an item,
    continues it (a long item wrapped by hand). A change of kind (numbers to bullets, ``.`` to ``)``) starts a new
    list.
``paragraph``
    every other line. Each line break prints as a line break; spaces or tabs before the first word (a Thai
    first-line indent) print as an indent.
``inline``
    text, where ``*`` ``_`` ``>`` ``#`` ``` ` ``` ``\\`` ``&`` and ``<``…``>`` are characters like any other; and
    links: ``<https://…>``, ``[text](https://…)``, and a bare ``https://…``, ``http://…`` or ``mailto:…``. A link
    whose text is not its address carries the address as typed (``data-url``): paper cannot be clicked, so the
    printed form (print.css) gives it in brackets after the text, "เว็บไซต์ (https://…)"; the page does not.

Links may only point to https, http or mailto; anything else (``javascript:``, ``data:``, ``file:``) is refused
when the content is validated, so it never reaches a page. Images (``![…](…)``) are refused with a hint to list
the file as evidence.

Why a grammar of our own and not CommonMark with rules switched off (measured on the officers' cases of issue 25,
``benchmarks/narrative_choice.py``): markdown-it-py with every risky rule disabled still joins lines into one
paragraph unless ``breaks`` is on, never reads ``๑.`` or ``1.ข้อความ`` as items, lets only a list starting at 1
interrupt a paragraph, has no tab-separated tables, and folds a line after an item into it ("lazy continuation");
each needs a rewrite of the text before parsing, which is a grammar anyway, written twice. This one prints every
case as typed, and the division's files as before (the HTML of content/ and of the imported reference form is
byte for byte what CommonMark made of them).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from markdown_it.common.normalize_url import normalizeLink
from markdown_it.common.utils import escapeHtml
from pydantic_core import PydanticCustomError

from reportgen.thai import THAI_DIGITS, to_thai_digits

SAFE_URL_SCHEMES = ("https", "http", "mailto")


def is_safe_url(url: str) -> bool:
    """True for an absolute https/http/mailto URL, the only kinds a public KPI page links to."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    if parts.scheme.lower() not in SAFE_URL_SCHEMES:
        return False
    if parts.scheme.lower() == "mailto":
        return bool(parts.path)
    return bool(parts.netloc)


#: What an address cannot hold: whitespace (a line break would end an HTTP header or a sitemap line) and control
#: characters. ``urlsplit`` silently drops tabs and line breaks, so they are looked for before it sees the URL.
_URL_BAD_CHARACTER = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def check_url(url: str) -> str:
    """Content-model check for a URL field; raises a pydantic error naming what was found."""
    bad = _URL_BAD_CHARACTER.search(url)
    if bad:
        raise PydanticCustomError(
            "url_bad_char",
            "URL holds whitespace or a control character",
            {"url": url.encode("unicode_escape").decode("ascii"), "char": f"U+{ord(bad.group()):04X}"},
        )
    if not is_safe_url(url):
        raise PydanticCustomError("unsafe_url", "URL must start with https://, http:// or mailto:", {"url": url})
    return url


# --- Blocks ------------------------------------------------------------------------------------------------------

_THAI_DIGITS = THAI_DIGITS
_DIGITS = f"0-9{THAI_DIGITS[0]}-{THAI_DIGITS[-1]}"
#: A numbered item: 1. 1) ๑. ๑) with or without a space; never a decimal or a section number (1.5, 1.1).
_NUMBERED = re.compile(rf"^(?P<lead>[ \t]*)(?P<number>[{_DIGITS}]{{1,3}})(?P<delimiter>[.)])(?![{_DIGITS}])[ \t]*")
#: Bullets: "-" before a space or tab; the bullet characters with or without one; letters and dashes Word pastes
#: for its bullet glyphs only before a tab ("o⇥" is Courier New's "o", "§⇥" and "Ø⇥" Wingdings', "ü⇥" a check).
_BULLET = re.compile(
    r"^(?P<lead>[ \t]*)(?:-[ \t]+|[•◦▪▫●○■□‣⁃∙➢►✓✔\uf000-\uf0ff][ \t]*|[o§Øü–—]\t[ \t]*)"
)


def _item(line: str) -> tuple[str, str, int | None, str] | None:
    """A list item's (kind, leading whitespace, number, text), or None. Kinds: ``bullet``, ``arabic.``,
    ``arabic)``, ``thai.``, ``thai)``."""
    numbered = _NUMBERED.match(line)
    if numbered and line[numbered.end() :].strip():
        digits = numbered["number"]
        thai = digits[0] in _THAI_DIGITS
        number = int(digits.translate(str.maketrans(_THAI_DIGITS, "0123456789")))
        return f"{'thai' if thai else 'arabic'}{numbered['delimiter']}", numbered["lead"], number, line[numbered.end() :]
    bullet = _BULLET.match(line)
    if bullet and line[bullet.end() :].strip():
        return "bullet", bullet["lead"], None, line[bullet.end() :]
    return None


def without_bullet(line: str) -> str:
    """A line as its words print: without the bullet a list item starts with (the list draws a bullet of its own,
    whatever character Word pasted for it, U+F0B7 included)."""
    item = _item(line)
    return item[3] if item is not None and item[0] == "bullet" else line


#: Word's default bullets by level, as they come as plain text: "•" (Symbol), "o" (Courier New), "§" (Wingdings).
_WORD_LEVEL = {"o": 1, "§": 2, "\uf0a7": 2}


def _word_level(line: str) -> int:
    """The list level Word's bullet glyph says (0 for any other item)."""
    return _WORD_LEVEL.get(line.lstrip(" \t")[:1], 0)


def starts_list_item(line: str) -> bool:
    """True if the line is a list item of this grammar (what YAML's folding would join into the line before)."""
    return _item(line) is not None


def _is_table_row(line: str) -> bool:
    item = _item(line)
    text = item[3] if item else line.lstrip(" \t")
    return "\t" in text.rstrip(" \t")


@dataclass
class _Item:
    kind: str
    depth: int
    number: int | None
    lines: list[str]


@dataclass
class _List:
    items: list[_Item] = field(default_factory=list)
    #: The indentation (in columns) of each level open so far: an item indented further is one level deeper.
    indents: list[int] = field(default_factory=list)

    def depth_of(self, lead: str, word_level: int) -> int:
        width = len(lead.expandtabs(4))
        if not self.indents:
            self.indents.append(width)
            return 0
        if width >= self.indents[-1] + 2:
            depth = len(self.indents)
        else:
            depth = next((level for level, indent in enumerate(self.indents) if width <= indent + 1), 0)
        depth = min(max(depth, word_level), len(self.indents), (self.items[-1].depth + 1) if self.items else 0)
        del self.indents[depth + 1 :]
        if depth == len(self.indents):
            self.indents.append(width)
        return depth


@dataclass
class _Paragraph:
    lines: list[str] = field(default_factory=list)


@dataclass
class _Table:
    rows: list[list[str]] = field(default_factory=list)


_Block = _List | _Paragraph | _Table


#: Lines a quoted Excel cell may span (a cell typed with Alt+Enter); past this, the quote is taken as typed.
MAX_CELL_LINES = 20


def _ends_inside_quoted_cell(row: str) -> bool:
    """True if a tab-separated ``row`` ends inside a cell Excel quoted (``"…`` not closed): the cell goes on."""
    inside, at_cell_start, index = False, True, 0
    while index < len(row):
        char = row[index]
        if inside:
            if char == '"' and row[index + 1 : index + 2] == '"':
                index += 1
            elif char == '"':
                inside = False
        elif char == "\t":
            at_cell_start = True
            index += 1
            continue
        elif char == '"' and at_cell_start:
            inside = True
        at_cell_start = False
        index += 1
    return inside


def _excel_rows(lines: list[str]) -> list[str]:
    """Lines with the rows of an Excel paste whose cells hold line breaks (quoted, as Excel copies them) joined."""
    joined: list[str] = []
    index = 0
    while index < len(lines):
        line, end = lines[index], index
        # A row's quoted cell: anywhere in a line with a tab, or first in a line right under a row of the table.
        in_table = "\t" in line or (line.startswith('"') and bool(joined) and "\t" in joined[-1])
        if in_table and _ends_inside_quoted_cell(line):
            row = line
            while end + 1 < len(lines) and end - index < MAX_CELL_LINES and _ends_inside_quoted_cell(row):
                end += 1
                row += "\n" + lines[end]
            if not _ends_inside_quoted_cell(row) and "\t" in row:
                line, index = row, end
        joined.append(line)
        index += 1
    return joined


def _cell_text(cell: str) -> str:
    """A cell as typed: Excel's quotes around a cell that holds a line break or a quote taken off."""
    cell = cell.strip()
    if len(cell) >= 2 and cell[0] == cell[-1] == '"' and '"' not in cell[1:-1].replace('""', ""):
        return cell[1:-1].replace('""', '"')
    return cell


def _blocks(text: str) -> list[_Block]:
    lines = _excel_rows(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    blocks: list[_Block] = []
    current: _Block | None = None
    blank_before = False
    for index, line in enumerate(lines):
        if not line.strip():
            if not isinstance(current, _List):
                current = None
            blank_before = True
            continue
        # A row inside a table needs only a tab (an empty first cell is a leading tab); a table starts at a row
        # followed by another line with a tab.
        in_table = isinstance(current, _Table) and "\t" in line
        follows = lines[index + 1] if index + 1 < len(lines) else ""
        if in_table or (_is_table_row(line) and "\t" in follows and _item(follows) is None):
            if not isinstance(current, _Table):
                current = _Table()
                blocks.append(current)
            current.rows.append(line.rstrip("\n").split("\t"))
            blank_before = False
            continue
        item = _item(line)
        if item is not None:
            kind, lead, number, item_text = item
            if not isinstance(current, _List):
                current = _List()
                blocks.append(current)
            depth = current.depth_of(lead, _word_level(line))
            current.items.append(_Item(kind, depth, number, [item_text.strip()]))
        elif isinstance(current, _List) and not blank_before and line[:1] in (" ", "\t"):
            current.items[-1].lines.append(line.strip())  # a long item wrapped by hand, indented under it
        else:
            if not isinstance(current, _Paragraph):
                current = _Paragraph()
                blocks.append(current)
            current.lines.append(line.rstrip())
        blank_before = False
    return blocks


# --- Inline: text and links --------------------------------------------------------------------------------------

#: ``![alt](url)``, ``[text](url)`` (a target may hold balanced parentheses, as in CommonMark), ``<url>``, or a
#: bare URL. A bare URL ends at whitespace, at Thai (typed right
#: after it without a space) and at what cannot end an address; closing punctuation after it stays text.
_INLINE = re.compile(
    r"(?P<image>!\[(?P<alt>[^\]\n]*)\]\((?P<src>(?:[^()\s]|\([^()\s]*\))*)\))"
    r"|\[(?P<label>[^\]\n]+)\]\((?P<href>(?:[^()\s]|\([^()\s]*\))+)\)"
    r"|<(?P<auto>[A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*)>"
    r"|(?P<bare>(?:https?://|mailto:)[^\s<>\"\u0e00-\u0e7f]+)",
    re.IGNORECASE,
)
_TRAILING_PUNCTUATION = ".,;:!?'\""


def _trim_bare_url(url: str) -> str:
    while url and (url[-1] in _TRAILING_PUNCTUATION or (url[-1] == ")" and url.count(")") > url.count("("))):
        url = url[:-1]
    return url


@dataclass(frozen=True)
class Link:
    """A link: its text, its target, whether it is an image (refused), and how it was written."""

    text: str
    url: str
    written: str
    image: bool = False


def _inline_parts(text: str) -> Iterator[str | Link]:
    position = 0
    for match in _INLINE.finditer(text):
        if match["bare"]:
            url = _trim_bare_url(match["bare"])
            if len(url) <= len("mailto:") or url.lower() in ("http://", "https://"):
                continue
            if match.start() > position:
                yield text[position : match.start()]
            yield Link(url, url, url)
            position = match.start() + len(url)
            continue
        if match.start() < position:
            continue
        if match.start() > position:
            yield text[position : match.start()]
        if match["image"]:
            yield Link(match["alt"], match["src"], match[0], image=True)
        elif match["label"]:
            yield Link(match["label"], match["href"], match[0])
        else:
            yield Link(match["auto"], match["auto"], match[0])
        position = match.end()
    if position < len(text):
        yield text[position:]


def links_in(text: str) -> Iterator[Link]:
    """Every link and image a narrative holds, as written."""
    if "[" not in text and "<" not in text and ":" not in text:
        return
    for line in text.splitlines():
        for part in _inline_parts(line):
            if isinstance(part, Link):
                yield part


def _inline_html(text: str) -> str:
    out = []
    for part in _inline_parts(text):
        if isinstance(part, str):
            out.append(escapeHtml(part))
        elif not part.image and is_safe_url(part.url) and not _URL_BAD_CHARACTER.search(part.url):
            address = re.sub(r"(?i)^mailto:", "", part.url)  # an e-mail address prints as one
            url = f' data-url="{escapeHtml(address)}"' if part.text not in (part.url, address) else ""
            out.append(f'<a href="{escapeHtml(normalizeLink(part.url))}"{url}>{escapeHtml(part.text)}</a>')
        else:  # refused at validation; should one reach here, it is shown as it was typed
            out.append(escapeHtml(part.written))
    return "".join(out)


def _line_html(line: str) -> str:
    stripped = line.lstrip(" \t")
    indent = line[: len(line) - len(stripped)]
    lead = f'<span class="indent">{indent}</span>' if indent else ""
    return lead + _inline_html(stripped)


# --- HTML ----------------------------------------------------------------------------------------------------------

_NUMBER_CELL = re.compile(rf"^[-+−]?[{_DIGITS}][{_DIGITS},]*(?:\.[{_DIGITS}]+)?\s*%?$")


def _list_html(block: _List) -> str:
    return _lists_html(block.items)


def _lists_html(items: list[_Item]) -> str:
    """Items, the first at the shallowest depth, as lists: one per run of a kind, deeper items inside the item
    above them."""
    top = items[0].depth
    html = []
    index = 0
    while index < len(items):
        kind = items[index].kind
        entries: list[tuple[_Item, list[_Item]]] = []
        while index < len(items) and items[index].kind == kind:
            item = items[index]
            index += 1
            children_start = index
            while index < len(items) and items[index].depth > top:
                index += 1
            entries.append((item, items[children_start:index]))
        html.append(_one_list(kind, entries))
    return "".join(html)


def _one_list(kind: str, entries: list[tuple[_Item, list[_Item]]]) -> str:
    numbers = [item.number for item, _children in entries]
    # "1." "2." "3." is what a browser and WeasyPrint number by themselves; any other numbering (Thai digits,
    # "1)", a list from 3, a gap) is printed as typed, the same in every engine (WeasyPrint ignores start/value).
    typed = kind != "bullet" and (kind != "arabic." or numbers != list(range(1, len(numbers) + 1)))
    out = ["<ul>" if kind == "bullet" else ('<ol class="typed-numbers">' if typed else "<ol>")]
    for item, children in entries:
        marker = ""
        if typed:
            digits = str(item.number)
            if kind.startswith("thai"):
                digits = to_thai_digits(digits)
            marker = f'<span class="item-number">{digits}{kind[-1]}</span> '
        nested = "\n" + _lists_html(children) if children else ""
        out.append("<li>" + marker + "\n".join(_inline_html(line) for line in item.lines) + nested + "</li>")
    out.append("</ul>" if kind == "bullet" else "</ol>")
    return "\n".join(out) + "\n"


def _cell_html(cell: str) -> str:
    return "<br />\n".join(_inline_html(line) for line in cell.split("\n"))


def _table_html(block: _Table) -> str:
    rows = [[_cell_text(cell) for cell in row] for row in block.rows]
    columns = max((max((i + 1 for i, cell in enumerate(row) if cell), default=0) for row in rows), default=0)
    rows = [(row + [""] * columns)[:columns] for row in rows]
    out = ['<div class="narrative-table"><table>', "<thead>", "<tr>"]
    out += [f'<th scope="col">{_cell_html(cell)}</th>' for cell in rows[0]]
    out += ["</tr>", "</thead>", "<tbody>"]
    for row in rows[1:]:
        cells = []
        for cell in row:
            number = ' class="number"' if _NUMBER_CELL.match(cell) else ""
            cells.append(f"<td{number}>{_cell_html(cell)}</td>")
        out += ["<tr>", *cells, "</tr>"]
    out += ["</tbody>", "</table></div>"]
    return "\n".join(out) + "\n"


def render_narrative(text: str | None) -> str:
    """A narrative → HTML that prints what was typed (the grammar is this module's docstring). Everything is
    escaped; only safe links become links."""
    if not text:
        return ""
    html = []
    for block in _blocks(text):
        if isinstance(block, _Paragraph):
            html.append("<p>" + "<br />\n".join(_line_html(line) for line in block.lines) + "</p>\n")
        elif isinstance(block, _List):
            html.append(_list_html(block))
        else:
            html.append(_table_html(block))
    return "".join(html)


def check_narrative(text: str) -> str:
    """Content-model check for a narrative: every link safe, no images."""
    for link in links_in(text):
        if link.image:
            raise PydanticCustomError("image_in_text", "images are not part of the form", {"url": link.url})
        check_url(link.url)
    return text
