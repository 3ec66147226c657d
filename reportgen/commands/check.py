"""``reportgen check``: validate content/ without writing anything; return the problems found.

``check`` returns every problem (errors and warnings) instead of raising; ``run`` has the CLI show them in the
requested format (``problems.py``), writes the job summary with ``--format github`` (``$GITHUB_STEP_SUMMARY``),
and exits 1 when any problem is an error (``--strict`` makes warnings errors), else 0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from reportgen import layout
from reportgen.commands import EXIT_CONTENT, EXIT_OK, Line, Outcome, Problems
from reportgen.content.project import DocumentMemo, load_document, load_documents, load_project
from reportgen.content.validate import collect_problems
from reportgen.digest import sign_state
from reportgen.errors import ContentError, Problem, UsageError
from reportgen.model import Entry, Indicator
from reportgen.problems import write_github_summary


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


def check_text(
    root: Path, file: PurePosixPath, text: str, *, today: dt.date | None = None, memo: DocumentMemo | None = None
) -> tuple[list[Problem], Entry | None]:
    """The problems ``check`` would report for ``file`` (relative to the project root) if it held ``text``: the same
    loading, rules across files and warnings, on the project as it is with that one file replaced (or added); and the
    form as it would be built (None when it has errors). Writes nothing but the document cache (or, given ``memo``,
    keeps the other files' documents there). The desk checks a form as the officer types with it."""
    site, indicators = load_documents(root, memo=memo)
    doc = load_document(text, Indicator, file)
    others = [other for other in indicators if other.file != file]
    problems = collect_problems(site, [*others, doc], today=today, root=Path(root).resolve())
    own = [problem for problem in problems if str(problem.file).replace("\\", "/") == str(file)]
    if not doc.ok or any(problem.severity == "error" for problem in own):
        return own, None
    assert isinstance(doc.model, Indicator)
    entry = Entry(indicator=doc.model, source=file, sign_state=sign_state(doc.model, layout.content_dir(root)))
    return own, entry


def run(
    root: Path, paths: Sequence[Path] = (), *, strict: bool = False, use_cache: bool = True, fmt: str = "text",
    lang: str = "th", summary_file: str | None = None,
) -> Outcome:
    """``reportgen check``: the problems, in ``fmt``; with ``github``, the job summary appended to ``summary_file``."""
    problems = check(root, paths or None, strict=strict, use_cache=use_cache)
    shown = Problems(tuple(problems), fmt=fmt, to_stderr=False)
    exit_code = EXIT_CONTENT if any(problem.severity == "error" for problem in problems) else EXIT_OK
    if fmt == "github":
        try:
            write_github_summary(problems, lang, summary_file)
        except UsageError as error:  # the annotations are shown all the same, then why the summary is missing
            return Outcome((shown, Line(f"reportgen: {error.text(lang)}", to_stderr=True)), error.exit_code)
    return Outcome((shown,), exit_code)
