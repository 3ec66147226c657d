"""``reportgen serve``: the project → a live preview (``preview/``) until Ctrl-C or SIGTERM.

The command installs the signal handlers and runs a ``PreviewServer`` (``preview/server.py``), which builds
through the pipeline, serves the result and rebuilds when the watcher (``preview/watcher.py``) reports an edit.
``run`` says, as it happens, where the preview is (and, on a network, that drafts are exposed), and what each
build found: the CLI shows each line as it is handed over (``show``).
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from reportgen import wording
from reportgen.commands import Line, Problems, Shown
from reportgen.preview.server import BuildOutcome, PreviewServer, is_loopback

logger = logging.getLogger(__name__)


def serve(
    root: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    lang: str = "th",
    on_ready: Callable[[str], None] | None = None,
    on_build: Callable[[BuildOutcome], None] | None = None,
    share_status: bool = False,
) -> None:
    """Preview ``root`` until SIGINT (Ctrl-C) or SIGTERM; then stop cleanly and remove the temporary folder.

    A second signal while a build is finishing stops at once.
    """
    stop = threading.Event()
    previous: dict[signal.Signals, Callable[[int, FrameType | None], object] | int | None] = {}

    def on_signal(number: int, frame: FrameType | None) -> None:
        if stop.is_set():
            raise KeyboardInterrupt  # asked twice: do not wait for the build under way
        logger.info(wording.message("log_serve_stopping", signal=number))
        stop.set()

    in_main_thread = threading.current_thread() is threading.main_thread()
    if in_main_thread:
        for number in (signal.SIGINT, signal.SIGTERM):
            previous[number] = signal.signal(number, on_signal)
    server = PreviewServer(root, host=host, port=port, lang=lang, on_build=on_build, share_status=share_status)
    try:
        server.start(on_ready)
        while not stop.wait(0.5):
            pass
        server.stop()
    except KeyboardInterrupt:
        server.stop(wait_for_build=False)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def run(
    root: Path, *, host: str = "127.0.0.1", port: int = 8000, share_status: bool = False, lang: str = "th",
    show: Callable[[Shown], None],
) -> None:
    """``reportgen serve``: preview ``root``, handing ``show`` what the reader is told as it happens."""

    def ready(url: str) -> None:
        show(Line(url, flush=True))
        if not is_loopback(host):  # drafts on a network: say so every time, in the user's language
            warning, hint = wording.render("serve_exposed", {"host": host}, lang)
            show(Line(f"reportgen serve: {warning} — {hint}", to_stderr=True, flush=True))
            status = "serve_status_shared" if share_status else "serve_status_kept_local"
            show(Line(f"reportgen serve: {wording.label(status, lang)}", to_stderr=True, flush=True))
        show(Line(f"reportgen serve: {wording.label('serve_how_to_stop', lang)}", to_stderr=True, flush=True))

    def built(outcome: BuildOutcome) -> None:
        if outcome.problems:
            show(Problems(tuple(outcome.problems)))
        elif not outcome.ok:
            show(Line(f"reportgen: {outcome.message}", to_stderr=True))
        if outcome.ok:
            done = wording.message("serve_built_in", lang, seconds=f"{outcome.seconds:.1f}")
            show(Line(f"reportgen serve: {done}", to_stderr=True, flush=True))

    serve(root, host=host, port=port, lang=lang, on_ready=ready, on_build=built, share_status=share_status)
