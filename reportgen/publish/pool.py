"""Entries → their PDFs: the slow step of a build, in this process or spread over worker processes.

``render_form`` turns one entry into PDF bytes: ``render/form_pdf.py``'s ``FormPrinter`` makes the PDF, written as
release policy says (``release.form_pdf_options``). A ``FormPrinter`` is built once per process and reused for every
form. ``BuildOptions`` carries everything besides the content that changes a form's bytes.

``render_pdfs`` renders a list of entries with ``jobs`` processes. With ``jobs=1`` (or a single form) it renders
here, with no pool. Otherwise it starts a pool from the ``forkserver`` context: a clean server process imports
WeasyPrint once and forks each worker from it, so workers start in milliseconds without inheriting this
process's threads, locks or open files (plain ``fork`` would; ``spawn`` would import WeasyPrint again in every
worker, about 0.7 s each). Each worker builds one ``FormPrinter`` in its initializer. Forms are sent in small
chunks, so the pool stays busy and progress moves; the result is a dict keyed by slug, so neither the order of
completion nor the number of workers changes anything (each PDF depends only on its entry: WeasyPrint's output is
deterministic and the text layer keeps no state from one document to the next).

A form that cannot be rendered stops the build: the chunks not started are cancelled, the pool is shut down, and
one ``RenderError`` names every form that failed. Workers ignore Ctrl-C; the main process receives it, cancels
the pool (the running chunks finish) and lets the exception through, so the writer never commits. A build killed
outright (``kill -9``) can clean nothing up, so the kernel does it: the fork server dies with the build and each
worker with the fork server (``die_with_parent``), and multiprocessing's resource tracker then exits by itself.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import multiprocessing
import os
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from reportgen import wording
from reportgen.errors import RenderError
from reportgen.model import Entry, SiteSettings
from reportgen.publish.options import BuildOptions
from reportgen.render.form_pdf import FormPrinter
from reportgen.render.weasyprint_adapter import require_tested_weasyprint
from reportgen.wording import Localized

logger = logging.getLogger(__name__)

#: At most this many forms per task sent to a worker: small enough to balance the load and report progress
#: often, large enough that the cost of a task (pickling the entries, a round trip) stays negligible.
MAX_CHUNK = 8

#: Modules the fork server imports once, so that every worker forked from it starts with WeasyPrint loaded.
_FORKSERVER_PRELOAD = [
    "reportgen.publish.pool", "reportgen.render.form_pdf", "reportgen.render.pdf", "reportgen.publish.release"
]

#: The fork server is started once per process (``start_fork_server``) and serves every later build; None: not yet
#: tried, False: it could not be started (forms are then rendered in the build's own process).
_fork_server_started: bool | None = None

#: The longest path a Unix socket may have (``sun_path`` holds 108 bytes with the final NUL).
MAX_SOCKET_PATH = 107
#: What multiprocessing puts under the temporary folder for the fork server's socket: a folder of its own, and the
#: socket in it (``/pymp-XXXXXXXX/listener-XXXXXXXX``).
_SOCKET_UNDER_TEMP = len("/pymp-12345678/listener-12345678")
#: Short folders the socket may live in when the temporary folder's path is too long for it.
SHORT_TEMP_FOLDERS = ("/tmp", "/var/tmp", "/dev/shm")

#: Set, for the fork server only, to the pid of the build that starts it: the server then dies with that process.
_PARENT_VARIABLE = "REPORTGEN_FORK_SERVER_PARENT"
_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Have the kernel kill this process (SIGKILL) as soon as ``parent`` dies, however it dies (``kill -9`` too);
    exit now if it already has. Linux only (``prctl(PR_SET_PDEATHSIG)``); elsewhere nothing is done.

    A build killed with ``kill -9`` runs no cleanup: without this its fork server, its workers (forked from the
    server, waiting for work on a queue that never ends) and multiprocessing's resource tracker (waiting for all of
    them) would run on. With it the fork server dies with the build, each worker with the fork server, and the
    tracker exits once nobody holds its pipe."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _gone(pid: int) -> bool:
    """Whether process ``pid`` has ended (a zombie, dead but not yet reaped by its parent, has ended)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # someone else's: it exists
        return False
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[-1].split()[0] == b"Z"
    except (OSError, IndexError):
        return False


