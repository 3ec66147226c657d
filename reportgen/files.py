"""Bytes → a file that readers see whole or not at all; a temporary's pid → whether its writer still runs.

The one file-replacement helper of reportgen: the caches (``publish/cache.py``, ``doccache.py``), the output writer
(``publish/writer.py``) and the content writer (``authoring/writer.py``) all write a file under a fresh temporary name in the
target's folder (created exclusively, never through a symbolic link) and rename it into place, so that a reader
sees the old file or the new one, never half of one. ``durable`` adds an ``fsync`` of the file (content files,
which are someone's work; the output is flushed whole by the writer's commit, and the caches check what they read).
Temporaries carry the writer's pid, so that whoever finds one later can tell, with ``pid_alive``, whether it was
left by a process that was killed. This module imports nothing of reportgen: every layer may use it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

Fill = Callable[[BinaryIO], object]


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie does not: killed, it will never finish what it was writing)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: it exists, under another user
        return True
    try:  # a killed but not yet reaped process is a zombie: it will never finish its build
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read()
        return data[data.rindex(b")") + 2 : data.rindex(b")") + 3] != b"Z"
    except (OSError, ValueError):
        return True


def temporary_name(target: Path, prefix: str | None = None) -> Path:
    """A fresh name beside ``target``: ``<prefix><random>``, by default ``.tmp-<pid>-<random>`` (which the caches
    recognise and clean up)."""
    if prefix is None:
        prefix = f".tmp-{os.getpid()}-"
    return Path(target).with_name(f"{prefix}{secrets.token_hex(6)}")


def write_new_file(path: Path, data: bytes | bytearray | memoryview | Fill, *, mode: int = 0o666,
                   durable: bool = False) -> None:
    """Create ``path`` (it must not exist; never through a symbolic link) holding ``data`` (bytes, or a function
    that writes into the open file). A failed write removes the file. Raises OSError."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, mode)
    try:
        with os.fdopen(fd, "wb") as file:
            if callable(data):
                data(file)
            else:
                file.write(data)
            if durable:
                file.flush()
                os.fsync(file.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise


def replace_file(target: Path, data: bytes | bytearray | memoryview | Fill, *, temporary: Path | None = None,
                 mode: int = 0o666, durable: bool = False) -> None:
    """Put ``data`` at ``target``: written under ``temporary`` (default ``temporary_name(target)``), then renamed
    into place in one step. Raises OSError; the temporary never outlives a failure."""
    temporary = temporary if temporary is not None else temporary_name(target)
    write_new_file(temporary, data, mode=mode, durable=durable)
    try:
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def fsync_folder(path: Path | str) -> None:
    """Make a folder's entries (a file renamed into it, one removed) durable: ``fsync`` of the folder itself."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def append_to_file(target: Path, data: bytes) -> None:
    """Append ``data`` to ``target`` in one write (created if missing): how a CI runner's job summary file
    (``$GITHUB_STEP_SUMMARY``) is written, which other steps append to as well. Raises OSError."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o666)
    with os.fdopen(fd, "ab") as file:
        file.write(data)
