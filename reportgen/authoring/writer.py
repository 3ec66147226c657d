"""Bytes of a content file → the file under ``content/``, whole or not at all: the one writer of content files.

The commands that write content (``new``, ``import``, ``signoff``; later ``fmt`` and the desk) hand their bytes to
``write_content_file``. A content file is someone's work, so it is written as ``files.py`` writes every file
(a fresh temporary beside the target, renamed into place) and made durable (the file and its folder are fsynced);
it is never written outside ``content/`` (``..``, an absolute path, a symbolic link), and a new file never
replaces one that appeared meanwhile.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
from pathlib import Path, PurePosixPath

from reportgen.errors import OutputError, os_reason
from reportgen.files import fsync_folder, pid_alive, temporary_name, write_new_file
from reportgen.layout import content_dir

log = logging.getLogger(__name__)


#: The temporary files ``write_content_file`` puts beside the file it replaces: ``.reportgen-tmp-<pid>-<random>``.
#: A command killed with ``kill -9`` leaves its one behind: the project's ``.gitignore`` ignores the pattern (so
#: ``git add`` never commits it), and the next write into that folder deletes those of processes that are gone.
CONTENT_TEMP_PREFIX = ".reportgen-tmp-"
_CONTENT_TEMP = re.compile(re.escape(CONTENT_TEMP_PREFIX) + r"(\d+)-[0-9a-f]+")


def remove_stale_temporaries(folder: Path) -> None:
    """Delete the temporary files of ``write_content_file`` in ``folder`` whose process has ended."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        match = _CONTENT_TEMP.fullmatch(name)
        if match and not pid_alive(int(match.group(1))):
            with contextlib.suppress(OSError):
                os.unlink(folder / name)
                log.debug("removed %s, left by a process that was killed", folder / name)


def write_content_file(project_root: Path, relative: str | PurePosixPath, data: bytes, *, replace: bool) -> Path:
    """Write one file under ``content/`` atomically, for the commands that edit sources (``new``, ``signoff``).

    The bytes go to a temporary file beside the target, are fsynced, then take the target's name in one step, so
    an editor's file is either the old one or the new one, never half-written. ``replace=False`` refuses to
    overwrite an existing file, atomically (the final step is a hard link, which fails if the name exists).
    Anything that would land outside ``content/`` (``..``, absolute paths, symbolic links) is refused.
    """
    content = content_dir(project_root).resolve()
    relative = PurePosixPath(relative)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise OutputError("content_write_outside", path=repr(str(relative)))
    target = content.joinpath(*relative.parts)
    if target.is_symlink() or not target.parent.resolve().is_relative_to(content):
        raise OutputError("content_write_resolves_outside", path=target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(target.parent)
        tmp = temporary_name(target, f"{CONTENT_TEMP_PREFIX}{os.getpid()}-")
        write_new_file(tmp, data, mode=0o644, durable=True)
        try:
            if replace:
                with contextlib.suppress(FileNotFoundError):
                    shutil.copymode(target, tmp)  # keep the editor's permissions
                os.replace(tmp, target)
            else:
                try:
                    os.link(tmp, target)
                except FileExistsError:
                    raise OutputError("usage_file_exists", path=target) from None
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        fsync_folder(target.parent)
    except OSError as exc:
        raise OutputError("content_cannot_write", path=target, reason=os_reason(exc)) from exc
    log.debug("wrote %s", target)
    return target