def tie_fork_server_to_build() -> None:
    """In the fork server (which inherits ``_PARENT_VARIABLE``), tie its life to the build that started it; end it
    now if that build has ended already. Run when the server imports this module, as a preload module.

    The server is tied only once it has imported WeasyPrint (about 0.7 s). A build killed in that time has already
    sent the server its request for workers, with the pipe whose end tells the server its build is gone: the server
    then forked a worker that held that pipe open, and the worker waited for the server, both for ever (seen after a
    test killed a build as it started). So a server whose build has ended does not serve it."""
    parent = os.environ.pop(_PARENT_VARIABLE, None)
    if parent is None or not parent.isdigit():
        return
    if os.getppid() != int(parent) and not _gone(int(parent)):
        return  # a process that inherited the variable from a running build, not that build's fork server
    die_with_parent(int(parent))  # exits at once if the build is no longer the parent


tie_fork_server_to_build()


class FormsFailed(RenderError):
    """One or more forms could not be rendered; ``failed`` holds their slugs, the message names their files."""

    def __init__(self, code: str, failed: Sequence[str], **params: object):
        super().__init__(code, **params)
        self.failed = tuple(failed)

    def __reduce__(self) -> tuple[object, ...]:
        return _restore_forms_failed, (self.code, self.failed, self.params)


def _restore_forms_failed(code: str, failed: Sequence[str], params: dict[str, object]) -> FormsFailed:
    return FormsFailed(code, failed, **params)


def render_form(printer: FormPrinter, project_root: Path, options: BuildOptions, entry: Entry) -> bytes:
    """``entry``'s PDF as this build writes it: release policy (``release.form_pdf_options``) says how, the
    ``FormPrinter`` (``render/form_pdf.py``) makes it."""
    from reportgen.publish.release import form_pdf_options

    # Release: archival PDF/A-3b with its sources attached; draft: plain. Dates and /ID come from the content.
    return printer.form(entry, form_pdf_options(project_root, entry, release=options.release))


def start_fork_server() -> bool:
    """Start the fork server the rendering workers are forked from, without waiting for it; False if it cannot be
    started (then forms are rendered in this process: slower, never wrong), with a warning saying why.

    It imports WeasyPrint (about 0.7 s) on another core while the build loads the content and looks its forms up
    in the caches, so that workers start at once when some forms need rendering; when none do, it is never used
    and exits with the build. ``render_pdfs`` starts it if this was not called.

    The server listens on a Unix socket under the temporary folder, whose path may be at most 107 bytes: with
    ``TMPDIR`` deep inside a folder (a CI job's workspace) it would not fit, so the socket then lives in a short
    folder (``SHORT_TEMP_FOLDERS``).
    """
    global _fork_server_started
    from multiprocessing import forkserver

    if _fork_server_started is not None:
        return _fork_server_started
    multiprocessing.get_context("forkserver").set_forkserver_preload(_FORKSERVER_PRELOAD)
    # The kernel ties a child's life to the *thread* that started it: only the main thread lives as long as the
    # process. From another thread (serve's watcher) the server is started without the tie.
    tie = threading.current_thread() is threading.main_thread()
    if tie:
        os.environ[_PARENT_VARIABLE] = str(os.getpid())
    try:
        with _main_module_hidden(), _interrupts_ignored(), _socket_folder_that_fits():
            forkserver.ensure_running()
        _fork_server_started = True
    except OSError as error:  # a socket path still too long, no room, a refused fork: render here instead
        logger.warning(wording.message("pool_unavailable", reason=error.strerror or error))
        _fork_server_started = False
    finally:
        if tie:
            os.environ.pop(_PARENT_VARIABLE, None)
    return _fork_server_started


def _socket_fits(folder: str, under: int = _SOCKET_UNDER_TEMP) -> bool:
    return len(os.fsencode(folder)) + under <= MAX_SOCKET_PATH


