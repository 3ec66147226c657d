"""The project folder → the officers' desk, a Starlette application: the quarter's overview, each form's editor with
``check`` as you type and the real form beside it, saving into git, evidence uploads, new forms, new years, imports.

The desk adds no rule and no rendering of its own. Problems are ``commands.check.check_text`` on the values as typed
(the same loading, rules and wording as ``reportgen check``), the preview is the form's web page made by the build's
templates (``render.views.SitePages``), and its PDF by ``render.form_pdf.FormPrinter``; saving writes the canonical
text (``authoring.canonical``) through ``authoring.repository.save`` (version checked, atomic write, commit, push);
new forms, new years and imports are ``commands.new`` and ``commands.import_form``. The overview is
``commands.status.quarter_status``.

Who asks is ``request.state.person``, set by one middleware (``identify``: until accounts exist, the person git
knows); what they may do is ``permissions.may``. Every POST checks the session's CSRF token (``security.py``).
Every request is logged on one line (client, login, method, path, status, time), and every change on another
(who, what, which commit).
"""

from __future__ import annotations

import collections
import datetime as dt
import difflib
import logging
import re
import secrets
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from reportgen import layout, thai, wording
from reportgen.authoring.naming import check_code, code_pattern
from reportgen.authoring.repository import BackgroundPusher, pending_push, retry_pushes
from reportgen.commands.check import check_text
from reportgen.commands.import_form import MAX_EXPORT_BYTES, import_form
from reportgen.commands.new import new_indicator, new_year
from reportgen.commands.status import quarter_status
from reportgen.content.project import DocumentMemo, load_documents, load_file
from reportgen.content.validate import build_project
from reportgen.desk import evidence as evidence_files
from reportgen.desk import saving
from reportgen.desk import signoff as signoff_pages
from reportgen.desk.auth import Authenticate, AuthSettings, DeskAuth, audit_page, login, login_page, logout, record
from reportgen.desk.forms import Section, field_name, form_sections, names_of, posted_values
from reportgen.desk.identity import Person, local_person
from reportgen.desk.permissions import Action, is_own, may
from reportgen.desk.security import (
    CSRF_FIELD,
    SECURITY_HEADERS,
    DeskSecurity,
    check_csrf,
    csrf_token,
    load_secret,
    secret_path,
)
from reportgen.errors import ContentError, Problem, ReportgenError
from reportgen.layout import CONTENT_DIR, INDICATORS_DIR, YAML_SUFFIXES
from reportgen.model import Entry, Indicator, Project
from reportgen.render.html import PAGE_TEMPLATE, Templates
from reportgen.render.overview import FormState, QuarterOverview
from reportgen.render.views import SitePages
from reportgen.standing import Reporting, status_label

logger = logging.getLogger(__name__)

#: Hosts the desk answers to until accounts exist (and the ``--host`` given): a page that points its own name at
#: 127.0.0.1 (DNS rebinding) sends that name and is refused.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")

#: Drafts kept for the preview (the latest values of each form being typed), across all sessions.
MAX_DRAFTS = 200


@dataclass(frozen=True)
class DeskSettings:
    """How the desk runs: where it listens, its limits, its secret, and the date figures are as of (tests)."""

    host: str = "127.0.0.1"
    port: int = 8000
    max_evidence_bytes: int = evidence_files.MAX_EVIDENCE_BYTES
    max_form_bytes: int = 2 * 1024 * 1024
    secret_file: Path | None = None
    today: dt.date | None = None
    #: Who is asking (None: the person git knows, ``local_person``); accounts (issue 29) pass their own.
    identify: Callable[[Request], Person | None] | None = None
    #: Accounts, sessions, single sign-on, the audit log (``desk/auth.py``): in use once an account exists.
    auth: AuthSettings = AuthSettings()
    #: Seconds without a new save before the saves of a burst are pushed together (``BackgroundPusher``).
    push_settle: float = 0.25

    @property
    def max_body(self) -> int:
        return self.max_evidence_bytes + self.max_form_bytes


@dataclass(frozen=True)
class Draft:
    """The values last checked of one form in one session: the text they make and the form they build."""

    session_id: str
    relative: PurePosixPath
    entry: Entry


class DeskError(HTTPException):
    """An HTTP error with its Thai page: the catalog keys of its title and explanation."""

    def __init__(self, status_code: int, title_key: str, text_key: str, **params: object):
        super().__init__(status_code)
        self.title_key = title_key
        self.text_key = text_key
        self.params = params


