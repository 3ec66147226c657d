"""``reportgen serve``: the project → a live preview (``preview/``) until Ctrl-C or SIGTERM.

The command only installs the signal handlers and runs a ``PreviewServer`` (``preview/server.py``), which builds
through the pipeline, serves the result and rebuilds when the watcher (``preview/watcher.py``) reports an edit.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from pathlib import Path

from reportgen import wording
from reportgen.preview.server import BuildOutcome, PreviewServer

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
    previous: dict[int, object] = {}

    def on_signal(number: int, frame) -> None:
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
