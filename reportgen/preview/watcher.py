"""The project's watched folders → one call per settled burst of edits: the preview's watcher, on watchfiles.

watchfiles (the Rust ``notify`` crate: inotify on Linux, FSEvents on macOS) is told of each change by the operating
system instead of looking at every file a few times a second, and groups the changes of one save: an editor's save
is often several writes (a temporary, a rename, the file itself), and a formatter may save again right after. The
changes are handed over once no new one has come for ``quiet_period`` seconds (watchfiles' ``step``), and at the
latest after ``MAX_GROUPING`` seconds of continuous changes, so one burst of saves makes one rebuild.

Editors' own files never trigger a rebuild (``is_editor_file``): Vim's swap files (``.name.swp``, ``.swo``, …,
``.swx``) and the probe file ``4913`` it writes to test that a folder is writable, backups ending in ``~``, Emacs'
lock and autosave files (``.#name``, ``#name#``), and every hidden file or folder (``.DS_Store``, ``.git``).
A folder that does not exist when the watcher starts is not watched (the preview's build reports it missing).
``poll_interval`` makes watchfiles poll instead, for filesystems that send no notifications (network shares, some
container mounts).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

import watchfiles

logger = logging.getLogger(__name__)

#: The longest a continuous stream of changes is grouped before a rebuild starts anyway (seconds).
MAX_GROUPING = 1.6

#: Vim's probe: it creates and deletes a file of this name to see whether it may write into the folder.
VIM_PROBE = "4913"


def is_editor_file(name: str) -> bool:
    """Whether a file of this name is an editor's temporary, swap, lock or backup file, or hidden."""
    return (
        name.startswith((".", "#"))  # hidden, Vim's .name.swp, Emacs' .#name lock and #name# autosave
        or name.endswith("~")  # backups
        or name == VIM_PROBE
        or (len(name) > 4 and name[-4:-1] == ".sw" and name[-1].isalpha())  # swap files not hidden (vim -n, :set dir)
    )


class EditorFilter(watchfiles.DefaultFilter):
    """watchfiles' default filter (VCS folders, ``__pycache__``, …), and every editor file and hidden folder."""

    def __init__(self, root: Path):
        super().__init__()
        self.root = Path(root)

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        relative = Path(path)
        if relative.is_relative_to(self.root):
            relative = relative.relative_to(self.root)
        if any(is_editor_file(part) for part in relative.parts):
            return False
        return super().__call__(change, path)


class Watcher:
    """Watches ``folders`` under ``root`` until ``stop`` is set; ``run`` calls ``on_change`` with the changed paths
    of each settled burst. ``run`` blocks: start it in a thread."""

    def __init__(
        self,
        root: Path,
        folders: Iterable[str],
        *,
        stop: threading.Event,
        quiet_period: float = 0.2,
        poll_interval: float | None = None,
    ):
        self.root = Path(root)
        self.folders = tuple(folders)
        self.stop = stop
        self.quiet_period = quiet_period
        self.poll_interval = poll_interval
        self.ready = threading.Event()  # set once the operating system watches the folders

    def run(self, on_change: Callable[[list[str]], None]) -> None:
        paths = [self.root / folder for folder in self.folders if (self.root / folder).is_dir()]
        if not paths:
            # nothing to watch: the preview's build says which folders are missing
            self.ready.set()
            return
        step = max(1, round(self.quiet_period * 1000))
        changes = watchfiles.watch(
            *paths,
            watch_filter=EditorFilter(self.root),
            debounce=max(step, round(MAX_GROUPING * 1000)),
            step=step,
            stop_event=self.stop,
            rust_timeout=max(step, 500),
            yield_on_timeout=True,  # a first (empty) answer once watching has begun: ``ready``
            raise_interrupt=False,
            force_polling=self.poll_interval is not None,
            poll_delay_ms=round((self.poll_interval or 0.3) * 1000),
        )
        for batch in changes:
            self.ready.set()
            if batch:
                changed = sorted(path for _, path in batch)
                on_change(changed)
        self.ready.set()