@contextlib.contextmanager
def _socket_folder_that_fits() -> Iterator[None]:
    """While the fork server starts, a temporary folder short enough for its socket, if the usual one is not.

    multiprocessing makes its folder (``pymp-…``) under ``tempfile.gettempdir()`` once per process and keeps it; so
    when it has none yet and ``TMPDIR``'s path is too long, ``tempfile``'s folder is a short one for that moment.
    A folder it made already cannot be moved: an ``OSError`` then says so, and the caller renders in process."""
    current = getattr(multiprocessing.current_process(), "_config", {}).get("tempdir")
    if current is not None:
        if not _socket_fits(current, len("/listener-12345678")):
            raise OSError(errno.ENAMETOOLONG, os.strerror(errno.ENAMETOOLONG), current)
        yield
        return
    if _socket_fits(tempfile.gettempdir()):
        yield
        return
    short = next(
        (folder for folder in SHORT_TEMP_FOLDERS
         if _socket_fits(folder) and os.path.isdir(folder) and os.access(folder, os.W_OK | os.X_OK)),
        None,
    )  # fmt: skip
    if short is None:
        raise OSError(errno.ENAMETOOLONG, os.strerror(errno.ENAMETOOLONG), tempfile.gettempdir())
    logger.debug("the temporary folder's path is too long for a socket; the fork server's goes in %s", short)
    previous = tempfile.tempdir
    tempfile.tempdir = short
    try:
        yield
    finally:
        tempfile.tempdir = previous


@contextlib.contextmanager
def _interrupts_ignored() -> Iterator[None]:
    """Ignore Ctrl-C while a process is started, so that it is ignored there too (an ignored signal stays ignored
    across exec, and Python then installs no KeyboardInterrupt handler).

    Ctrl-C reaches every process of the terminal's group; the fork server, busy importing WeasyPrint, would die of
    it with a traceback of its own. The build alone decides what an interrupt means and stops its workers itself.
    The window is one fork and exec, a few milliseconds at the start of a build.
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may change signal handlers
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """Hold a Ctrl-C back until the block is done, then raise it (KeyboardInterrupt) as it would have been."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, frame: received.append(number))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received:
        raise KeyboardInterrupt


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


#: Called in the main process with each entry and its PDF as soon as it is rendered (to cache it, show progress).
OnRendered = Callable[[Entry, bytes], None]


def render_pdfs(
    project_root: Path,
    site: SiteSettings,
    entries: Sequence[Entry],
    options: BuildOptions = BuildOptions(),
    *,
    jobs: int = 1,
    on_rendered: OnRendered | None = None,
) -> dict[str, bytes]:
    """The PDF of each entry, by slug, rendered with ``jobs`` processes (1: here, without a pool).

    Raises ``FormsFailed`` (a ``RenderError``) naming every form that failed; after the first failure no new form
    is started.
    """
    entries = list(entries)
    if not entries:
        return {}
    require_tested_weasyprint()  # here, not in a worker: a refused version says why, not that a worker died
    jobs = max(1, min(jobs, len(entries)))
    if jobs == 1 or not start_fork_server():
        outcomes = _render_here(project_root, site, options, entries)
    else:
        outcomes = _render_in_pool(project_root, site, options, entries, jobs)
    pdfs: dict[str, bytes] = {}
    failures: list[tuple[str, Localized]] = []
    by_slug = {entry.slug: entry for entry in entries}
    with contextlib.closing(outcomes):  # an exception here still shuts the pool down
        for slug, pdf, failure in outcomes:
            if failure is not None:
                failures.append((slug, failure))
                continue
            pdfs[slug] = pdf
            if on_rendered is not None:
                on_rendered(by_slug[slug], pdf)
    if failures:
        messages = [message for _, message in failures]
        failed = [slug for slug, _ in failures]
        if len(messages) == 1:
            raise FormsFailed("render_failed_one", failed, message=messages[0])
        listed = Localized(*("\n".join(f"  {message.get(lang)}" for message in messages) for lang in ("th", "en")))
        raise FormsFailed("render_failed_many", failed, count=len(messages), total=len(entries), forms=listed)
    return pdfs


# An outcome is (slug, pdf bytes, None) or (slug, b"", the RenderError's message in both languages).
Outcome = tuple[str, bytes, Localized | None]


def _render_one(forms: _Forms, entry: Entry) -> Outcome:
    try:
        return entry.slug, render_form(*forms, entry), None
    except RenderError as error:
        return entry.slug, b"", Localized(error.text("th"), error.text("en"))


def _render_here(
    project_root: Path, site: SiteSettings, options: BuildOptions, entries: list[Entry]
) -> Generator[Outcome]:
    forms = _forms(project_root, site, options)
    for entry in entries:
        outcome = _render_one(forms, entry)
        yield outcome
        if outcome[2] is not None:
            return


