"""``reportgen serve``: the project → a live preview of the web site on http://127.0.0.1:8000/, rebuilt on every edit.

The site is built with the build pipeline into a private temporary folder (``output/`` is never touched) and
served from there. ``content/``, ``templates/`` and ``fonts/`` are watched by ``watcher.py`` (watchfiles: the
operating system reports each change; editors' swap and backup files are ignored). A change is rebuilt once the
files have stopped changing for a moment (an editor's save is often several writes), and every open page reloads.
The preview's script and stylesheet are the files in ``static/``.

Reloading: the server (never the built files, which stay free of preview code) adds a small script to every HTML page
it sends. The script listens to a Server-Sent-Events stream (``/__reportgen__/events``) that announces a new
*generation* after every build, and reloads the page when the generation differs from the one it was served with.
The script and its stylesheet are separate files, so a page's Content-Security-Policy of ``'self'`` allows them.

An edit that breaks the build does not stop the server: the problems go to ``on_build`` (the CLI prints them), and
every HTML page shows them (the Thai message of ``format_problems``, escaped) in a banner above the last good build,
until the content is fixed. If no build has succeeded yet, every path serves an error page. A build that succeeds
with warnings (what ``check`` warns about) shows them in a yellow banner instead.

One form's mistake is that form's: an indicator file with errors does not stop the build (``Project.broken``). Every
other form is built and shown as it is now; the broken form's own page (``/<year>/<code>.html`` and its PDF, as its
path names them) shows its problems, and every page lists them in a red banner. Only a site-wide file that is broken
(site.yaml, a template, the fonts) stops the whole build, as above.

Only files inside the built ``html/`` folder are served: ``..`` in a path (also percent-encoded) is refused, and a
symbolic link that leads outside is not followed; a path the filesystem cannot take (a name of 256 bytes or more)
is simply not found. The server listens on 127.0.0.1 unless told otherwise (``is_loopback``: the CLI warns when it
is not). It is a Starlette application on uvicorn, the web layer the desk uses too (one route answers every GET and
HEAD; the event streams wait in Starlette's thread pool); the socket is bound before uvicorn starts, so a busy port
is a usage error at once. A connection that sends nothing, or never finishes its request, for ``IDLE_TIMEOUT``
seconds is closed (``_PreviewProtocol``: uvicorn itself times out only between requests), so idle clients cannot
hold the server. Every request must name the server by a loopback name or address, an IP address, or the ``--host`` given
(``host_allowed``): a web page that re-points its own domain name at 127.0.0.1 (DNS rebinding) sends its own name
and is refused, so it cannot read the preview.

The quarter overview (``/_status``) names officers and their contacts, which the site never publishes: it is
served only to a client on this computer (``client_is_local``: its address is a loopback one), also when ``--host``
opens the preview to the network, unless ``share_status`` (``serve --share-status``) says the network may see it
too. Any other client gets a page saying so.
"""

from __future__ import annotations

import asyncio
import errno
import html
import ipaddress
import json
import logging
import mimetypes
import re
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import h11
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from reportgen import layout, wording
from reportgen.errors import ContentError, Problem, ReportgenError, UsageError
from reportgen.model import BrokenForm
from reportgen.preview.watcher import Watcher
from reportgen.problems import format_problems
from reportgen.publish.options import BuildRequest
from reportgen.publish.pipeline import build

logger = logging.getLogger(__name__)

#: Folders whose changes trigger a rebuild.
WATCHED_FOLDERS = (layout.CONTENT_DIR, layout.TEMPLATES_DIR, layout.FONTS_DIR)

