"""A loaded project and the forms chosen for publication → the problems that forbid a release build.

``reportgen build --release`` is what CI runs to publish. It publishes only forms that are signed off with
``reportgen signoff`` and unchanged since: every selected entry needs a ``signoff`` whose ``digest`` still matches
the content (``reportgen.digest.check_signoff``), no placeholder of ``reportgen new`` left (whatever its sign-off
says: a file may have been signed by hand or by an older reportgen), and every evidence file inside content/.
``check_release`` returns every such problem of every selected file at once (errors, located at the file and the
line, in Thai and English).

**Release per form** (``plan_release``): a release build publishes every form that may be published and leaves
the others out, each with a warning saying why and how to fix it: unsigned, edited after sign-off, placeholders
left, or, for a file with errors (``Project.broken``, loaded per form), each error at its line. The build fails
only when nothing may be published, when a form named on the command line may not be, or, with ``--strict`` (or
``release_strict: true`` in site.yaml), when a form of the newest fiscal year may not be. Forms of older fiscal
years never block a release: an unsigned form of a past year is left out (never published as released), as any
other unsigned form is. The site of a release build is made from the released forms only, so no page links to a
form that was left out.

Positions: a ``Project`` keeps models, not source positions, so each selected file is parsed again here (a few
milliseconds each) to point at its ``signoff:`` line.

``form_pdf_options`` decides what, besides the HTML, goes into a form's PDF, from the content only, so that the same
commit always gives the same bytes (``tests/test_reproducible.py``):

- **Release** (archival): PDF/A-3b, tagged, dated at the sign-off date (00:00 in Bangkok, UTC+07:00), with the
  indicator's YAML source attached as ``<year>-<code>.yaml`` (relationship ``Source``) and each evidence ``file``
  under its own name (``Supplement``), all dated at the sign-off too.
- **Draft**: a plain PDF with no date at all, unless ``SOURCE_DATE_EPOCH`` is set (the reproducible-builds
  convention: CI may set it to the commit time), which then dates it. Not the file's git time: an edited, not yet
  committed file would get the time of a version it no longer is, and builds would need git.
- **File identifier** (the first half of ``/ID``, the part that stays when the PDF is later signed): derived from
  the content digest and the kind of PDF, so it names this content. The second half is WeasyPrint's hash of the
  bytes written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from reportgen import layout, wording
from reportgen.content.project import load_file
from reportgen.content.validate import evidence_file_problems, placeholder_problems, signoff_problems
from reportgen.digest import content_digest
from reportgen.errors import Problem, RenderError
from reportgen.model import BrokenForm, Entry, Indicator, Project
from reportgen.thai import BANGKOK
from reportgen.wording import Localized

if TYPE_CHECKING:
    from reportgen.render.pdf import PdfAttachment, PdfOptions

logger = logging.getLogger(__name__)


def check_release(project: Project, entries: Iterable[Entry]) -> list[Problem]:
    """The errors that forbid publishing ``entries``: unsigned, signed without a digest, edited after sign-off,
    or an evidence file missing (or outside content/). Empty when all of them may be published."""
    content_dir = layout.content_dir(project.root)
    problems: list[Problem] = []
    for entry in entries:
        doc = project.documents.get(entry.slug)  # as loaded, with positions: no second parse
        if doc is None or doc.model != entry.indicator:  # a project made otherwise: read the file as it is now
            doc = load_file(project.root / entry.source, project.root, Indicator)
        if not doc.ok:  # changed on disk since the project was loaded: report what is there now
            problems.extend(problem for problem in doc.problems if problem.severity == "error")
            continue
        # Never a form still holding reportgen new's placeholders, whatever its sign-off says (signed by an older
        # reportgen, or by hand): a sign-off is the division's word that the figures are true.
        problems.extend(placeholder_problems(doc))
        file_problems = list(evidence_file_problems(doc, content_dir))
        problems.extend(file_problems)
        if not file_problems:
            problems.extend(signoff_problems(doc, content_dir, release=True))
    logger.debug("release check: %d problems", len(problems))
    return problems


@dataclass(frozen=True)
class ReleasePlan:
    """What a release build publishes (``released``), what it leaves out (``withheld``, and ``broken``: the files with
    errors, which have no form to publish; a warning each), and the ``errors`` that refuse the whole build (empty
    when it may go ahead)."""

    released: tuple[Entry, ...]
    withheld: tuple[Entry, ...]
    warnings: tuple[Problem, ...]
    errors: tuple[Problem, ...]
    broken: tuple[BrokenForm, ...] = ()

    @property
    def left_out(self) -> tuple[str, ...]:
        """Every form left out, by slug (a broken file whose folder is not a year: by its path)."""
        return tuple(entry.slug for entry in self.withheld) + tuple(form.slug or str(form.source) for form in self.broken)


def plan_release(project: Project, named: Sequence[Entry] | None = None, *, strict: bool = False) -> ReleasePlan:
    """Sort every form of ``project`` into released and withheld (see the module docstring).

    ``named``: the forms named on the command line, which must all be publishable. ``strict``: every form of the
    newest fiscal year must be publishable too; a file with errors (``project.broken``) counts as a form of the
    year its folder names (of the newest year when its folder names none).
    """
    named_slugs = {entry.slug for entry in named or ()}
    newest = max((entry.indicator.fiscal_year for entry in project.entries), default=None)
    released: list[Entry] = []
    withheld: list[Entry] = []
    broken: list[BrokenForm] = []
    warnings: list[Problem] = []
    errors: list[Problem] = []
    reasons: list[Problem] = []
    for entry in project.entries:
        problems = check_release(project, [entry])
        if not problems:
            released.append(entry)
            continue
        if entry.slug in named_slugs or (strict and entry.indicator.fiscal_year == newest):
            errors.extend(problems)
            continue
        withheld.append(entry)
        reasons.extend(problems)
        warnings.extend(_withheld_warning(entry.slug, problem) for problem in problems)
    for form in project.broken:
        year = form.slug.split("/")[0] if form.slug else None
        if strict and (year is None or newest is None or int(year) >= newest):
            errors.extend(form.errors)
            continue
        broken.append(form)
        reasons.extend(form.errors)
        warnings.extend(_withheld_warning(form.slug or str(form.source), problem) for problem in form.errors)
    if not released and not errors:  # an empty site is never a release: say why every form was left out
        errors.extend(reasons)
    logger.debug("release: %d released, %d withheld, %d broken, %d errors", len(released), len(withheld),
                 len(broken), len(errors))  # fmt: skip
    return ReleasePlan(tuple(released), tuple(withheld), tuple(warnings), tuple(errors), tuple(broken))


def _withheld_warning(slug: str, problem: Problem) -> Problem:
    return Problem.create(
        "release_withheld",
        problem.file,
        field=problem.field,
        line=problem.line,
        column=problem.column,
        severity="warning",
        source_line=problem.source_line,
        slug=slug,
        reason=Localized(problem.message, problem.message_en or problem.message),
        fix=Localized(problem.hint or "", problem.hint_en or problem.hint or ""),
    )


def form_pdf_options(
    project_root: Path, entry: Entry, *, release: bool, environ: Mapping[str, str] = os.environ
) -> PdfOptions:
    """How ``entry``'s PDF is written: archival with attachments for a release, plain for a draft (see above).

    A release of a form without a sign-off is a ``RenderError``: ``check_release`` refuses those first.
    """
    from reportgen.render.pdf import PdfAttachment, PdfOptions  # imports WeasyPrint: only when a PDF is made

    indicator = entry.indicator
    content_dir = layout.content_dir(Path(project_root))
    digest = content_digest(indicator, content_dir)
    kind = "release" if release else "draft"
    identifier = hashlib.sha256(f"{digest} {kind}".encode()).hexdigest()[:32].encode("ascii")
    if not release:
        return PdfOptions(identifier=identifier, date=source_date_epoch(environ))
    if indicator.signoff is None:
        raise RenderError("render_release_needs_signoff", source=entry.source)
    date = dt.datetime.combine(indicator.signoff.date, dt.time(), BANGKOK)
    year_code = f"{indicator.fiscal_year}-{indicator.code}"
    described = {
        lang: wording.message("pdf_attachment_source", lang, code=indicator.code, year=indicator.fiscal_year)
        for lang in ("th", "en")
    }
    attachments = [
        PdfAttachment(
            path=Path(project_root) / entry.source,
            name=f"{year_code}.yaml",
            description=f"{described['th']} ({described['en']})",  # whoever opens the PDF reads one of them
            relationship="Source",
        )
    ]
    for evidence in indicator.evidence:
        if evidence.file is not None:
            relative = PurePosixPath(evidence.file)
            attachments.append(
                PdfAttachment(
                    path=content_dir.joinpath(*relative.parts),
                    name=relative.name,
                    description=evidence.title,
                    relationship="Supplement",
                )
            )
    return PdfOptions(archival=True, date=date, identifier=identifier, attachments=_unique_sorted(attachments))


def source_date_epoch(environ: Mapping[str, str] = os.environ) -> dt.datetime | None:
    """``SOURCE_DATE_EPOCH`` (seconds since 1970, UTC) as a datetime, or None when unset or not a number."""
    value = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value.isdigit():
        return None
    return dt.datetime.fromtimestamp(int(value), dt.UTC)


def _unique_sorted(attachments: list[PdfAttachment]) -> tuple[PdfAttachment, ...]:
    """Names made unique (``report (2).pdf``) and sorted as the PDF's name tree requires (by their bytes)."""
    from reportgen.render.pdf import PdfAttachment

    seen: set[str] = set()
    unique = []
    for attachment in attachments:
        name, number = attachment.name, 1
        stem, dot, suffix = name.rpartition(".")
        while name in seen:
            number += 1
            name = f"{stem} ({number}).{suffix}" if dot else f"{attachment.name} ({number})"
        seen.add(name)
        unique.append(PdfAttachment(attachment.path, name, attachment.description, attachment.relationship))
    return tuple(sorted(unique, key=lambda attachment: attachment.name.encode("utf-8")))