def _chunks(entries: list[Entry], jobs: int) -> list[list[Entry]]:
    # About four chunks per worker keeps the workers busy to the end even when forms differ in length.
    size = max(1, min(MAX_CHUNK, len(entries) // (jobs * 4)))
    return [entries[start : start + size] for start in range(0, len(entries), size)]


def _render_in_pool(
    project_root: Path, site: SiteSettings, options: BuildOptions, entries: list[Entry], jobs: int
) -> Generator[Outcome]:
    start_fork_server()
    context = multiprocessing.get_context("forkserver")
    log_levels = (logging.getLogger().level, logging.getLogger("weasyprint").level)
    executor = ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=context,
        initializer=_start_worker,
        initargs=(project_root, site, options, log_levels, dict(os.environ), wording.language()),
    )
    logger.debug("rendering %d forms with %d worker processes", len(entries), jobs)
    try:
        # Workers start during the first submissions. A Ctrl-C meanwhile is acted on once they have all been
        # started, so that the pool stops them: raised halfway, it would leave a worker starting after the build.
        with _main_module_hidden(), _interrupts_deferred():
            pending: set[Future[list[Outcome]]] = {executor.submit(_render_chunk, chunk) for chunk in _chunks(entries, jobs)}
        failed = False
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                if future.cancelled():
                    continue
                try:
                    outcomes = future.result()
                except BrokenProcessPool:
                    raise RenderError("render_worker_died") from None
                for outcome in outcomes:
                    failed = failed or outcome[2] is not None
                    yield outcome
            if failed:  # let the running chunks finish, start no new one
                for future in pending:
                    future.cancel()
    finally:
        # Runs on success, on a failure and on Ctrl-C or any exception in the caller: no chunk is started any
        # more, the workers finish the chunk they are on (at most MAX_CHUNK forms, a couple of seconds) and exit.
        executor.shutdown(wait=True, cancel_futures=True)


@contextlib.contextmanager
def _main_module_hidden() -> Iterator[None]:
    """Start workers without making them import the caller's main module.

    multiprocessing re-imports ``__main__`` in every worker it does not fork from the caller (to unpickle
    functions defined there), which runs a script calling ``build()`` without an ``if __name__ == "__main__":``
    guard once more in each worker and breaks the pool. Workers run only reportgen's code, so the main module is
    hidden from multiprocessing while they start.
    """
    main = sys.modules.get("__main__")
    if main is None:
        yield
        return
    hidden = {name: main.__dict__.pop(name) for name in ("__file__",) if name in main.__dict__}
    spec = getattr(main, "__spec__", None)
    main.__spec__ = None
    try:
        yield
    finally:
        main.__spec__ = spec
        main.__dict__.update(hidden)


# --- In the worker processes -------------------------------------------------------------------------------------

#: What a process renders with: its one ``FormPrinter`` (made once, reused for every form), the project, the options.
_Forms = tuple[FormPrinter, Path, BuildOptions]


def _forms(project_root: Path, site: SiteSettings, options: BuildOptions) -> _Forms:
    return FormPrinter(project_root, site), project_root, options


_worker_forms: _Forms | None = None


def _start_worker(
    project_root: Path, site: SiteSettings, options: BuildOptions, log_levels: tuple[int, int], environ: dict[str, str],
    language: str = wording.DEFAULT_LANG,
) -> None:
    """Pool initializer: one ``FormPrinter`` for the worker's life, the parent's logging levels, environment and
    language (a worker's warnings read like the parent's)."""
    global _worker_forms
    wording.set_language(language)
    die_with_parent(os.getppid())  # the fork server, which dies with the build
    # The fork server keeps the environment of the moment it started; a form may depend on today's (a draft is
    # dated by SOURCE_DATE_EPOCH), so the worker takes its parent's.
    os.environ.clear()
    os.environ.update(environ)
    # Ctrl-C reaches the whole process group: the parent decides, and stops the pool itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    root_level, weasyprint_level = log_levels
    logging.basicConfig(level=root_level, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("weasyprint").setLevel(weasyprint_level)
    _worker_forms = _forms(project_root, site, options)


def _render_chunk(entries: list[Entry]) -> list[Outcome]:
    assert _worker_forms is not None, "the worker was not initialised"
    return [_render_one(_worker_forms, entry) for entry in entries]
