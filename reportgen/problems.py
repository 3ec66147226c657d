"""Problems → text, JSON or GitHub annotations, and the job summary: how every command that reports problems (and
the preview's banner) shows what is wrong. The one module that lays a ``Problem`` out.

Formats: ``text`` (compiler-style, ``format_problem``: location, severity and the field's name in the reader's
words, the message, the source line with a caret under the column, the hint; then a summary line), ``json`` (an
array of objects, ``problem_json``), ``github`` (GitHub Actions workflow commands, so a pull request shows
problems on their lines). ``clean_problem`` makes a problem's every text safe to print on a terminal.

GitHub shows at most ten error and ten warning annotations of a step, so with many problems one bad file would hide
every other file's. ``github`` therefore picks what matters (``select_annotations``): errors before warnings, the
first problem of each kind in each file, taken from every file in turn, then the rest while there is room; a
notice says how many are not shown. The complete report, grouped by file, goes to the job summary
(``$GITHUB_STEP_SUMMARY``, Markdown: ``github_summary``).
"""

from __future__ import annotations

import dataclasses
import json
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path, PurePath

from reportgen import wording
from reportgen.errors import Problem, UsageError
from reportgen.fields import describe_field
from reportgen.terminal import UNSAFE_IN_SOURCE, escape, for_terminal, one_line

FORMATS = ("text", "json", "github")

#: GitHub's limit of annotations of each kind (error, warning) that a step shows.
GITHUB_ANNOTATIONS_PER_KIND = 10

#: The word for each severity: in the compiler-style text, and in the job summary.
_SEVERITY_LABELS = {"error": "severity_error", "warning": "severity_warning"}
_GITHUB_SEVERITY_LABELS = {"error": "github_error", "warning": "github_warning"}


def format_problem(problem: Problem, lang: str = "th", *, color: bool = False) -> str:
    """Compiler-style: location, severity and field; the message; the source line with a caret; the hint."""
    lang = wording.normalize(lang)
    paint = _painter(color)
    label = wording.label(_SEVERITY_LABELS[problem.severity], lang)
    severity_color = "red" if problem.severity == "error" else "yellow"
    head = f"{paint(problem.location() + ':', 'bold')} {paint(label + ':', severity_color)}"
    if problem.field:  # the field's name in the reader's words, beside its path
        head += f" {paint(describe_field(problem.field, lang) or problem.field, 'bold')}"
    lines = [head]
    lines.extend("  " + part for part in problem.text(lang).splitlines() or [""])
    if problem.source_line is not None and problem.line is not None:
        lines.extend(_source_excerpt(problem.source_line, problem.line, problem.column, paint))
    hint = problem.hint_text(lang)
    if hint:
        hint_lines = hint.splitlines()
        lines.append(f"  {paint(wording.label('label_hint', lang) + ':', 'cyan')} {hint_lines[0]}")
        lines.extend("  " + part for part in hint_lines[1:])
    return "\n".join(lines)


def full_text(problem: Problem, lang: str = "th") -> str:
    """The message followed by its hint (for one-line outputs such as JSON and GitHub annotations)."""
    hint = problem.hint_text(lang)
    label = wording.label("label_hint", wording.normalize(lang))
    return problem.text(lang) + (f"\n{label}: {hint}" if hint else "")


def problem_json(problem: Problem, lang: str = "th") -> dict[str, object]:
    """The JSON form: file, line, column, field, severity, code, message (message includes the hint)."""
    return {
        "file": str(problem.file).replace("\\", "/"),
        "line": problem.line,
        "column": problem.column,
        "field": problem.field,
        "severity": problem.severity,
        "code": problem.code,
        "message": full_text(problem, lang),
    }


def clean_problem(problem: Problem) -> Problem:
    """A ``Problem`` whose every text is safe to print, styled or not: its file, field and source line as single
    fields, its messages and hints with their line breaks kept (before reportgen paints its labels around them)."""

    def lines(text: str | None) -> str | None:
        return None if text is None else for_terminal(text)

    file = problem.file
    cleaned_file = one_line(file)
    return dataclasses.replace(
        problem,
        file=type(file)(cleaned_file) if isinstance(file, PurePath) and cleaned_file != str(file) else file,
        field=None if problem.field is None else one_line(problem.field),
        source_line=None if problem.source_line is None else UNSAFE_IN_SOURCE.sub(escape, problem.source_line),
        message=for_terminal(problem.message),
        hint=lines(problem.hint),
        message_en=lines(problem.message_en),
        hint_en=lines(problem.hint_en),
    )


_COLORS = {"bold": "1", "red": "1;31", "yellow": "1;33", "cyan": "36", "green": "32"}
_GUTTER = 5
_MAX_SHOWN = 100  # display columns of a source line shown around the caret


def _painter(color: bool) -> Callable[[str, str], str]:
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


def _source_excerpt(source: str, line: int, column: int | None, paint: Callable[[str, str], str]) -> list[str]:
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
    lang = wording.normalize(lang)
    if not problems:
        return wording.label("summary_no_problems", lang)
    parts = []
    if errors:
        parts.append(wording.plural("summary_errors", errors, lang))
    if warnings:
        parts.append(wording.plural("summary_warnings", warnings, lang))
    return wording.plural("summary_in_files", files, lang, found=wording.label("summary_and", lang).join(parts))


