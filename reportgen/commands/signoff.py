"""``reportgen signoff FILE --name … --position … [--date …] [--accept-warnings]``: an indicator file → the same file,
signed off.

The responsible person's sign-off turns a draft into an official form: the division's word that the figures are
true. This command records it as the file's ``signoff:`` block (name, position, date and ``digest``, the
``reportgen.digest.signoff_digest`` of what the form prints and of that name, position and date), which every build
checks: a file edited after its sign-off is drawn as a draft and cannot be published until it is signed again.

**Signing means the form is complete** (``review_signoff``): a sign-off is refused, with nothing written and every
reason listed at its line, when the file has errors, still holds a placeholder of ``reportgen new``, or the date is
after today (in Bangkok) or before the fiscal year began. What ``check`` warns about must be read and accepted:
the review lists the warnings and names them with an ``acknowledgement`` (a hash of the file's bytes, the sign-off
and the warnings), and ``signoff`` writes only when given that acknowledgement back (``acknowledged=``; the command
line's ``--accept-warnings`` accepts the warnings it then prints). Any sign-off path (the command line, a browser
desk) reviews first, shows the warnings, and passes back the acknowledgement of what the person saw: if the file or
its warnings changed meanwhile, the sign-off is refused and must be reviewed again.

The file is staff's own text, so it is edited as text, never re-dumped from YAML (``authoring/signoff_edit.py``):
every byte but the ``signoff:`` block stays as it was.

Order of work, so that nothing half-done reaches the disk: the file is reviewed first (refused with every reason,
nothing written); the new text is loaded again and must validate, hold exactly the new sign-off and have the same
content; the file on disk must still be the one that was reviewed; then the new bytes replace it atomically
(``authoring/writer.py``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from reportgen import thai, wording
from reportgen.authoring.signoff_edit import check_revoked_text, check_signed_text, with_signoff, without_signoff
from reportgen.authoring.writer import write_content_file
from reportgen.commands import Line, Outcome, Problems, Shown
from reportgen.content.positions import SourceDocument
from reportgen.content.project import load_document, load_project
from reportgen.content.validate import placeholder_problems
from reportgen.digest import signoff_digest
from reportgen.errors import ContentError, OutputError, Problem, UsageError
from reportgen.layout import CONTENT_DIR, INDICATORS_DIR
from reportgen.model import MAX_CHRISTIAN_YEAR, MAX_LINE_TEXT_LENGTH, Indicator, Signoff
from reportgen.wording import Localized

logger = logging.getLogger(__name__)

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


@dataclass(frozen=True)
class SignoffReport:
    """What ``signoff`` did: the file (relative to the project root), the recorded sign-off, whether an existing
    ``signoff:`` block was replaced (else one was appended), and the warnings the signer accepted."""

    file: PurePosixPath
    signoff: Signoff
    replaced: bool
    accepted: tuple[Problem, ...] = ()


#: Warnings about the sign-off block the new sign-off replaces: they no longer apply once it is signed again.
_REPLACED_BLOCK_WARNINGS = frozenset(
    {"signoff_stale", "signoff_stale_legacy", "signoff_old_digest", "signoff_in_future", "signoff_before_year"}
)


@dataclass(frozen=True)
class SignoffReview:
    """A sign-off looked at before it is written: the sign-off it would record, the ``refusals`` (errors: nothing may
    be written; each at its line), the ``warnings`` the signer must read and accept, and the ``acknowledgement`` that
    names exactly this review (the file's bytes, the sign-off, the warnings): what ``signoff(acknowledged=…)`` is
    given back once the signer accepted the warnings."""

    file: PurePosixPath
    signoff: Signoff
    refusals: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    acknowledgement: str
    original: bytes = field(default=b"", repr=False, compare=False)
    document: SourceDocument | None = field(default=None, repr=False, compare=False)

    @property
    def may_sign(self) -> bool:
        return not self.refusals

    def accepts(self, acknowledged: str | None) -> bool:
        """Whether ``acknowledged`` accepts this review's warnings (always, when there are none)."""
        return not self.warnings or acknowledged == self.acknowledgement


def review_signoff(
    root: Path, file: Path, *, name: str, position: str, date: dt.date | None = None, today: dt.date | None = None
) -> SignoffReview:
    """Look at the sign-off of ``name`` (``position``) on ``date`` (default: today in Bangkok) of the indicator
    ``file`` without writing anything: what it would record, what refuses it, what must be accepted.

    ``today`` (default: today in Bangkok) is the latest date a sign-off may carry. Arguments that cannot be a
    sign-off at all (an empty name, a Buddhist-Era year, a file outside content/indicators/) are ``UsageError``.
    """
    root = Path(root).resolve()
    path = _indicator_path(root, file)
    relative = PurePosixPath(path.relative_to(root).as_posix())
    name, position = _text("--name", name), _text("--position", position)
    today = today or thai.bangkok_today()
    date = date or today
    if date.year > MAX_CHRISTIAN_YEAR:
        raise UsageError(
            "usage_date_buddhist_era",
            date=date.isoformat(),
            suggestion=f"{date.year - 543}-{date.month:02d}-{date.day:02d}",
        )

    original = path.read_bytes()
    # The whole check (site.yaml, evidence files) first: every problem, at its line.
    try:
        problems = list(load_project(root, [path], today=today).warnings)
    except ContentError as error:
        problems = list(error.problems)
    doc = load_document(original, Indicator, relative)
    refusals = [problem for problem in problems if problem.severity == "error"]
    if doc.ok and not refusals:
        refusals.extend(placeholder_problems(doc))
    if not doc.ok and not refusals:  # changed between the two reads
        refusals = [problem for problem in doc.problems if problem.severity == "error"]
    indicator: Indicator | None = doc.model if doc.ok else None
    refusals.extend(_date_refusals(relative, date, today, indicator))
    warnings = [
        problem for problem in problems
        if problem.severity == "warning" and _of(problem, relative)
        and problem.code not in _REPLACED_BLOCK_WARNINGS | {"placeholder"}
    ]  # fmt: skip
    digest = (
        signoff_digest(indicator, root / CONTENT_DIR, name=name, position=position, date=date)
        if indicator is not None and not refusals else None
    )
    record = Signoff(name=name, position=position, date=date, digest=digest)
    return SignoffReview(
        file=relative,
        signoff=record,
        refusals=tuple(refusals),
        warnings=tuple(warnings),
        acknowledgement=_acknowledgement(original, record, warnings),
        original=original,
        document=doc,
    )


def signoff(
    root: Path,
    file: Path,
    *,
    name: str,
    position: str,
    date: dt.date | None = None,
    accept_warnings: bool = False,
    acknowledged: str | None = None,
    today: dt.date | None = None,
) -> SignoffReport:
    """Record the sign-off of ``name`` (``position``) on ``date`` (default today, in Bangkok) in the indicator
    ``file``, once ``review_signoff`` finds nothing that refuses it and its warnings are accepted: ``acknowledged``
    is the ``acknowledgement`` of the review the signer read (a browser desk passes it back); ``accept_warnings``
    accepts the warnings of this very review (the command line prints them with the result). Raises
    ``ContentError`` with every reason, nothing written, otherwise."""
    review = review_signoff(root, file, name=name, position=position, date=date, today=today)
    if not review.may_sign:
        raise ContentError(list(review.refusals))
    if not review.accepts(review.acknowledgement if accept_warnings else acknowledged):
        code = "signoff_warnings_not_accepted" if acknowledged is None else "signoff_review_outdated"
        refusal = Problem.create(code, review.file, field="signoff", count=len(review.warnings))
        raise ContentError([*review.warnings, refusal])
    root = Path(root).resolve()
    report, data = signed_text(root, review)
    if (root / report.file).read_bytes() != review.original:
        raise OutputError("signoff_changed_meanwhile", file=report.file)
    write_content_file(root, PurePosixPath(*report.file.parts[1:]), data, replace=True)
    logger.info(wording.message("log_signed_off", file=report.file, digest=report.signoff.digest))
    return report


def signed_text(root: Path, review: SignoffReview) -> tuple[SignoffReport, bytes]:
    """The bytes of the file of ``review`` (one without refusals, its warnings accepted) with its sign-off recorded,
    checked by loading them back, and what recording them means; nothing written. ``signoff`` writes them; the desk
    saves them through ``authoring.repository`` (version checked against ``review.original``, committed)."""
    doc, original, relative = review.document, review.original, review.file
    assert doc is not None and doc.ok and review.may_sign, "a review without refusals has a valid document"
    indicator: Indicator = doc.model
    record = review.signoff
    data = with_signoff(original, doc, record)
    check_signed_text(data, relative, record, indicator, Path(root) / CONTENT_DIR)
    # an empty `signoff:` (as `new` writes it) is replaced too, but there was no sign-off to replace
    report = SignoffReport(file=relative, signoff=record, replaced=indicator.signoff is not None,
                           accepted=review.warnings)  # fmt: skip
    return report, data


def revoked_text(root: Path, file: Path) -> tuple[bytes, bytes, Signoff]:
    """The indicator ``file``'s bytes, and the same bytes with its sign-off revoked (the ``signoff:`` block emptied,
    every other byte kept), checked by loading them back; and the sign-off revoked. Raises ``ContentError`` for a
    file with errors and ``UsageError`` (``signoff_none_to_revoke``) for a file that holds no sign-off."""
    root = Path(root).resolve()
    path = _indicator_path(root, file)
    relative = PurePosixPath(path.relative_to(root).as_posix())
    original = path.read_bytes()
    doc = load_document(original, Indicator, relative)
    if not doc.ok:
        raise ContentError([problem for problem in doc.problems if problem.severity == "error"])
    indicator: Indicator = doc.model
    if indicator.signoff is None:
        raise UsageError("signoff_none_to_revoke", file=relative)
    data = without_signoff(original, doc)
    check_revoked_text(data, relative, indicator)
    return original, data, indicator.signoff


def _of(problem: Problem, relative: PurePosixPath) -> bool:
    return str(problem.file).replace("\\", "/") == relative.as_posix()


def _date_refusals(
    relative: PurePosixPath, date: dt.date, today: dt.date, indicator: Indicator | None
) -> list[Problem]:
    """A sign-off dated after today, or before its fiscal year began: a date nobody could have signed on."""
    shown = Localized(thai.thai_date(date), date.isoformat())
    refusals = []
    if date > today:
        refusals.append(Problem.create(
            "signoff_date_future", relative, field="signoff.date", date=shown,
            today=Localized(thai.thai_date(today), today.isoformat()),
        ))
    if indicator is not None:
        start = thai.quarter_period(indicator.fiscal_year, 1)[0]
        if date < start:
            refusals.append(Problem.create(
                "signoff_date_before_year", relative, field="signoff.date", date=shown, year=indicator.fiscal_year,
                start=Localized(thai.thai_date(start), start.isoformat()),
            ))
    return refusals


def _acknowledgement(original: bytes, record: Signoff, warnings: list[Problem]) -> str:
    """A name for exactly what was reviewed: the file's bytes, the sign-off, and each warning (kind and place)."""
    digest = hashlib.sha256(original)
    parts = [record.name, record.position, record.date.isoformat()]
    parts += [f"{problem.code}:{problem.line}:{problem.column}:{problem.field}" for problem in warnings]
    digest.update("\0".join(parts).encode("utf-8"))
    return digest.hexdigest()


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


def run(
    root: Path, file: Path, *, name: str, position: str, date: dt.date | None = None, accept_warnings: bool = False,
    lang: str = "th",
) -> Outcome:
    """``reportgen signoff``: the warnings accepted, said to be accepted (stderr: the signer read them before
    signing), then the sign-off recorded (stdout)."""
    report = signoff(root, file, name=name, position=position, date=date, accept_warnings=accept_warnings)
    shown: list[Shown] = []
    if report.accepted:
        shown.append(Problems(report.accepted))
        shown.append(Line(wording.message("signoff_warnings_accepted", lang, count=len(report.accepted)),
                          to_stderr=True))  # fmt: skip
    record = report.signoff
    date_shown = wording.Localized(thai.thai_date(record.date), record.date.isoformat())
    shown.append(Line(wording.message(
        "signoff_replaced" if report.replaced else "signoff_recorded", lang, file=report.file,
        name=record.name, position=record.position, date=date_shown, digest=record.digest,
    )))
    return Outcome(tuple(shown))
