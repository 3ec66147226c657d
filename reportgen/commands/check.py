"""``reportgen check``: validate content/ without writing anything, and format the problems found.

``check`` returns every problem (errors and warnings) instead of raising, so the CLI can print them in the
requested format; the CLI exits 1 when any problem is an error (``--strict`` makes warnings errors), else 0.
Formats: ``text`` (compiler-style, with the source line and a caret, then a summary line), ``json`` (an array of
objects), ``github`` (GitHub Actions workflow commands, so a pull request shows each problem on its line).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path

from reportgen.errors import ContentError, Problem, summarize
from reportgen.load import load_project

FORMATS = ("text", "json", "github")


def check(
    root: Path,
    paths: Sequence[Path] | None = None,
    *,
    strict: bool = False,
    today: dt.date | None = None,
    use_cache: bool = True,
) -> list[Problem]:
    """Every problem in content/ (or in ``paths``): errors and warnings; with ``strict`` all are errors.

    Raises ``UsageError`` when there is no content/ folder or a path is outside it; never raises for content.
    Writes nothing but the document cache (``doccache.py``; not with ``use_cache=False``).
    """
    try:
        project = load_project(root, paths, strict=strict, today=today, use_cache=use_cache)
    except ContentError as error:
        return list(error.problems)
    return list(project.warnings)


def format_problems(problems: Sequence[Problem], *, fmt: str = "text", lang: str = "th", color: bool = False) -> str:
    """The report printed by ``reportgen check`` (without a trailing newline)."""
    problems = list(problems)
    if fmt == "json":
        return json.dumps([problem.to_dict(lang) for problem in problems], ensure_ascii=False, indent=2)
    if fmt == "github":
        return "\n".join(github_annotation(problem, lang) for problem in problems)
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