#: URL paths the preview itself answers; a built site never has a folder of this name.
PREVIEW_PREFIX = "/__reportgen__/"
EVENTS_PATH = PREVIEW_PREFIX + "events"
STATUS_PATH = PREVIEW_PREFIX + "status"
SCRIPT_PATH = PREVIEW_PREFIX + "preview.js"
STYLE_PATH = PREVIEW_PREFIX + "preview.css"
OVERVIEW_PATH = "/_status"  # the quarter overview (reportgen status) as a page: preview only, never built
FONTS_PATH = PREVIEW_PREFIX + "fonts/"  # the project's own fonts/, so that the banner reads Thai before any build
_FONT_NAME = re.compile(r"[A-Za-z0-9_-]+\.woff2")

#: How long the watched files must stay unchanged before a rebuild (seconds). The watcher is told of changes by the
#: operating system; ``poll_interval`` (seconds, default None) makes it poll instead.
QUIET_PERIOD = 0.2

#: Seconds between keep-alive comments on an idle event stream (how soon a closed tab's thread notices).
KEEPALIVE = 15.0

#: Seconds a connection may stay silent (no request, or a request not finished) before it is closed.
IDLE_TIMEOUT = 20.0


def is_loopback(host: str) -> bool:
    """True for an address only this computer reaches: ``localhost``, 127.0.0.0/8, ``::1``."""
    name = host.strip().strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def client_is_local(address: str) -> bool:
    """Whether a connection comes from this computer: a loopback address, also written as an IPv4-mapped IPv6 one
    (``::ffff:127.0.0.1``, how a server listening on ``::`` sees a local IPv4 client)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return (mapped or ip).is_loopback


def host_allowed(header: str | None, listening: str) -> bool:
    """Whether a request's ``Host`` header names this server in a way DNS rebinding cannot forge: a loopback name
    or address, any IP address literal (an address is not a name an attacker's DNS can re-point), or the host the
    server was told to listen on. No Host header at all is refused."""
    if not header:
        return False
    value = header.strip().lower()
    if value.startswith("["):  # [::1]:8000
        host = value[1 : value.find("]")] if "]" in value else value
    else:
        host = value.rsplit(":", 1)[0] if value.count(":") == 1 else value
    if not host:
        return False
    if is_loopback(host) or host == listening.strip().strip("[]").lower():
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


#: The preview's own script (reload on a new generation) and stylesheet (the banners): files beside this module.
RELOAD_SCRIPT = (resources.files(__package__) / "static" / "preview.js").read_text(encoding="utf-8")
PREVIEW_STYLE = (resources.files(__package__) / "static" / "preview.css").read_text(encoding="utf-8")


def _texts(lang: str) -> dict[str, str]:
    """The preview's own page words (banners, the 404 and refusal pages) in ``lang``, from the catalog."""
    return {name: wording.label(key, lang) for name, key in _PAGE_WORDS.items()}


_PAGE_WORDS = {
    "failed": "serve_page_failed",
    "last_good": "serve_page_last_good",
    "no_good": "serve_page_no_good",
    "building": "serve_page_building",
    "not_found": "serve_page_not_found",
    "refused": "serve_page_refused",
    "home": "serve_page_home",
}


def broken_paths(broken: tuple[BrokenForm, ...]) -> dict[str, BrokenForm]:
    """The URL paths of the page and the PDF each broken form would have (``/2570/09.html``), to its problems."""
    paths: dict[str, BrokenForm] = {}
    for form in broken:
        if form.slug is not None:
            for suffix in (".html", ".pdf"):
                paths.setdefault(f"/{form.slug}{suffix}", form)
    return paths


@dataclass(frozen=True)
class BuildOutcome:
    """One build of the preview: its generation (1, 2, …), whether it succeeded, and what went wrong."""

    generation: int
    ok: bool
    seconds: float
    problems: tuple[Problem, ...] = ()  # content problems (with ok=False); with ok=True the broken forms', then warnings
    message: str | None = None  # what the pages show when the build failed
    broken: tuple[BrokenForm, ...] = ()  # the forms left out for their errors (with ok=True)


@dataclass
class _State:
    generation: int = 0  # 0: the first build has not finished
    good: bool = False  # a build has succeeded: html/ holds a site to show
    message: str | None = None  # the current failure, shown on every page
    warnings: str | None = None  # the warnings of the current (successful) build, shown on every page
    broken: str | None = None  # the problems of the forms the current build left out, shown on every page
    broken_paths: dict[str, BrokenForm] = field(default_factory=dict)  # their pages' paths, which show them
    stopping: bool = False
    condition: threading.Condition = field(default_factory=threading.Condition)


class PreviewServer:
    """A live preview of one project: ``start()``, then ``url``; ``stop()`` removes everything it made.

    ``port=0`` picks a free port. ``on_build`` is called (from the watcher thread) after every build.
    """

    def __init__(
        self,
        root: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        lang: str = "th",
        on_build: Callable[[BuildOutcome], None] | None = None,
        poll_interval: float | None = None,
        quiet_period: float = QUIET_PERIOD,
        idle_timeout: float = IDLE_TIMEOUT,
        share_status: bool = False,
    ):
        self.root = Path(root).resolve()
        self.share_status = share_status  # the overview (officers' names and contacts) to other computers too
        self.host, self.port, self.lang = host, port, wording.normalize(lang)
        self.on_build = on_build
        self.poll_interval, self.quiet_period = poll_interval, quiet_period
        self.idle_timeout = idle_timeout
        self.state = _State()
        self._tmp: Path | None = None
        self._listener: socket.socket | None = None
        self._server: uvicorn.Server | None = None
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()

    # -- life cycle -------------------------------------------------------------------------------------------------

    @property
    def output_dir(self) -> Path:
        assert self._tmp is not None, "start() first"
        return self._tmp / "output"

    @property
    def html_dir(self) -> Path:
        return self.output_dir / layout.HTML_DIR

    @property
    def url(self) -> str:
        assert self._listener is not None, "start() first"
        host, port = self._listener.getsockname()[:2]
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/"

    def start(self, on_ready: Callable[[str], None] | None = None) -> None:
        """Listen, call ``on_ready(url)``, then build and watch (in the background)."""
        if not (layout.content_dir(self.root)).is_dir():
            raise UsageError("usage_no_content_folder", root=self.root)
        self._tmp = Path(tempfile.mkdtemp(prefix="reportgen-serve-"))
        try:
            self._listener = _listen(self.host, self.port)
        except UsageError:
            self._remove_tmp()
            raise
        protocol = type("PreviewProtocol", (_PreviewProtocol,), {"preview": self})
        config = uvicorn.Config(
            _application(self), http=protocol, lifespan="off", access_log=False, log_config=None, proxy_headers=False,
            server_header=False, date_header=False, timeout_graceful_shutdown=5, loop="asyncio",
        )  # fmt: skip
        self._server = uvicorn.Server(config)
        server, listener = self._server, self._listener
        serving = threading.Event()
        self._spawn(lambda: server.run(sockets=[listener]), "reportgen-serve-http")
        self._spawn(lambda: _wait_started(server, serving), "reportgen-serve-started")
        if not serving.wait(30):
            self.stop()
            raise UsageError("usage_cannot_listen", host=self.host, port=self.port, reason="uvicorn")
        logger.info(wording.message("log_serving", url=self.url, folder=self.html_dir))
        if on_ready is not None:
            on_ready(self.url)
        self._spawn(self._watch, "reportgen-serve-build")

    def stop(self, *, wait_for_build: bool = True) -> None:
        """Stop serving and watching, then remove the temporary folder. Waits for a build under way to finish."""
        self._stop.set()
        with self.state.condition:
            self.state.stopping = True
            self.state.condition.notify_all()
        if self._server is not None:
            self._server.should_exit = True
        for thread in self._threads:
            if thread is not threading.current_thread() and (wait_for_build or thread.name != "reportgen-serve-build"):
                thread.join()
        if self._listener is not None:
            self._listener.close()
        self._remove_tmp()

    def __enter__(self) -> PreviewServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def wait_for_generation(self, generation: int, timeout: float) -> bool:
        """Block until build number ``generation`` is done or ``timeout`` seconds have passed; True if it is done."""
        deadline = time.monotonic() + timeout
        with self.state.condition:
            while self.state.generation < generation:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self.state.condition.wait(remaining)
        return True

    def _spawn(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _remove_tmp(self) -> None:
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            logger.debug("removed %s", self._tmp)

    # -- building ---------------------------------------------------------------------------------------------------

    def _watch(self) -> None:
        """Build once, then rebuild after every settled burst of changes the watcher reports, until stopped."""
        changed = threading.Event()
        watcher = Watcher(
            self.root, WATCHED_FOLDERS, stop=self._stop, quiet_period=self.quiet_period, poll_interval=self.poll_interval
        )
        self._spawn(lambda: watcher.run(lambda paths: changed.set()), "reportgen-serve-watch")
        watcher.ready.wait(5)  # an edit made while the first build runs is then seen, and rebuilt after it
        self._build()
        while not self._stop.is_set():
            if not changed.wait(0.1):
                continue
            changed.clear()
            if self._stop.is_set():
                return
            self._build()

    def _build(self) -> BuildOutcome:
        started = time.monotonic()
        problems: tuple[Problem, ...] = ()
        broken: tuple[BrokenForm, ...] = ()
        warnings: tuple[Problem, ...] = ()
        message = None
        try:
            report = build(self.root, BuildRequest(output_dir=self.output_dir))
            broken, warnings = tuple(report.broken), tuple(report.warnings)
            problems = tuple(problem for form in broken for problem in form.problems) + warnings
        except ContentError as error:
            problems = tuple(error.problems)
            message = format_problems(problems, fmt="text", lang=self.lang)
        except ReportgenError as error:
            message = error.text(self.lang)
        except Exception as error:  # a bug must not stop the preview: show it, keep the last good build
            logger.exception(wording.message("log_preview_build_failed"))
            message = wording.message("serve_page_internal", self.lang, error=f"{type(error).__name__}: {error}")
        seconds = time.monotonic() - started
        with self.state.condition:
            self.state.generation += 1
            self.state.good = self.state.good or message is None
            self.state.message = message
            self.state.warnings = format_problems(warnings, fmt="text", lang=self.lang) if warnings else None
            broken_problems = [problem for form in broken for problem in form.problems]
            self.state.broken = format_problems(broken_problems, fmt="text", lang=self.lang) if broken else None
            self.state.broken_paths = broken_paths(broken)
            outcome = BuildOutcome(self.state.generation, message is None, seconds, problems, message, broken)
            self.state.condition.notify_all()
        logger.info(wording.message(
            "log_serve_build_ok" if outcome.ok else "log_serve_build_failed",
            generation=outcome.generation, seconds=f"{outcome.seconds:.2f}",
        ))
        if self.on_build is not None:
            self.on_build(outcome)
        return outcome

    # -- what a request gets --------------------------------------------------------------------------------------

    def page_extras(self, generation: int, message: str | None) -> tuple[str, str, str]:
        """What goes into a served HTML page: (in <head>, after <body>, before </body>)."""
        head = f'<link rel="stylesheet" href="{STYLE_PATH}">'
        warnings, broken = self.state.warnings, self.state.broken
        if message:
            banner = self.error_banner(message, last_good=True)
        else:
            banner = (self.broken_banner(broken) if broken else "") + (self.warning_banner(warnings) if warnings else "")
        script = f'<script src="{SCRIPT_PATH}" data-generation="{generation}"></script>'
        return head, banner, script

    def overview_page(self, generation: int, message: str | None) -> bytes:
        """The quarter overview of the project as it is on disk now (``render/overview.py``), in the site's layout."""
        from reportgen.content.project import load_project
        from reportgen.render.html import Templates
        from reportgen.render.overview import overview_of, state_words

        try:
            project = load_project(self.root, per_form=True)  # a form with errors is that form's problem
            overview = overview_of(project)
            renderer = Templates(layout.templates_dir(self.root), project.site)
            page = renderer.site_page(
                "status.html.j2", root="/", css_url="/assets/css/", canonical_url="/_status",
                page_title=wording.label("serve_status_page_title", "th"),
                description=wording.label("serve_status_page_description", "th"), og_type="website",
                overview=overview, words=lambda form: state_words(form, "th"),
            )
        except ContentError as error:
            return self.message_page(_texts(self.lang)["failed"], self.error_banner(
                format_problems(error.problems, fmt="text", lang=self.lang), last_good=False), generation)
        except ReportgenError as error:
            text = error.text(self.lang) if hasattr(error, "text") else str(error)
            return self.message_page(text, f"<h1>{html.escape(text)}</h1>", generation)
        return inject(page.encode("utf-8"), *self.page_extras(generation, message))

    def error_banner(self, message: str, *, last_good: bool) -> str:
        texts = _texts(self.lang)
        return (
            f'<section class="reportgen-preview-error" role="alert" lang="{self.lang}">'
            f'<h2>{html.escape(texts["failed"])}</h2>'
            f'<p>{html.escape(texts["last_good" if last_good else "no_good"])}</p>'
            f"<pre>{html.escape(message)}</pre></section>"
        )

    def broken_banner(self, problems: str) -> str:
        """The forms a build left out for their errors (the others were built), above every page."""
        return (
            f'<section class="reportgen-preview-error" role="alert" lang="{self.lang}">'
            f'<h2>{html.escape(wording.label("serve_broken_forms", self.lang))}</h2>'
            f"<pre>{html.escape(problems)}</pre></section>"
        )

    def broken_page(self, form: BrokenForm, generation: int) -> bytes:
        """A broken form's own page: its problems, where its page would be."""
        text = wording.message("serve_broken_page", self.lang, source=form.source)
        problems = format_problems(form.problems, fmt="text", lang=self.lang)
        body = (
            f'<section class="reportgen-preview-error" role="alert" lang="{self.lang}">'
            f"<h1>{html.escape(_texts(self.lang)['failed'])}</h1><p>{html.escape(text)}</p>"
            f"<pre>{html.escape(problems)}</pre></section>"
        )
        return self.message_page(str(form.source), body, generation)

    def warning_banner(self, warnings: str) -> str:
        """The warnings of a build that succeeded (what ``check`` warns about), above the page."""
        title, _ = wording.render("serve_warnings", {}, self.lang)
        return (
            f'<section class="reportgen-preview-warning" role="status" lang="{self.lang}">'
            f"<h2>{html.escape(title)}</h2><pre>{html.escape(warnings)}</pre></section>"
        )

    def host_refused_page(self, host: str | None) -> bytes:
        """The page for a request that names another host (DNS rebinding), or none."""
        text = wording.render("serve_host_refused", {"host": host or "?"}, self.lang)[0]
        return self.message_page(text, f"<h1>{html.escape(text)}</h1>", 0)

    def message_page(self, title: str, body: str, generation: int) -> bytes:
        """A whole page of the preview's own (building, error, not found), with the reload script."""
        head, _, script = self.page_extras(generation, None)
        return (
            f'<!DOCTYPE html>\n<html lang="{self.lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)} · reportgen serve</title>{head}</head>"
            f"<body>{body}{script}</body></html>\n"
        ).encode()


_BODY_OPEN = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)
_HEAD_CLOSE = re.compile(rb"</head\s*>", re.IGNORECASE)
_BODY_CLOSE = re.compile(rb"</body\s*>", re.IGNORECASE)


def inject(page: bytes, head: str, banner: str, script: str) -> bytes:
    """``page`` with ``head`` before ``</head>``, ``banner`` after ``<body…>`` and ``script`` before ``</body>``."""

    def insert(data: bytes, pattern: re.Pattern[bytes], text: str, *, after: bool) -> bytes:
        if not text:
            return data
        match = pattern.search(data)
        if match is None:
            return data + text.encode("utf-8") if not after else text.encode("utf-8") + data
        at = match.end() if after else match.start()
        return data[:at] + text.encode("utf-8") + data[at:]

    page = insert(page, _HEAD_CLOSE, head, after=False)
    page = insert(page, _BODY_OPEN, banner, after=True)
    return insert(page, _BODY_CLOSE, script, after=False)


def _application(preview: PreviewServer) -> ASGIApp:
    """The preview as an ASGI application: one route, every GET and HEAD, answered by ``_Reply`` (in Starlette's
    thread pool: building a page reads files and may load the project), each request logged at debug level."""

    def respond(request: Request) -> Response:
        return _Reply(preview, request).respond()

    return _logged(Starlette(routes=[Route("/{path:path}", respond, methods=["GET"])]))


def _logged(app: ASGIApp) -> ASGIApp:
    """``app`` logging each request as a web server's access log does (``"GET /2564/08.html HTTP/1.1" 200``), at
    debug level, when its answer starts (an event stream's too)."""

    async def logged(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await app(scope, receive, send)

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                target = scope.get("raw_path", b"").decode("latin-1")
                if scope.get("query_string"):
                    target += "?" + scope["query_string"].decode("latin-1")
                client = (scope.get("client") or ("-", 0))[0]
                method, version = scope["method"], scope["http_version"]
                logger.debug('%s "%s %s HTTP/%s" %s', client, method, target, version, message["status"])
            await send(message)

        await app(scope, receive, sending)

    return logged


class _Reply:
    """One request's answer. Header names are written as HTTP has them (``Content-Type``), as the old server did."""

    def __init__(self, preview: PreviewServer, request: Request):
        self.preview, self.request = preview, request

    def respond(self) -> Response:
        preview = self.preview
        # The path as sent, percent-encoded (Starlette's own is decoded once already): ``%2e%2e`` is judged below.
        path = self.request.scope.get("raw_path", b"").decode("latin-1").split("?", 1)[0].split("#", 1)[0]
        host = self.request.headers.get("host")
        if not host_allowed(host, preview.host):
            return self.send(HTTPStatus.FORBIDDEN, "text/html; charset=utf-8", preview.host_refused_page(host))
        if path == EVENTS_PATH:
            return self.events()
        if path == SCRIPT_PATH:
            return self.send(HTTPStatus.OK, "text/javascript; charset=utf-8", RELOAD_SCRIPT.encode())
        if path == STYLE_PATH:
            return self.send(HTTPStatus.OK, "text/css; charset=utf-8", PREVIEW_STYLE.encode())
        if path.startswith(FONTS_PATH):
            return self.font(path.removeprefix(FONTS_PATH))
        state = preview.state
        with state.condition:
            generation, good, message = state.generation, state.good, state.message
        if path == STATUS_PATH:
            status = {"generation": generation, "ok": message is None and good, "error": message}
            data = json.dumps(status, ensure_ascii=False).encode("utf-8")
            return self.send(HTTPStatus.OK, "application/json; charset=utf-8", data)
        texts = _texts(preview.lang)
        if path in (OVERVIEW_PATH, OVERVIEW_PATH + "/"):
            client = self.request.client.host if self.request.client else ""
            if not (preview.share_status or client_is_local(client)):
                text, hint = wording.render("serve_status_local_only", {}, preview.lang)
                heading = f"<h1>{html.escape(text)}</h1><p>{html.escape(hint or '')}</p>"
                page = preview.message_page(text, heading, generation)
                return self.send(HTTPStatus.FORBIDDEN, "text/html; charset=utf-8", page)
            return self.send(HTTPStatus.OK, "text/html; charset=utf-8", preview.overview_page(generation, message))
        if not good:
            if message is None:
                building = f"<p>{html.escape(texts['building'])}</p>"
                page = preview.message_page(texts["building"], building, generation)
            else:
                page = preview.message_page(texts["failed"], preview.error_banner(message, last_good=False), generation)
            return self.send(HTTPStatus.SERVICE_UNAVAILABLE, "text/html; charset=utf-8", page)
        with state.condition:
            broken_form = state.broken_paths.get(unquote(path)) if message is None else None
        if broken_form is not None:
            return self.send(HTTPStatus.OK, "text/html; charset=utf-8", preview.broken_page(broken_form, generation))
        return self.file(path, generation, message)

    def file(self, path: str, generation: int, message: str | None) -> Response:
        preview = self.preview
        texts = _texts(preview.lang)
        decoded = unquote(path)
        if ".." in decoded.split("/") or "\\" in decoded or "\x00" in decoded:
            page = preview.message_page(texts["refused"], f"<h1>{html.escape(texts['refused'])}</h1>", generation)
            return self.send(HTTPStatus.FORBIDDEN, "text/html; charset=utf-8", page)
        root = preview.html_dir.resolve()
        target = root.joinpath(*(part for part in decoded.split("/") if part not in ("", ".")))
        try:
            target = target.resolve()
            is_folder = target.is_dir()
            is_file = target.is_file()
        except OSError:  # a name too long for the filesystem (ENAMETOOLONG), and the like: no such page
            is_folder = is_file = False
        if is_folder and target.is_relative_to(root):
            if not path.endswith("/"):  # relative links inside the folder's index need the slash
                return _with_headers(Response(status_code=HTTPStatus.MOVED_PERMANENTLY), [
                    (b"Location", (path + "/").encode("latin-1")), (b"Content-Length", b"0"),
                ])  # fmt: skip
            target = target / "index.html"
            is_file = target.is_file()
        if not target.is_relative_to(root) or not is_file:
            home = f'<p><a href="/">{html.escape(texts["home"])}</a></p>'
            heading = f"<h1>{html.escape(texts['not_found'])}</h1>"
            page = preview.message_page(texts["not_found"], heading + home, generation)
            return self.send(HTTPStatus.NOT_FOUND, "text/html; charset=utf-8", page)
        try:
            data = target.read_bytes()
        except OSError:  # replaced by a build between the check and the read
            return self.send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not found\n")
        content_type = _content_type(target)
        if content_type.startswith("text/html"):
            data = inject(data, *preview.page_extras(generation, message))
        return self.send(HTTPStatus.OK, content_type, data)

    def font(self, name: str) -> Response:
        font = layout.fonts_dir(self.preview.root) / name
        if not _FONT_NAME.fullmatch(name) or not font.is_file():
            return self.send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not found\n")
        return self.send(HTTPStatus.OK, "font/woff2", font.read_bytes())

    def send(self, status: HTTPStatus, content_type: str, data: bytes) -> Response:
        response = Response(status_code=status)
        response.body = b"" if self.request.method == "HEAD" else data
        return _with_headers(response, [
            (b"Content-Type", content_type.encode("latin-1")), (b"Content-Length", str(len(data)).encode()),
            *_COMMON_HEADERS,
        ])  # fmt: skip

    def events(self) -> Response:
        """Server-Sent Events: the current generation now, then each new one; a comment now and then otherwise."""
        state = self.preview.state
        headers = [(b"Content-Type", b"text/event-stream; charset=utf-8"), (b"Cache-Control", b"no-store")]
        if self.request.method == "HEAD":
            return _with_headers(Response(status_code=HTTPStatus.OK), headers)

        def stream() -> Iterator[bytes]:
            yield b"retry: 1000\n\n"  # reconnect quickly after a restart of the server
            sent = None
            while True:
                with state.condition:
                    if state.generation == sent and not state.stopping:
                        state.condition.wait(KEEPALIVE)
                    if state.stopping:
                        return
                    generation = state.generation
                if generation != sent:
                    yield f"event: generation\ndata: {generation}\n\n".encode()
                    sent = generation
                else:
                    yield b": keep-alive\n\n"

        return _with_headers(StreamingResponse(stream()), headers)


_COMMON_HEADERS = [(b"Cache-Control", b"no-store"), (b"X-Content-Type-Options", b"nosniff")]


def _with_headers(response: Response, headers: list[tuple[bytes, bytes]]) -> Response:
    """``response`` sending exactly ``headers``, their names as written."""
    response.raw_headers = list(headers)
    return response


class _PreviewProtocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, closing a connection that stays silent for ``idle_timeout`` seconds before or
    inside a request (uvicorn only times out between requests), and answering a request without a ``Host`` header
    with the preview's refusal page (h11 would refuse it with a bare 400 before the application sees it)."""

    preview: PreviewServer

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.timeout_keep_alive = self.preview.idle_timeout  # type: ignore[assignment]  # seconds, as a float
        self._idle: asyncio.TimerHandle | None = None
        self._head = b""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        waiting = self.cycle is None or self.cycle.response_complete
        self._head = (self._head + data)[-65536:] if waiting else b""
        super().data_received(data)
        if (self.cycle is None or self.cycle.response_complete) and not self.transport.is_closing():
            self._arm()  # still no whole request: the clock keeps running
        else:
            self._disarm()
            self._head = b""

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def send_400_response(self, msg: str) -> None:
        head = self._head.split(b"\r\n\r\n", 1)[0].lower()
        if b"\nhost:" in head:
            return super().send_400_response(msg)
        page = self.preview.host_refused_page(None)
        headers = [(b"Content-Type", b"text/html; charset=utf-8"), (b"Connection", b"close"), *_COMMON_HEADERS]
        self.transport.write(self.conn.send(h11.Response(status_code=403, headers=headers, reason=b"Forbidden")))
        self.transport.write(self.conn.send(h11.Data(data=page)))
        self.transport.write(self.conn.send(h11.EndOfMessage()))
        self.transport.close()

    def _arm(self) -> None:
        if self._idle is None:
            self._idle = self.loop.call_later(self.preview.idle_timeout, self._hang_up)

    def _disarm(self) -> None:
        if self._idle is not None:
            self._idle.cancel()
            self._idle = None

    def _hang_up(self) -> None:
        self._idle = None
        if not self.transport.is_closing():
            self.transport.close()


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket on ``host``:``port`` (``port=0``: a free one), or the usage error saying why not."""
    try:
        family, kind, protocol, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        listener = socket.socket(family, kind, protocol)
    except OSError as error:
        raise UsageError("usage_cannot_listen", host=host, port=port, reason=error.strerror or error) from None
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
        listener.listen(128)
    except OSError as error:
        listener.close()
        if error.errno == errno.EADDRINUSE:
            raise UsageError("usage_port_in_use", port=port) from None
        raise UsageError("usage_cannot_listen", host=host, port=port, reason=error.strerror or error) from None
    return listener


def _wait_started(server: uvicorn.Server, serving: threading.Event) -> None:
    """Set ``serving`` once uvicorn serves (or gave up): start() returns only then."""
    deadline = time.monotonic() + 30
    while not server.started and not server.should_exit and time.monotonic() < deadline:
        time.sleep(0.01)
    serving.set()


_CONTENT_TYPES = {".woff2": "font/woff2", ".js": "text/javascript", ".json": "application/json", ".csv": "text/csv"}


def _content_type(path: Path) -> str:
    suffix = path.suffix.lower()
    guessed = _CONTENT_TYPES.get(suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    textual = guessed.startswith("text/") or guessed in ("application/json", "image/svg+xml", "application/xml")
    return f"{guessed}; charset=utf-8" if textual else guessed
