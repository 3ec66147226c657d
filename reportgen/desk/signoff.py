"""A signer at the desk → a form signed off (or its sign-off revoked), committed with the signer as author.

The page shows what the signer signs: the form exactly as it prints (the desk's preview, the build's own page, and
its PDF), the differences since the last signed version of the file in git (if any), and every warning ``check``
gives; the button ("ลงนาม…") is shown only to a signer and only when nothing refuses the sign-off. Signing is
``commands.signoff``'s own code: ``review_signoff`` (errors, placeholders, a date outside the fiscal year refuse it;
warnings must be accepted through the review's acknowledgement, which the page carries and which no longer matches
if the file or its warnings changed since the page was shown) and ``signed_text`` (the same ``signoff:`` block
``reportgen signoff`` writes), with the name and position of the signer's account, never typed. The bytes are saved
through ``authoring.repository.save`` (the file's version checked against what was reviewed, written atomically,
committed with the signer as author, pushed). Revoking empties the ``signoff:`` block the same way.
"""

from __future__ import annotations

import difflib
import logging
import subprocess
from pathlib import Path, PurePosixPath

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from reportgen import thai, wording
from reportgen.authoring.repository import Author, ContentChanged, file_version, save
from reportgen.commands.signoff import SignoffReview, review_signoff, revoked_text, signed_text
from reportgen.content.project import load_document
from reportgen.desk.auth import record
from reportgen.desk.identity import Person
from reportgen.desk.permissions import Action, may
from reportgen.digest import check_signoff
from reportgen.errors import ContentError, ReportgenError
from reportgen.layout import CONTENT_DIR
from reportgen.model import Indicator

logger = logging.getLogger(__name__)

#: How far back in the file's history the last signed version is looked for.
HISTORY_DEPTH = 40


def last_signed_text(root: Path, relative: PurePosixPath) -> tuple[str, str] | None:
    """(commit, text) of the newest version of the file in git whose sign-off held for its own text, or ``None``."""
    try:
        commits = subprocess.run(
            ["git", "log", f"-n{HISTORY_DEPTH}", "--format=%H", "--", relative.as_posix()], cwd=root,
            capture_output=True, text=True, timeout=30, check=True,
        ).stdout.split()  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    for commit in commits:
        shown = subprocess.run(["git", "show", f"{commit}:{relative.as_posix()}"], cwd=root, capture_output=True,
                               timeout=30, check=False)  # fmt: skip
        if shown.returncode != 0:
            continue
        doc = load_document(shown.stdout, Indicator, relative)
        if doc.ok and doc.model.signoff is not None and check_signoff(doc.model, root / CONTENT_DIR) == "current":
            return commit, shown.stdout.decode("utf-8", errors="replace")
    return None


def _changes_since_signed(root: Path, relative: PurePosixPath) -> tuple[str | None, list[str]]:
    found = last_signed_text(root, relative)
    if found is None:
        return None, []
    commit, before = found
    now = (root / relative).read_text(encoding="utf-8", errors="replace")
    lines = list(difflib.unified_diff(before.splitlines(), now.splitlines(), lineterm="", n=2,
                                      fromfile=wording.label("desk_signoff_diff_signed", "th"),
                                      tofile=wording.label("desk_signoff_diff_now", "th")))  # fmt: skip
    return commit, lines


def _review(root: Path, relative: PurePosixPath, person: Person, today: object) -> SignoffReview:
    return review_signoff(root, root / relative, name=person.name, position=person.position or "-",
                          today=today)  # type: ignore[arg-type]  # fmt: skip


async def _page(request: Request, relative: PurePosixPath, *, status_code: int = 200, problem: str | None = None
                ) -> Response:  # fmt: skip
    from reportgen.desk.app import _desk, _person, _saved

    desk, person = _desk(request), _person(request)
    root = desk.root
    saved = await run_in_threadpool(_saved, desk, relative)
    review = None
    if person.position and may(person, Action.SIGN, saved.indicator or saved.values):
        try:
            review = await run_in_threadpool(_review, root, relative, person, desk.today())
        except ReportgenError as error:
            problem = error.text("th")
    signed_commit, diff = await run_in_threadpool(_changes_since_signed, root, relative)
    current = saved.indicator.signoff if saved.indicator is not None else None
    year, code = relative.parent.name, relative.stem
    return desk.page(
        request, "signoff.html.j2", status_code=status_code, year=year, code=code, review=review, problem=problem,
        name=(saved.values.get("name") or code), diff=diff, signed_commit=signed_commit, current=current,
        today=thai.thai_date(desk.today()), preview=f"/preview/{year}/{code}.html", pdf=f"/preview/{year}/{code}.pdf",
        no_position=not person.position,
        may_sign=review is not None and review.may_sign,
        may_revoke=current is not None and may(person, Action.REVOKE, saved.indicator or saved.values),
        thai_date=thai.thai_date,
    )


def _signable(request: Request, action: Action) -> PurePosixPath:
    """The form of the request's URL, if the person may ``action`` it (else 403 / 404)."""
    from reportgen.desk.app import ERROR_PAGES, DeskError, _desk, _form_file, _person, _saved

    desk = _desk(request)
    relative = _form_file(desk, request.path_params["year"], request.path_params["code"])
    saved = _saved(desk, relative)
    if not may(_person(request), action, saved.indicator or saved.values):
        raise DeskError(403, *ERROR_PAGES[403])
    return relative