#: Each HTTP status the desk answers with an error page → the catalog keys of its title and text.
ERROR_PAGES: dict[int, tuple[str, str]] = {
    400: ("desk_error_400_title", "desk_error_400_text"),
    403: ("desk_error_403_title", "desk_error_403_text"),
    404: ("desk_error_404_title", "desk_error_404_text"),
    405: ("desk_error_405_title", "desk_error_405_text"),
    413: ("desk_error_413_title", "desk_error_413_text"),
    500: ("desk_error_500_title", "desk_error_500_text"),
}


def _thai(key: str, /, **params: object) -> str:
    """The desk's words, in Thai (templates call it as ``message``)."""
    return wording.message(key, "th", **params)


class Desk:
    """What every route shares: the project, the templates, the drafts."""

    def __init__(self, root: Path, settings: DeskSettings):
        self.root = Path(root).resolve()
        self.settings = settings
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(layout.templates_dir(self.root) / "desk"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )
        self.env.globals.update(message=_thai)
        self.env.filters.update(digits=lambda value: str(value))
        self.drafts: collections.OrderedDict[str, Draft] = collections.OrderedDict()
        self.drafts_lock = threading.Lock()
        self.flash: dict[str, list[tuple[str, str]]] = {}
        self.local_person = local_person(self.root)
        #: The project's documents as last loaded, each reloaded only when its file changes (checks at keystrokes).
        self.documents = DocumentMemo()
        #: Saves are committed at once and pushed by this, after a burst: nobody waits for the network.
        self.pusher = BackgroundPusher(self.root, settle=settings.push_settle)

    def today(self) -> dt.date:
        return self.settings.today or thai.bangkok_today()

    def page(self, request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        session_id = getattr(request.state, "session_id", "")
        flashes = self.flash.pop(session_id, []) if session_id else []
        person = getattr(request.state, "person", None)
        text = self.env.get_template(template).render(
            person=person,
            signed_in=getattr(request.state, "signed_in", False),
            may_audit=may(person, Action.READ_AUDIT),
            csrf_field=CSRF_FIELD,
            csrf_token=csrf_token(request) if session_id else "",
            flashes=flashes,
            push_problem=self.pusher.problem if person is not None else None,
            **context,
        )
        return HTMLResponse(text, status_code=status_code, headers={"cache-control": "no-store"})

    def say(self, request: Request, kind: str, text: str) -> None:
        """A message for the next page this session sees (saved, pushed, push failed)."""
        self.flash.setdefault(request.state.session_id, []).append((kind, text))

    def keep_draft(self, draft: Draft) -> str:
        token = secrets.token_urlsafe(12)
        with self.drafts_lock:
            self.drafts[token] = draft
            while len(self.drafts) > MAX_DRAFTS:
                self.drafts.popitem(last=False)
        return token

    def draft(self, request: Request, token: str | None) -> Draft | None:
        if not token:
            return None
        with self.drafts_lock:
            draft = self.drafts.get(token)
        return draft if draft is not None and draft.session_id == request.state.session_id else None


# --- Who asks, and the log ---------------------------------------------------------------------------------------


class Identify:
    """The one middleware that says who is asking: ``request.state.person`` (a 403 page for nobody)."""

    def __init__(self, app: ASGIApp, *, desk: Desk):
        self.app = app
        self.desk = desk

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            identify = self.desk.settings.identify
            person = identify(Request(scope)) if identify is not None else self.desk.local_person
            scope.setdefault("state", {})["person"] = person
        await self.app(scope, receive, send)


class RequestLog:
    """One line per request for the system administrator: client, login, method, path, status, milliseconds."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_status(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            person = scope.get("state", {}).get("person")
            client = scope.get("client") or ("-", 0)
            logger.info(wording.message(
                "log_desk_request", client=client[0], login=person.login if person else "-", method=scope["method"],
                path=scope["path"], status=status, ms=round((time.perf_counter() - started) * 1000),
            ))


# --- Helpers -----------------------------------------------------------------------------------------------------


def _desk(request: Request) -> Desk:
    desk: Desk = request.app.state.desk
    return desk


def _person(request: Request) -> Person:
    person: Person = request.state.person
    return person


def _form_file(desk: Desk, year: int, code: str) -> PurePosixPath:
    """``content/indicators/<year>/<code>.yaml`` (or ``.yml`` if that is the one there), checked; 404 otherwise."""
    if not re.fullmatch(code_pattern(), code) or not 2400 < year < 2800:
        raise DeskError(404, *ERROR_PAGES[404])
    for suffix in YAML_SUFFIXES:
        relative = PurePosixPath(CONTENT_DIR, INDICATORS_DIR, str(year), f"{code}{suffix}")
        if (desk.root / relative).is_file():
            return relative
    raise DeskError(404, *ERROR_PAGES[404])


@dataclass
class Saved:
    """A form's file as it is: its text, version, parsed values (also of a file with errors) and model if valid."""

    relative: PurePosixPath
    text: str
    version: str | None
    values: dict[str, Any]
    indicator: Indicator | None


def _saved(desk: Desk, relative: PurePosixPath) -> Saved:
    path = desk.root / relative
    doc = load_file(path, desk.root, Indicator)
    data = path.read_bytes()
    values = doc.data if isinstance(doc.data, dict) else {}
    indicator = doc.model if doc.ok and isinstance(doc.model, Indicator) else None
    return Saved(relative, data.decode("utf-8-sig", errors="replace"), saving.version_of(desk.root, relative), values,
                 indicator)


def _problem_json(problem: Problem, names: set[str]) -> dict[str, Any]:
    return {
        "field": field_name(problem.field, names),
        "severity": problem.severity,
        "message": problem.text("th"),
        "hint": problem.hint_text("th"),
        "where": problem.field or problem.location(),
    }


def _by_field(problems: list[Problem], sections: list[Section]) -> tuple[dict[str, list[Problem]], list[Problem]]:
    names = names_of(sections)
    placed: dict[str, list[Problem]] = {}
    general: list[Problem] = []
    for problem in problems:
        name = field_name(problem.field, names)
        if name is None:
            general.append(problem)
        else:
            placed.setdefault(name, []).append(problem)
    return placed, general


async def _form(request: Request, desk: Desk) -> FormData:
    return await request.form(max_files=1, max_fields=4000, max_part_size=desk.settings.max_form_bytes)


# --- The overview ------------------------------------------------------------------------------------------------


def _int_or_none(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() and len(text) <= 4 else None


async def overview(request: Request) -> Response:
    desk, person = _desk(request), _person(request)
    year = _int_or_none(request.query_params.get("year"))
    quarter = _int_or_none(request.query_params.get("quarter"))
    if quarter is not None and quarter not in (1, 2, 3, 4):
        quarter = None
    try:
        state: QuarterOverview | None = await run_in_threadpool(
            quarter_status, desk.root, year=year, quarter=quarter, today=desk.today()
        )
        problem = None
    except ReportgenError as error:  # no form of that year yet, or site.yaml broken
        state, problem = None, error.text("th")
    years = sorted({path.name for path in (desk.root / CONTENT_DIR / INDICATORS_DIR).glob("*")
                    if path.is_dir() and path.name.isdigit()}, reverse=True)
    own: list[FormState] = []
    others: list[FormState] = []
    if state is not None:
        for form in state.forms:
            (own if is_own(person, form.entry.indicator) else others).append(form)
    pushing = await run_in_threadpool(pending_push, desk.root)
    return desk.page(
        request, "overview.html.j2", overview=state, own=own, others=others, problem=problem, years=years,
        pushing=pushing, sending=desk.pusher.sending,
        status_label=status_label, counts=_counts, quarter_text=_quarter_text,
        may_create=may(person, Action.CREATE), may_start_year=may(person, Action.START_YEAR),
        may_import=may(person, Action.IMPORT),
        may_open=lambda indicator: may(person, Action.VIEW, indicator),
    )


def _counts(forms: list[FormState]) -> dict[str, int]:
    return {
        "forms": len(forms),
        "reported": sum(form.reported for form in forms),
        "missing": sum(not form.reported for form in forms),
        "draft": sum(form.sign_state == "draft" for form in forms),
        "edited_after_signoff": sum(form.sign_state == "edited_after_signoff" for form in forms),
        "signed": sum(form.sign_state == "signed" for form in forms),
    }


def _quarter_text(state: QuarterOverview) -> str:
    start, end = state.period
    params = dict(quarter=state.quarter, year=state.fiscal_year, start=thai.thai_date(start, style="short"),
                  end=thai.thai_date(end, style="short"), today=thai.thai_date(state.today, style="short"))
    if state.state == "running":
        return wording.message("status_heading_running", "th", **params)
    if state.state == "not_started":
        return wording.message("status_heading_future", "th", **params)
    return wording.message("status_heading", "th", **params)


# --- The editor --------------------------------------------------------------------------------------------------


def _editor(
    request: Request, saved: Saved, values: Mapping[str, Any], problems: list[Problem], *, status_code: int = 200,
    preview: str | None = None, conflict: dict[str, Any] | None = None,
) -> HTMLResponse:
    desk, person = _desk(request), _person(request)
    sections = form_sections(values)
    placed, general = _by_field(problems, sections)
    year, code = saved.relative.parent.name, saved.relative.stem
    reported = [number for number in range(1, 5)
                if isinstance((values.get("quarters") or {}), dict) and (values.get("quarters") or {}).get(f"q{number}")]
    editable = may(person, Action.EDIT, saved.indicator or saved.values)
    return desk.page(
        request, "form.html.j2", status_code=status_code, sections=sections, placed=placed, general=general,
        saved=saved, year=year, code=code, name=values.get("name") or code, editable=editable,
        errors=sum(problem.severity == "error" for problem in problems),
        warnings=sum(problem.severity == "warning" for problem in problems),
        preview=preview or f"/preview/{year}/{code}.html", reported=reported, conflict=conflict,
        may_upload=may(person, Action.UPLOAD_EVIDENCE, saved.indicator or saved.values),
        may_sign=may(person, Action.SIGN, saved.indicator or saved.values),
    )


async def editor(request: Request) -> Response:
    desk = _desk(request)
    relative = _form_file(desk, request.path_params["year"], request.path_params["code"])
    saved = await run_in_threadpool(_saved, desk, relative)
    if not may(_person(request), Action.VIEW, saved.indicator or saved.values):
        raise DeskError(403, *ERROR_PAGES[403])
    problems, _ = await run_in_threadpool(check_text, desk.root, relative, saved.text, today=desk.today(),
                                          memo=desk.documents)
    return _editor(request, saved, saved.values, problems)


def _checked(desk: Desk, saved: Saved, form: Mapping[str, str]) -> tuple[dict[str, Any], str, list[Problem],
                                                                         Entry | None]:
    values = posted_values(form, saved.values)
    try:
        text = saving.form_text(values, saved)
    except saving.ContentError as error:  # values that make no form: check's own problems, at their fields
        return values, "", list(error.problems), None
    problems, entry = check_text(desk.root, saved.relative, text, today=desk.today(), memo=desk.documents)
    return values, text, problems, entry


async def check_draft(request: Request) -> Response:
    """The problems of the values as typed, at their fields, and where to see the form they make (JSON)."""
    desk = _desk(request)
    relative = _form_file(desk, request.path_params["year"], request.path_params["code"])
    form = await _form(request, desk)
    check_csrf(request, _text_of(form.get(CSRF_FIELD)))
    saved = await run_in_threadpool(_saved, desk, relative)
    if not may(_person(request), Action.EDIT, saved.indicator or saved.values):
        raise DeskError(403, *ERROR_PAGES[403])
    values, _, problems, entry = await run_in_threadpool(_checked, desk, saved, _plain(form))
    names = names_of(form_sections(values))
    preview = None
    if entry is not None:
        token = desk.keep_draft(Draft(request.state.session_id, relative, entry))
        preview = f"/preview/{relative.parent.name}/{relative.stem}.html?draft={token}"
    return JSONResponse({
        "problems": [_problem_json(problem, names) for problem in problems],
        "errors": sum(problem.severity == "error" for problem in problems),
        "warnings": sum(problem.severity == "warning" for problem in problems),
        "preview": preview,
        "pdf": preview.replace(".html?", ".pdf?") if preview else None,
    }, headers={"cache-control": "no-store"})


def _text_of(value: str | UploadFile | None) -> str | None:
    return value if isinstance(value, str) else None


def _plain(form: FormData) -> dict[str, str]:
    return {key: value for key, value in form.multi_items() if isinstance(value, str)}


async def save_form(request: Request) -> Response:
    desk, person = _desk(request), _person(request)
    relative = _form_file(desk, request.path_params["year"], request.path_params["code"])
    form = await _form(request, desk)
    check_csrf(request, _text_of(form.get(CSRF_FIELD)))
    saved = await run_in_threadpool(_saved, desk, relative)
    if not may(person, Action.EDIT, saved.indicator or saved.values):
        raise DeskError(403, *ERROR_PAGES[403])
    values, text, problems, _ = await run_in_threadpool(_checked, desk, saved, _plain(form))
    if any(problem.severity == "error" for problem in problems):
        return _editor(request, saved, values, problems, status_code=422)
    expected = _text_of(form.get("version")) or None
    try:
        result = await run_in_threadpool(saving.save_form, desk.root, relative, text, expected, person, push=False)
    except saving.ContentChanged as changed:
        theirs = changed.current_text or ""
        diff = list(difflib.unified_diff(theirs.splitlines(), text.splitlines(), lineterm="", n=2,
                                         fromfile=wording.label("desk_diff_theirs", "th"),
                                         tofile=wording.label("desk_diff_yours", "th")))
        logger.info(wording.message("log_desk_conflict", login=person.login, path=relative))
        current = replace(saved, text=theirs, version=changed.current_version)
        return _editor(request, current, values, problems, status_code=409, conflict={"diff": diff})
    logger.info(wording.message("log_desk_saved", login=person.login, name=person.name, email=person.email,
                                path=relative, commit=result.commit or "-", pushed=result.pushed))
    record(request, "save", file=relative, commit=result.commit or "")
    desk.say(request, "ok", wording.message("desk_saved", "th", commit=(result.commit or "")[:10]))
    if result.commit:
        desk.pusher.request()
    return RedirectResponse(f"/forms/{relative.parent.name}/{relative.stem}", status_code=303)


# --- The preview: the build's own page and PDF -----------------------------------------------------------------------


def _preview_entry(desk: Desk, request: Request, relative: PurePosixPath) -> tuple[Entry, Project]:
    site, documents = load_documents(desk.root, memo=desk.documents)  # as load_project, from the desk's memo
    project = build_project(desk.root, site, documents, per_form=True, today=desk.today())
    draft = desk.draft(request, request.query_params.get("draft"))
    entry = draft.entry if draft is not None and draft.relative == relative else next(
        (entry for entry in project.entries if entry.source == relative), None)
    if entry is None:
        raise DeskError(404, "desk_error_404_title", "desk_preview_broken")
    entries = tuple(sorted([*(other for other in project.entries if other.slug != entry.slug), entry],
                           key=lambda item: (item.indicator.fiscal_year, item.indicator.code)))
    return entry, replace(project, entries=entries)


def _preview_page(desk: Desk, request: Request, relative: PurePosixPath) -> str:
    entry, project = _preview_entry(desk, request, relative)
    renderer = Templates(layout.templates_dir(desk.root), project.site)
    pages = SitePages(project, renderer, reporting=Reporting(desk.today()))
    return renderer.render_page(PAGE_TEMPLATE, pages.indicator_page_context(entry))


def _preview_pdf(desk: Desk, request: Request, relative: PurePosixPath) -> bytes:
    from reportgen.render.form_pdf import FormPrinter  # WeasyPrint only when a PDF is asked for

    entry, project = _preview_entry(desk, request, relative)
    return FormPrinter(desk.root, project.site).form(entry)


def _may_view(request: Request, desk: Desk, relative: PurePosixPath) -> None:
    """Refuse (403) a form the person may not open: its preview and PDF are the form too."""
    saved = _saved(desk, relative)
    if not may(_person(request), Action.VIEW, saved.indicator or saved.values):
        raise DeskError(403, *ERROR_PAGES[403])


async def preview_page(request: Request) -> Response:
    desk = _desk(request)
    relative = _form_file(desk, request.path_params["year"], request.path_params["code"])
    await run_in_threadpool(_may_view, request, desk, relative)
    html = await run_in_threadpool(_preview_page, desk, request, relative)
    return HTMLResponse(html, headers={"cache-control": "no-store"})


async def preview_pdf(request: Request) -> Response:
    desk = _desk(request)
    relative = _form_file(desk, request.path_params["year"], request.path_params["code"])
    await run_in_threadpool(_may_view, request, desk, relative)
    data = await run_in_threadpool(_preview_pdf, desk, request, relative)
    return Response(data, media_type="application/pdf", headers={
        "cache-control": "no-store", "content-disposition": f'inline; filename="{relative.stem}.pdf"'})


_ASSET = re.compile(r"[A-Za-z0-9_.-]+\.(css|js|woff2|txt)")


async def asset(request: Request) -> Response:
    """The site's stylesheets, scripts and fonts for the preview, from the project's templates/ and fonts/."""
    desk = _desk(request)
    kind, name = request.path_params["kind"], request.path_params["name"]
    folders = {"css": layout.templates_dir(desk.root) / "css", "js": layout.templates_dir(desk.root) / "js",
               "fonts": layout.fonts_dir(desk.root)}
    if kind not in folders or not _ASSET.fullmatch(name) or not (folders[kind] / name).is_file():
        raise DeskError(404, *ERROR_PAGES[404])
    return FileResponse(folders[kind] / name, headers={"cache-control": "no-cache"})


async def static(request: Request) -> Response:
    """The desk's own script and stylesheet (package data, ``desk/static/``)."""
    name = request.path_params["name"]
    if name not in ("desk.js", "desk.css"):
        raise DeskError(404, *ERROR_PAGES[404])
    data = resources.files("reportgen.desk").joinpath("static", name).read_bytes()
    media = "text/javascript" if name.endswith(".js") else "text/css"
    return Response(data, media_type=media, headers={"cache-control": "no-cache"})


# --- Evidence, new forms, new years, imports ---------------------------------------------------------------------


async def upload_evidence(request: Request) -> Response:
    desk, person = _desk(request), _person(request)
    relative = _form_file(desk, request.path_params["year"], request.path_params["code"])
    form = await request.form(max_files=1, max_fields=10, max_part_size=desk.settings.max_form_bytes)
    check_csrf(request, _text_of(form.get(CSRF_FIELD)))
    saved = await run_in_threadpool(_saved, desk, relative)
    if not may(person, Action.UPLOAD_EVIDENCE, saved.indicator or saved.values):
        raise DeskError(403, *ERROR_PAGES[403])
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return JSONResponse({"error": wording.label("desk_upload_none", "th")}, status_code=400)
    data = await upload.read(desk.settings.max_evidence_bytes + 1)
    try:
        stored = await run_in_threadpool(
            evidence_files.store, desk.root, int(relative.parent.name), upload.filename, data, person,
            max_bytes=desk.settings.max_evidence_bytes,
        )
    except ReportgenError as error:
        return JSONResponse({"error": error.text("th")}, status_code=400)
    logger.info(wording.message("log_desk_evidence", login=person.login, path=stored.path, size=len(data)))
    record(request, "upload", file=stored.path, size=len(data), form=relative)
    return JSONResponse({"file": stored.path, "title": stored.title})


async def start_page(request: Request) -> Response:
    desk, person = _desk(request), _person(request)
    years = sorted({path.name for path in (desk.root / CONTENT_DIR / INDICATORS_DIR).glob("*")
                    if path.is_dir() and path.name.isdigit()}, reverse=True)
    current = thai.fiscal_year_of(desk.today())
    return desk.page(request, "start.html.j2", years=years, current=current, problem=None,
                     may_create=may(person, Action.CREATE), may_start_year=may(person, Action.START_YEAR),
                     may_import=may(person, Action.IMPORT), max_export=MAX_EXPORT_BYTES // 1024)


async def _start_failed(request: Request, error: ReportgenError) -> Response:
    desk, person = _desk(request), _person(request)
    years = sorted({path.name for path in (desk.root / CONTENT_DIR / INDICATORS_DIR).glob("*")
                    if path.is_dir() and path.name.isdigit()}, reverse=True)
    problem = error.text("th")
    if isinstance(error, ContentError):
        problem = "\n".join(f"{item.location()}: {item.text('th')}" for item in error.problems)
    return desk.page(request, "start.html.j2", status_code=422, years=years,
                     current=thai.fiscal_year_of(desk.today()), problem=problem,
                     may_create=may(person, Action.CREATE), may_start_year=may(person, Action.START_YEAR),
                     may_import=may(person, Action.IMPORT), max_export=MAX_EXPORT_BYTES // 1024)


def _year_field(form: FormData, name: str) -> int:
    value = _text_of(form.get(name)) or ""
    value = thai.to_arabic_digits(value.strip())
    if not value.isdigit() or len(value) != 4:
        raise DeskError(400, *ERROR_PAGES[400])
    return int(value)


async def start_form(request: Request) -> Response:
    desk, person = _desk(request), _person(request)
    form = await _form(request, desk)
    check_csrf(request, _text_of(form.get(CSRF_FIELD)))
    if not may(person, Action.CREATE):
        raise DeskError(403, *ERROR_PAGES[403])
    year = _year_field(form, "year")
    code = (_text_of(form.get("code")) or "").strip()
    source = (_text_of(form.get("source")) or "").strip() or None
    try:
        code = check_code(code)
        made = await run_in_threadpool(new_indicator, desk.root, code, year, source=source)
        await run_in_threadpool(saving.commit_new, desk.root, [made.path], person, "desk_commit_new")
    except ReportgenError as error:
        return await _start_failed(request, error)
    logger.info(wording.message("log_desk_started", login=person.login, path=made.path))
    record(request, "new_form", file=made.path)
    desk.say(request, "ok", made.summary("th"))
    return RedirectResponse(f"/forms/{year}/{made.path.stem}", status_code=303)


async def start_year(request: Request) -> Response:
    desk, person = _desk(request), _person(request)
    form = await _form(request, desk)
    check_csrf(request, _text_of(form.get(CSRF_FIELD)))
    if not may(person, Action.START_YEAR):
        raise DeskError(403, *ERROR_PAGES[403])
    year, source_year = _year_field(form, "year"), _year_field(form, "source_year")
    try:
        made = await run_in_threadpool(new_year, desk.root, year, source_year)
        await run_in_threadpool(saving.commit_new, desk.root, list(made.written), person, "desk_commit_year")
    except ReportgenError as error:
        return await _start_failed(request, error)
    logger.info(wording.message("log_desk_year", login=person.login, year=year, count=len(made.written)))
    record(request, "start_year", year=year, files=len(made.written))
    desk.say(request, "ok", made.summary("th"))
    return RedirectResponse(f"/?year={year}", status_code=303)


async def start_import(request: Request) -> Response:
    desk, person = _desk(request), _person(request)
    form = await request.form(max_files=1, max_fields=10, max_part_size=MAX_EXPORT_BYTES)
    check_csrf(request, _text_of(form.get(CSRF_FIELD)))
    if not may(person, Action.IMPORT):
        raise DeskError(403, *ERROR_PAGES[403])
    year = _year_field(form, "year")
    upload = form.get("export")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise DeskError(400, *ERROR_PAGES[400])
    data = await upload.read(MAX_EXPORT_BYTES + 1)
    code = (_text_of(form.get("code")) or "").strip() or None
    name = evidence_files.safe_name(upload.filename) or "export.txt"
    try:
        with tempfile.TemporaryDirectory(prefix="reportgen-import-") as folder:
            export = Path(folder) / name
            export.write_bytes(data)
            report = await run_in_threadpool(import_form, desk.root, export, year, code=code)
        await run_in_threadpool(saving.commit_new, desk.root, [report.path], person, "desk_commit_import")
    except ReportgenError as error:
        return await _start_failed(request, error)
    logger.info(wording.message("log_desk_imported", login=person.login, path=report.path))
    record(request, "import", file=report.path)
    desk.say(request, "ok", report.summary("th"))
    for warning in report.warnings:
        desk.say(request, "warning", f"{warning.location()}: {warning.text('th')}")
    return RedirectResponse(f"/forms/{year}/{report.path.stem}", status_code=303)


async def push_again(request: Request) -> Response:
    """Send the saves the remote has not got yet (a push that failed: the network, the server down)."""
    desk, person = _desk(request), _person(request)
    form = await _form(request, desk)
    check_csrf(request, _text_of(form.get(CSRF_FIELD)))
    state = await run_in_threadpool(retry_pushes, desk.root)
    logger.info(wording.message("log_desk_push_retried", login=person.login, ahead=state.ahead,
                                pending=state.pending))
    if state.pending:
        desk.say(request, "warning", wording.message("desk_push_still_pending", "th", count=state.ahead,
                                                     reason=state.problem or "-"))
    else:
        desk.say(request, "ok", wording.label("desk_push_done", "th"))
    return RedirectResponse("/", status_code=303)


# --- Errors ------------------------------------------------------------------------------------------------------


async def error_page(request: Request, exc: Exception) -> Response:
    desk = _desk(request)
    if isinstance(exc, DeskError):
        status, title_key, text_key = exc.status_code, exc.title_key, exc.text_key
    elif isinstance(exc, HTTPException):
        status = exc.status_code
        title_key, text_key = ERROR_PAGES.get(status, ERROR_PAGES[400])
    elif isinstance(exc, ReportgenError) and getattr(exc, "code", "") == "desk_csrf_refused":
        status, (title_key, text_key) = 403, ("desk_error_403_title", "desk_csrf_refused")
    else:
        logger.exception(wording.message("log_desk_failed", path=request.url.path))
        status, (title_key, text_key) = 500, ERROR_PAGES[500]
    if status == 403:
        csrf = text_key == "desk_csrf_refused"
        record(request, "csrf_refused" if csrf else "refused", method=request.method, path=request.url.path)
    if request.url.path.endswith("/check") or request.headers.get("accept", "").startswith("application/json"):
        return JSONResponse({"error": wording.label(text_key, "th")}, status_code=status)
    response = desk.page(request, "error.html.j2", status_code=status, status=status,
                         title=wording.label(title_key, "th"), text=wording.label(text_key, "th"))
    if status == 500:  # sent past the security layer (by Starlette's outermost error handler): the headers here
        response.headers.update({key.decode(): value.decode() for key, value in SECURITY_HEADERS})
    return response


async def too_large(scope: Scope, receive: Receive, send: Send) -> None:
    """413 with its Thai page (the body is never read)."""
    desk: Desk = scope["app"].state.desk
    title, text = ERROR_PAGES[413]
    body = desk.env.get_template("error.html.j2").render(
        person=None, csrf_field=CSRF_FIELD, csrf_token="", flashes=[], status=413,
        title=wording.label(title, "th"), text=wording.label(text, "th"),
    )
    response = HTMLResponse(body, status_code=413, headers={"connection": "close"})
    await response(scope, receive, send)


def create_app(project_root: Path, settings: DeskSettings | None = None) -> Starlette:
    """The desk of ``project_root``: its routes, the one identity middleware, the security layer and error pages."""
    settings = settings or DeskSettings()
    desk = Desk(project_root, settings)
    secret = load_secret(settings.secret_file or secret_path(), desk.root)
    auth = DeskAuth(desk.root, settings.auth)
    # With accounts every page asks who is there, and another site's page gets no cookie of the desk: any Host name.
    hosts = ["*"] if auth.active else [*LOOPBACK_HOSTS, settings.host, "testserver"]
    routes = [
        Route("/", overview),
        Route("/forms/{year:int}/{code}", editor, methods=["GET"]),
        Route("/forms/{year:int}/{code}", save_form, methods=["POST"]),
        Route("/forms/{year:int}/{code}/check", check_draft, methods=["POST"]),
        Route("/forms/{year:int}/{code}/evidence", upload_evidence, methods=["POST"]),
        Route("/preview/{year:int}/{code}.html", preview_page),
        Route("/preview/{year:int}/{code}.pdf", preview_pdf),
        Route("/preview/assets/{kind}/{name}", asset),
        Route("/static/{name}", static),
        Route("/start", start_page),
        Route("/start/form", start_form, methods=["POST"]),
        Route("/start/year", start_year, methods=["POST"]),
        Route("/start/import", start_import, methods=["POST"]),
        Route("/push", push_again, methods=["POST"]),
        Route("/login", login_page, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/audit", audit_page),
        Route("/forms/{year:int}/{code}/signoff", signoff_pages.review_page, methods=["GET"]),
        Route("/forms/{year:int}/{code}/signoff", signoff_pages.sign, methods=["POST"]),
        Route("/forms/{year:int}/{code}/revoke", signoff_pages.revoke, methods=["POST"]),
    ]
    middleware = [
        Middleware(RequestLog),
        Middleware(DeskSecurity, secret=secret, max_body=settings.max_body, too_large=too_large),
        Middleware(TrustedHostMiddleware, allowed_hosts=hosts),
        Middleware(Authenticate, auth=auth, fallback=lambda inner: Identify(inner, desk=desk)),
    ]
    handlers: Mapping[Any, Any] = {HTTPException: error_page, ReportgenError: error_page, Exception: error_page}
    app = Starlette(routes=routes, middleware=middleware, exception_handlers=dict(handlers))
    app.state.desk = desk
    app.state.secret = secret
    app.state.auth = auth
    return app
