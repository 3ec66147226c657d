"""``reportgen build``: the command's arguments → the build (``publish/pipeline.py``) → what the reader is shown.

The build itself is the pipeline run whole (``pipeline.build``, which ``serve`` runs too); this command says what
came of it: the content's warnings, each form left out because its file has errors (a plain build makes the
others) with a summary naming them, a release's count of forms published and left out, and with ``--verbose``
every file written.
"""

from __future__ import annotations

from pathlib import Path

from reportgen import wording
from reportgen.commands import Line, Outcome, Problems, Shown
from reportgen.publish.options import BuildRequest
from reportgen.publish.pipeline import build


def run(root: Path, request: BuildRequest, *, lang: str, verbose: bool = False) -> Outcome:
    """Build as ``request`` says; the outcome lists the warnings and summaries (stderr), then with ``verbose`` the
    files written (stdout)."""
    report = build(root, request)
    release = request.options.release
    said: list[Shown] = []
    if report.warnings:
        said.append(Problems(tuple(report.warnings)))
    if report.broken and not release:  # a release lists them among the forms it left out
        said.append(Problems(tuple(problem for form in report.broken for problem in form.problems)))
        names = ", ".join(form.slug or str(form.source) for form in report.broken)
        said.append(Line(wording.with_hint("build_broken_summary", lang, count=len(report.broken), names=names),
                         to_stderr=True))  # fmt: skip
    if release:
        names = (": " + ", ".join(report.withheld)) if report.withheld else ""
        summary = wording.message(
            "release_summary", lang, released=report.released, withheld=len(report.withheld), names=names
        )
        said.append(Line(summary, to_stderr=True))
    if verbose:
        said.extend(Line(report.output_dir.name + "/" + path) for path in report.written)
    return Outcome(tuple(said))