async def review_page(request: Request) -> Response:
    """What the signer signs: the form as it prints, the changes since the last signed version, every warning."""
    relative = await run_in_threadpool(_signable, request, Action.SIGN)
    return await _page(request, relative)


def _commit(root: Path, relative: PurePosixPath, original: bytes, data: bytes, person: Person, message: str
            ) -> str | None:  # fmt: skip
    """Save ``data`` over the file if it still holds ``original`` (else ``ContentChanged``), committed as ``person``."""
    version = file_version(root, relative)
    if (root / relative).read_bytes() != original:
        raise ContentChanged(relative, (root / relative).read_text(encoding="utf-8"), version)
    result = save(root, relative, data, expected_version=version,
                  author=Author(name=person.name, email=person.email), message=message)  # fmt: skip
    return result.commit


async def sign(request: Request) -> Response:
    """Sign the form off as the signed-in signer, if the review the page showed still holds."""
    from reportgen.desk.app import _desk, _form, _person, _text_of
    from reportgen.desk.security import CSRF_FIELD, check_csrf

    desk, person = _desk(request), _person(request)
    form = await _form(request, desk)
    check_csrf(request, _text_of(form.get(CSRF_FIELD)))
    relative = await run_in_threadpool(_signable, request, Action.SIGN)
    if not person.position:
        return await _page(request, relative, status_code=422)
    review = await run_in_threadpool(_review, desk.root, relative, person, desk.today())
    acknowledged = _text_of(form.get("acknowledgement")) or ""
    if not review.may_sign:
        record(request, "signoff_refused", file=relative, reasons=[problem.code for problem in review.refusals])
        return await _page(request, relative, status_code=422)
    if review.warnings and _text_of(form.get("accept_warnings")) != "yes":
        return await _page(request, relative, status_code=422,
                           problem=wording.label("desk_signoff_accept_needed", "th"))  # fmt: skip
    if acknowledged != review.acknowledgement:
        record(request, "signoff_refused", file=relative, reasons=["review_outdated"])
        return await _page(request, relative, status_code=409,
                           problem=wording.label("desk_signoff_outdated", "th"))  # fmt: skip
    try:
        report, data = await run_in_threadpool(signed_text, desk.root, review)
        message = wording.message("desk_commit_signoff", "th", year=relative.parent.name, code=relative.stem,
                                  name=person.name)  # fmt: skip
        commit = await run_in_threadpool(_commit, desk.root, relative, review.original, data, person, message)
    except ContentChanged:
        record(request, "signoff_refused", file=relative, reasons=["changed_meanwhile"])
        return await _page(request, relative, status_code=409, problem=wording.label("desk_signoff_outdated", "th"))
    except ContentError as error:
        record(request, "signoff_refused", file=relative, reasons=[problem.code for problem in error.problems])
        return await _page(request, relative, status_code=422)
    record(request, "signoff", file=relative, commit=commit or "", digest=report.signoff.digest,
           accepted_warnings=[problem.code for problem in report.accepted])  # fmt: skip
    logger.info(wording.message("log_desk_signed", login=person.login, path=relative, commit=commit or "-"))
    desk.say(request, "ok", wording.message("desk_signed", "th", name=person.name, commit=(commit or "")[:10]))
    return RedirectResponse(f"/forms/{relative.parent.name}/{relative.stem}/signoff", status_code=303)


async def revoke(request: Request) -> Response:
    """Revoke the form's sign-off (the ``signoff:`` block emptied), committed with the signer as author."""
    from reportgen.desk.app import _desk, _form, _person, _text_of
    from reportgen.desk.security import CSRF_FIELD, check_csrf

    desk, person = _desk(request), _person(request)
    form = await _form(request, desk)
    check_csrf(request, _text_of(form.get(CSRF_FIELD)))
    relative = await run_in_threadpool(_signable, request, Action.REVOKE)
    try:
        original, data, revoked = await run_in_threadpool(revoked_text, desk.root, desk.root / relative)
        message = wording.message("desk_commit_revoke", "th", year=relative.parent.name, code=relative.stem,
                                  name=person.name)  # fmt: skip
        commit = await run_in_threadpool(_commit, desk.root, relative, original, data, person, message)
    except ContentChanged:
        return await _page(request, relative, status_code=409, problem=wording.label("desk_signoff_outdated", "th"))
    except ReportgenError as error:
        return await _page(request, relative, status_code=422, problem=error.text("th"))
    record(request, "revoke", file=relative, commit=commit or "", signed_by=revoked.name,
           signed_on=revoked.date.isoformat())  # fmt: skip
    logger.info(wording.message("log_desk_revoked", login=person.login, path=relative, commit=commit or "-"))
    desk.say(request, "ok", wording.message("desk_revoked", "th", commit=(commit or "")[:10]))
    return RedirectResponse(f"/forms/{relative.parent.name}/{relative.stem}/signoff", status_code=303)
