"""Problems → text, JSON or GitHub annotations, and the job summary: how ``check`` (and every command that reports
problems) shows what is wrong.

Formats: ``text`` (compiler-style, with the source line and a caret, then a summary line), ``json`` (an array of
objects), ``github`` (GitHub Actions workflow commands, so a pull request shows problems on their lines).

GitHub shows at most ten error and ten warning annotations of a step, so with many problems one bad file would hide
every other file's. ``github`` therefore picks what matters (``select_annotations``): errors before warnings, the
first problem of each kind in each file, taken from every file in turn, then the rest while there is room; a
notice says how many are not shown. The complete report, grouped by file, goes to the job summary
(``$GITHUB_STEP_SUMMARY``, Markdown: ``github_summary``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from reportgen.errors import Problem, UsageError, render_message, summarize

FORMATS = ("text", "json", "github")

#: GitHub's limit of annotations of each kind (error, warning) that a step shows.
GITHUB_ANNOTATIONS_PER_KIND = 10


def format_problems(problems: Sequence[Problem], *, fmt: str = "text", lang: str = "th", color: bool = False) -> str:
    """The report printed by ``reportgen check`` (without a trailing newline)."""
    problems = list(problems)
    if fmt == "json":
        return json.dumps([problem.to_dict(lang) for problem in problems], ensure_ascii=False, indent=2)
    if fmt == "github":
        shown = select_annotations(problems)
        lines = [github_annotation(problem, lang) for problem in shown]
        if len(shown) < len(problems):
            message, _ = render_message(
                "github_more", {"shown": len(shown), "total": len(problems), "summary": summarize(problems, lang)}, lang
            )
            lines.append(f"::notice title=reportgen::{_escape_data(message)}")
        return "\n".join(lines)
    if fmt != "text":
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    blocks = [problem.format(lang, color=color) for problem in problems]
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
    return f"::{problem.severity} {','.join(properties)}::{_escape_data(problem.full_text(lang))}"


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
    title, _ = render_message("github_summary_title", {}, lang)
    lines = [f"## {title}", "", f"**{_markdown_text(summarize(list(problems), lang))}**"]
    by_file: dict[str, list[Problem]] = {}
    for problem in problems:
        by_file.setdefault(str(problem.file).replace("\\", "/"), []).append(problem)
    for file, found in by_file.items():
        lines += ["", f"### `{file}` ({_markdown_text(summarize(found, lang))})", ""]
        for problem in found:
            label, _ = render_message(f"github_{problem.severity}", {}, lang)
            where = render_message("github_line", {"line": problem.line}, lang)[0] if problem.line is not None else ""
            field = f" `{problem.field}`" if problem.field else ""
            hint = problem.hint_text(lang)
            fix = f" — {_markdown_text(render_message('github_fix', {}, lang)[0])}: {_markdown_text(hint)}" if hint else ""
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