def format_problems(problems: Sequence[Problem], *, fmt: str = "text", lang: str = "th", color: bool = False) -> str:
    """The report printed by ``reportgen check`` (without a trailing newline)."""
    problems = list(problems)
    if fmt == "json":
        return json.dumps([problem_json(problem, lang) for problem in problems], ensure_ascii=False, indent=2)
    if fmt == "github":
        shown = select_annotations(problems)
        lines = [github_annotation(problem, lang) for problem in shown]
        if len(shown) < len(problems):
            message = wording.message(
                "github_more", lang, shown=len(shown), total=len(problems), summary=summarize(problems, lang)
            )
            lines.append(f"::notice title=reportgen::{_escape_data(message)}")
        return "\n".join(lines)
    if fmt != "text":
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    blocks = [format_problem(problem, lang, color=color) for problem in problems]
    blocks.append(summarize(problems, lang))
    return "\n\n".join(blocks)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(problem: Problem, lang: str = "th") -> str:
    """``::error file=…,line=…,col=…,title=…::message`` (or ``::warning``), escaped per GitHub's rules."""
    properties = [f"file={_escape_property(str(problem.file).replace(chr(92), '/'))}"]
    if problem.line is not None:
        properties.append(f"line={problem.line}")
        if problem.column is not None:
            properties.append(f"col={problem.column}")
    title = f"reportgen: {problem.field}" if problem.field else "reportgen"
    properties.append(f"title={_escape_property(title)}")
    return f"::{problem.severity} {','.join(properties)}::{_escape_data(full_text(problem, lang))}"


def select_annotations(problems: Sequence[Problem], limit: int = GITHUB_ANNOTATIONS_PER_KIND) -> list[Problem]:
    """The problems to annotate, at most ``limit`` errors and ``limit`` warnings, in report order: for each
    severity the first problem of each kind (code) in each file, one file after the other in turn, then the others
    while there is room."""
    chosen: list[Problem] = []
    for severity in ("error", "warning"):
        of_severity = [problem for problem in problems if problem.severity == severity]
        by_file: dict[str, list[Problem]] = {}
        seen: set[tuple[str, str]] = set()
        for problem in of_severity:
            key = (str(problem.file), problem.code)
            if key not in seen:
                seen.add(key)
                by_file.setdefault(str(problem.file), []).append(problem)
        firsts: list[Problem] = []
        queues = list(by_file.values())
        while queues and len(firsts) < limit:
            for queue in list(queues):
                if len(firsts) < limit:
                    firsts.append(queue.pop(0))
                if not queue:
                    queues.remove(queue)
        picked = {id(problem) for problem in firsts}
        for problem in of_severity:
            if len(picked) >= limit:
                break
            picked.add(id(problem))
        chosen.extend(problem for problem in of_severity if id(problem) in picked)
    order = {id(problem): index for index, problem in enumerate(problems)}
    return sorted(chosen, key=lambda problem: order[id(problem)])


def _markdown_text(text: str) -> str:
    """Text safe in a Markdown list item: no HTML, no table or emphasis markup, one line."""
    text = " ".join(text.split())
    for char in "\\`*_[]<>|":
        text = text.replace(char, "\\" + char)
    return text


def github_summary(problems: Sequence[Problem], lang: str = "th") -> str:
    """The job summary: a heading with the summary line, then every problem grouped by file (Markdown)."""
    title = wording.label("github_summary_title", lang)
    lines = [f"## {title}", "", f"**{_markdown_text(summarize(list(problems), lang))}**"]
    by_file: dict[str, list[Problem]] = {}
    for problem in problems:
        by_file.setdefault(str(problem.file).replace("\\", "/"), []).append(problem)
    for file, found in by_file.items():
        lines += ["", f"### `{file}` ({_markdown_text(summarize(found, lang))})", ""]
        for problem in found:
            label = wording.label(_GITHUB_SEVERITY_LABELS[problem.severity], lang)
            where = wording.message("github_line", lang, line=problem.line) if problem.line is not None else ""
            field = f" `{problem.field}`" if problem.field else ""
            hint = problem.hint_text(lang)
            fix = f" — {_markdown_text(wording.label('github_fix', lang))}: {_markdown_text(hint)}" if hint else ""
            lines.append(f"- **{label}** {where}{field}: {_markdown_text(problem.text(lang))}{fix}".replace("  ", " "))
    return "\n".join(lines) + "\n"


def write_github_summary(problems: Sequence[Problem], lang: str, summary_file: str | None) -> None:
    """Append the job summary to ``summary_file`` (the runner's ``$GITHUB_STEP_SUMMARY``; nothing without one)."""
    if not summary_file:
        return
    from reportgen.files import append_to_file

    try:
        append_to_file(Path(summary_file), github_summary(problems, lang).encode("utf-8"))
    except OSError as error:
        raise UsageError("usage_github_summary_unwritable", path=summary_file, reason=error.strerror or error) from None
