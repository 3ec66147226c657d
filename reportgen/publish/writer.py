"""Rendered files in memory → ``output/`` on disk, atomically.

The product promises that a failed or killed build never leaves a half-written file in ``output/`` and never
destroys the last good output. This module keeps that promise, and it is the only code that writes output files:
it refuses any path that would land outside the output directory.

How:

* A build writes into a fresh **staging directory** next to ``output/`` (``.output.staging-<pid>-<random>``), on
  the same filesystem, so nothing a reader can see changes while the build runs. Every file is written to a
  temporary name, then ``os.replace``-d into place, so a file that is hard-linked from the previous output
  (``keep_existing=True``) is replaced by a new inode, never modified in place.
* ``commit()`` first makes the whole staging tree durable: one ``syncfs(2)`` of its filesystem on Linux (a
  thousand forms write three thousand files, and an ``fsync`` each costs seconds where one ``syncfs`` costs a
  fraction of one), else an ``fsync`` of every file and folder. Only then does it **swap** the tree with
  ``output/`` in one step: on Linux
  ``renameat2(RENAME_EXCHANGE)`` exchanges the two directory entries atomically, so at every instant ``output/`` is
  either the complete old tree or the complete new one, whatever happens to the process. The old tree (now at the
  staging name) is then renamed ``.output.trash-<pid>-<random>`` and deleted by a process of its own
  (``_remove_detached``): deleting thousands of files took seconds, and the build need not wait for it; a trash
  folder left behind (the machine stopped meanwhile) is deleted by the next ``OutputWriter``. Where the exchange is not available, the fallback renames ``output/`` to
  ``.output.previous-<pid>-<random>``, renames staging to ``output/`` and deletes the previous tree; a crash between
  the two renames leaves ``output/`` missing for a moment, and the next ``OutputWriter`` puts the previous tree back.
* Leaving the ``with`` block without ``commit()`` (an exception, a refused path) deletes the staging directory;
  ``output/`` was never touched. A build killed with ``kill -9`` leaves its staging directory behind; the next
  ``OutputWriter`` (or ``tidy()``, for a build that writes nothing) deletes staging directories whose process is
  gone, and leaves those of live concurrent builds.
* Concurrent builds each have their own staging directory; an exclusive ``flock`` on ``.output.lock`` (next to
  ``output/``) is held only around the swap and the crash recovery, and a shared one while ``keep_existing`` copies
  the current tree, so that copy never sees a tree half-deleted. The last build to commit wins, with a complete tree.

**Only folders reportgen made are replaced.** Replacing a folder deletes what was in it, so the writer refuses an
existing output directory that holds anything unless it carries the marker file ``.reportgen-output`` that every
commit leaves at the top of the output (``build -o content`` or ``-o ~/Documents`` would otherwise delete them). An
output folder of an older reportgen, made before the marker, is recognised by its name ``output`` and holding
nothing but what reportgen writes there (``LEGACY_ENTRIES``); its next commit adds the marker.

Only ``os.getpid()`` liveness identifies a stale directory: a killed build whose pid has since been reused by an
unrelated process keeps its staging directory until that process ends, which is harmless.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import logging
import os
import re
import secrets
import shutil
import stat
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import BinaryIO

from reportgen import wording
from reportgen.errors import OutputError, OutputRefused, os_reason
from reportgen.files import fsync_folder, pid_alive, replace_file, temporary_name, write_new_file
from reportgen.layout import BOOK_DIR, HTML_DIR, OUTPUT_DIR, OUTPUT_MARKER, PDF_DIR, SHARD_MANIFEST
from reportgen.wording import localized

#: The temporary name a staged file that already exists is rewritten under, then renamed over it.
STAGED_TEMP_PREFIX = ".reportgen-tmp-"

#: The file every committed output holds: the sign that reportgen made the folder and may replace it.
MARKER = OUTPUT_MARKER
MARKER_TEXT = "".join(wording.label("output_marker", lang) + "\n" for lang in ("en", "th")).encode("utf-8")
#: What an output folder of a reportgen older than the marker holds: a folder named ``output`` with nothing else is
#: taken for one.
LEGACY_NAME = OUTPUT_DIR
LEGACY_ENTRIES = frozenset({HTML_DIR, PDF_DIR, BOOK_DIR, SHARD_MANIFEST})

log = logging.getLogger("reportgen.publish.writer")

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _load_renameat2() -> Callable[..., int] | None:
    """libc's ``renameat2``, or None where libc has no such symbol (old glibc, non-Linux)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        func = libc.renameat2
    except (OSError, AttributeError):
        return None
    func.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    func.restype = ctypes.c_int
    return func


#: The C function, or None. Tests set it to None (or to a fake failing with ENOSYS) to exercise the fallback.
_renameat2 = _load_renameat2()


def _rename_exchange(a: Path, b: Path) -> bool:
    """Exchange the directory entries ``a`` and ``b`` atomically. False if the system cannot; OSError on failure."""
    func = _renameat2
    if func is None:
        return False
    if func(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL):  # kernel or filesystem without RENAME_EXCHANGE
        log.debug("renameat2(RENAME_EXCHANGE) unavailable (%s); using the rename fallback", errno.errorcode[err])
        return False
    raise OSError(err, os.strerror(err), str(a), None, str(b))


# Sibling directories this process is using right now (staging, previous): stale-directory cleanup must not take
# a directory with our own pid for a leftover of a killed build while another writer in this process still uses it.
_active: set[str] = set()
_active_lock = threading.Lock()


def _set_active(path: Path, active: bool) -> None:
    with _active_lock:
        if active:
            _active.add(str(path))
        else:
            _active.discard(str(path))


def _is_stale(path: Path, pid: int) -> bool:
    if pid == os.getpid():
        with _active_lock:
            return str(path) not in _active
    return not pid_alive(pid)


def _load_syncfs() -> Callable[[int], int] | None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        syncfs = libc.syncfs
    except (OSError, AttributeError):
        return None
    syncfs.argtypes = [ctypes.c_int]
    syncfs.restype = ctypes.c_int
    return syncfs


_syncfs = _load_syncfs()


def _flush_tree(root: Path) -> None:
    """Make every file and folder under ``root`` durable; raises OSError."""
    if _syncfs is not None:
        fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            if _syncfs(fd) == 0:
                return
            log.debug("syncfs failed (%s); fsyncing file by file", os.strerror(ctypes.get_errno()))
        finally:
            os.close(fd)
    for dirpath, _dirs, files in os.walk(root, topdown=False):
        for name in files:
            path = os.path.join(dirpath, name)
            if not os.path.islink(path):
                fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
        fsync_folder(dirpath)


def _remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)  # a concurrent cleaner may be deleting the same stale tree
    if os.path.lexists(path):
        log.debug("could not remove %s completely; the next build will retry", path)
    else:
        log.debug("removed %s", path)


#: Deletes its one argument in the background, in a process that outlives the shell (and the build) starting it.
_DETACHED_REMOVAL = 'rm -rf -- "$1" </dev/null >/dev/null 2>&1 &'


def _remove_detached(path: Path) -> None:
    """Delete ``path`` off the build's critical path: ``rm -rf`` in a process of its own, which goes on after this
    one exits (the shell that starts it returns at once, so nothing is left to reap); here, where that fails."""
    try:
        subprocess.run(
            ["sh", "-c", _DETACHED_REMOVAL, "sh", str(path)], check=True, timeout=30, start_new_session=True,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        log.debug("removing %s in the background", path)
    except (OSError, subprocess.SubprocessError):
        _remove_tree(path)


def _link_or_copy(src: str, dst: str) -> None:
    """copytree's copy function for ``keep_existing``: a hard link, or a real copy if linking fails."""
    try:
        os.link(src, dst, follow_symlinks=False)
    except OSError as exc:
        log.debug("hard link %s failed (%s); copying", src, exc.strerror)
        shutil.copy2(src, dst, follow_symlinks=False)


class OutputWriter:
    """One build's output: files written into a private staging directory, swapped into ``output_dir`` on commit.

    Use it as a context manager; write with relative POSIX paths (``"pdf/2564/08.pdf"``); call ``commit()`` at the
    end. Leaving the block without committing discards everything written. Not meant to be shared between threads
    (separate writers in separate threads or processes are fine).

    ``keep_folders`` (e.g. ``("book",)``) carries those top-level folders of the current output over (as hard
    links), for files another command owns: a full build replaces the forms and the site, not the report books.

    ``keep_existing=True`` starts from a copy (hard links) of the current output, for builds that rebuild only some
    files; otherwise the committed output contains exactly the files written in this build.

    ``require_ours`` (default: unless ``keep_existing``) refuses an existing output directory that holds files but
    not the marker ``MARKER`` (see the module docstring).
    """

    def __init__(
        self,
        output_dir: str | os.PathLike[str],
        keep_existing: bool = False,
        *,
        keep_folders: tuple[str, ...] = (),
        require_ours: bool | None = None,
        _exchange: bool = True,
    ):
        given = Path(output_dir)
        name = given.name  # "." and "/" have none: never swap the current directory or the root
        if name in ("", ".", ".."):
            raise OutputError("output_no_name", folder=repr(str(given)))
        # Resolve the parent (it may legitimately be reached through symlinks), never output_dir itself.
        self._parent = given.absolute().parent.resolve()
        self._name = name
        self._output_dir = self._parent / name
        self._lock_path = self._parent / f".{name}.lock"
        self._keep_existing = keep_existing
        # A writer that carries every existing file over loses nothing by replacing the folder; one that does not
        # deletes what it does not write, so it only replaces a folder reportgen made (``_check_owned``).
        self._require_ours = (not keep_existing) if require_ours is None else require_ours
        for folder in keep_folders:
            if not folder or "/" in folder or folder in (".", ".."):
                raise ValueError(f"keep_folders are top-level folder names, not {folder!r}")
        self._keep_folders = keep_folders
        self._exchange = _exchange
        self._staging: Path | None = None
        self._staging_real: str | None = None
        self._checked_folders: set[str] = set()  # folders of staging known to be real folders inside it
        self._written: list[str] = []
        self._written_set: set[str] = set()
        self._entered = False
        self._committed = False
        self._closed = False
        esc = re.escape(name)
        self._staging_re = re.compile(rf"\.{esc}\.staging-(\d+)-[0-9a-f]+")
        self._previous_re = re.compile(rf"\.{esc}\.previous-(\d+)(?:-[0-9a-f]+)?")
        self._trash_re = re.compile(rf"\.{esc}\.trash-(\d+)-[0-9a-f]+")

    # -- public API -----------------------------------------------------------------------------------------------

    @property
    def output_dir(self) -> Path:
        """The absolute output directory the build will be committed to."""
        return self._output_dir

    @property
    def staging_dir(self) -> Path | None:
        """This build's staging directory (None before ``__enter__``)."""
        return self._staging

    @property
    def written(self) -> list[str]:
        """Relative paths written in this build, in write order (carried-over files are not listed)."""
        return list(self._written)

    def check(self) -> None:
        """Refuse now (``OutputError``) an output directory this writer would refuse at the start and at commit: a
        link, a file, a folder reportgen did not make. For commands that work long before they write."""
        self._check_owned()

    def __enter__(self) -> OutputWriter:
        if self._entered:
            raise RuntimeError("an OutputWriter is used for one build only; create a new one")
        self._entered = True
        try:
            self._parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError("output_cannot_create", folder=self._parent, reason=os_reason(exc)) from exc
        self._take_back_previous()
        self._check_owned()
        self._remove_stale_staging()
        self._staging = self._make_staging()
        try:
            self._staging_real = os.path.realpath(self._staging)
            self._populate_staging()
        except BaseException:
            self._discard()
            raise
        log.debug("build started in %s (keep_existing=%s)", self._staging, self._keep_existing)
        return self

    def tidy(self) -> None:
        """Clear what builds killed or cut short left beside the output (an interrupted fallback swap, staging folders
        of processes that are gone, trash not yet deleted), as entering does, without starting a build: for a build
        that finds the output already what it would make (``publish/unchanged.py``)."""
        if self._parent.is_dir():
            self._take_back_previous()
            self._remove_stale_staging()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if not self._committed:
            if exc_type is not None:
                log.debug("build failed (%s); discarding %s", exc_type.__name__, self._staging)
            else:
                log.debug("build left without commit(); discarding %s", self._staging)
            self._discard()
        self._closed = True

    def write_bytes(self, rel: str | PurePosixPath, data: bytes | bytearray | memoryview) -> Path:
        """Write ``data`` to ``rel`` (relative to the output directory); return the path it will have after commit."""
        return self._write(rel, lambda f: f.write(data))

    def write_text(self, rel: str | PurePosixPath, text: str) -> Path:
        """Write ``text`` as UTF-8 (newlines as given) to ``rel``; return the path it will have after commit."""
        return self.write_bytes(rel, text.encode("utf-8"))

    def copy_file(self, rel: str | PurePosixPath, source: str | os.PathLike[str]) -> Path:
        """Copy the contents of the file ``source`` to ``rel``; return the path it will have after commit."""

        def fill(f: BinaryIO) -> None:
            try:
                src = open(source, "rb")
            except OSError as exc:
                raise OutputError("output_cannot_copy", source=os.fspath(source), path=rel, reason=os_reason(exc)) from exc
            with src:
                shutil.copyfileobj(src, f, 1 << 20)

        return self._write(rel, fill)

    def link_file(self, rel: str | PurePosixPath, source: str | os.PathLike[str]) -> Path:
        """Put the file ``source`` at ``rel`` as a hard link: no bytes copied (for a build's PDF cache, whose entries
        are never modified in place; ``commit`` makes them durable with the rest). Where a link is impossible (another
        filesystem), a copy. Return the path it will have after commit."""
        self._require_open()
        rel = self._check_rel(rel)
        try:
            target, exists = self._prepare(rel)
            if not exists:
                os.link(source, target, follow_symlinks=False)
            else:
                tmp = temporary_name(target, STAGED_TEMP_PREFIX)
                os.link(source, tmp, follow_symlinks=False)
                try:
                    os.replace(tmp, target)
                finally:
                    # rename() does nothing when both names are links to one file (a kept file linked to the same
                    # source): the temporary name is then still there, and the target already is the file.
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(tmp)
        except OSError as exc:
            if exc.errno in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
                return self.copy_file(rel, source)
            raise OutputError(
                "output_cannot_link", source=os.fspath(source), path=repr(rel), reason=os_reason(exc)
            ) from exc
        return self._record(rel, "linked")

    def link_or_write(self, rel: str | PurePosixPath, source: Path | None, data: bytes) -> None:
        """Hard-link the cache entry ``source`` (holding ``data``) to ``rel``, or write ``data`` there: also when the
        entry was pruned by a concurrent build since it was read (the bytes are in hand)."""
        if source is not None:
            try:
                self.link_file(rel, source)
                return
            except OutputError as error:
                log.debug("could not link %s (%s); writing it", rel, error)
        self.write_bytes(rel, data)

    def remove_carried_over(self, rel: str | PurePosixPath) -> None:
        """Delete the file or folder ``rel`` that ``keep_existing`` carried over from the previous output (a
        generated folder about to be written anew, whose old files would otherwise stay beside the new ones).
        Nothing written in this build may be removed; a link is removed itself, never followed."""
        self._require_open()
        rel = self._check_rel(rel)
        if any(written == rel or written.startswith(rel + "/") for written in self._written):
            raise OutputError("output_refuse_remove_written", path=repr(rel))
        folder = rel.rpartition("/")[0]
        if folder:
            self._check_folder(folder)
        assert self._staging is not None
        target = self._staging / rel
        try:
            st = os.lstat(target)
        except FileNotFoundError:
            return
        try:
            if stat.S_ISDIR(st.st_mode):
                shutil.rmtree(target)
            else:
                os.unlink(target)
        except OSError as exc:
            raise OutputError("output_cannot_remove", path=repr(rel), reason=os_reason(exc)) from exc
        self._checked_folders = {name for name in self._checked_folders if name != rel and not name.startswith(rel + "/")}
        log.debug("removed the carried-over %s", rel)

    def commit(self) -> Path:
        """Swap the staging tree into place as the output directory, atomically; return the output directory."""
        self._require_open()
        staging = self._staging
        assert staging is not None
        try:
            self._write_marker(staging)
            _flush_tree(staging)
        except OSError as exc:
            raise OutputError("output_cannot_flush", reason=os_reason(exc)) from exc
        with self._locked(fcntl.LOCK_EX):
            self._check_owned()
            try:
                old = self._swap(staging)
            except OSError as exc:
                raise OutputError("output_cannot_move", folder=self._output_dir, reason=os_reason(exc)) from exc
            self._committed = True
            try:
                fsync_folder(self._parent)
            except OSError as exc:  # the swap is done and visible; only its durability is in doubt
                log.debug("fsync of %s failed after the swap: %s", self._parent, exc.strerror)
        log.debug("committed %d written file(s) to %s", len(self._written), self._output_dir)
        if old is not None:
            self._throw_away(old)
            _set_active(old, False)
        _set_active(staging, False)
        return self._output_dir

    # -- internals ------------------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self, mode: int) -> Iterator[None]:
        try:
            fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o666)
        except OSError as exc:
            raise OutputError("output_cannot_lock", path=self._lock_path, reason=os_reason(exc)) from exc
        try:
            fcntl.flock(fd, mode)
            yield
        finally:
            os.close(fd)  # releases the lock

    def _check_output_dir(self) -> os.stat_result | None:
        try:
            st = os.lstat(self._output_dir)
        except FileNotFoundError:
            return None
        if stat.S_ISLNK(st.st_mode):
            raise OutputError("output_is_link", folder=self._output_dir)
        if not stat.S_ISDIR(st.st_mode):
            raise OutputError("output_not_directory", folder=self._output_dir)
        return st

    def _check_owned(self) -> None:
        """Refuse (before anything is touched) an existing output directory that reportgen did not make."""
        if self._check_output_dir() is None or not self._require_ours:
            return
        try:
            names = set(os.listdir(self._output_dir))
        except OSError as exc:
            raise OutputError("output_cannot_list", folder=self._output_dir, reason=os_reason(exc)) from exc
        if not names:
            return
        if MARKER in names and stat.S_ISREG(os.lstat(self._output_dir / MARKER).st_mode):
            return
        if self._name == LEGACY_NAME and names <= LEGACY_ENTRIES:
            log.debug("%s is the output of a reportgen older than its marker; taking it over", self._output_dir)
            return
        raise OutputRefused("output_not_ours", folder=str(self._output_dir), marker=MARKER)

    def _write_marker(self, staging: Path) -> None:
        marker = staging / MARKER
        if os.path.lexists(marker):
            os.unlink(marker)  # a link carried over from the previous output: never written through
        fd = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
        with os.fdopen(fd, "wb") as file:
            file.write(MARKER_TEXT)

    def _siblings(self, pattern: re.Pattern[str]) -> list[tuple[Path, int]]:
        found = []
        try:
            names = os.listdir(self._parent)
        except OSError as exc:
            raise OutputError("output_cannot_list", folder=self._parent, reason=os_reason(exc)) from exc
        for name in names:
            m = pattern.fullmatch(name)
            if m:
                found.append((self._parent / name, int(m.group(1))))
        return found

    def _take_back_previous(self) -> None:
        """Undo a fallback swap cut short between its two renames, and throw its leftovers away."""
        leftovers: list[Path] = []
        if self._siblings(self._previous_re):  # only then is the lock needed (and the common start lock-free)
            with self._locked(fcntl.LOCK_EX):
                leftovers = self._recover_previous()
        for path in leftovers:
            self._throw_away(path)

    def _recover_previous(self) -> list[Path]:
        """Under the lock: undo a fallback swap interrupted between its two renames. Returns leftovers to delete."""
        previous = self._siblings(self._previous_re)
        if not previous:
            return []
        if not os.path.lexists(self._output_dir):

            def ctime(item: tuple[Path, int]) -> int:
                try:
                    return os.lstat(item[0]).st_ctime_ns
                except OSError:
                    return -1

            newest = max(previous, key=ctime)[0]
            try:
                os.rename(newest, self._output_dir)
                fsync_folder(self._parent)
            except OSError as exc:
                raise OutputError(
                    "output_cannot_recover", folder=self._output_dir, previous=newest, reason=os_reason(exc)
                ) from exc
            log.debug("recovered %s from the interrupted swap %s", self._output_dir, newest)
            previous = [item for item in previous if item[0] != newest]
        return [path for path, pid in previous if _is_stale(path, pid)]

    def _remove_stale_staging(self) -> None:
        for path, pid in self._siblings(self._staging_re):
            if _is_stale(path, pid):
                log.debug("removing stale staging directory %s (build process %d is gone)", path, pid)
                self._throw_away(path)
            else:
                log.debug("leaving %s alone: build process %d is running", path, pid)
        for path, _ in self._siblings(self._trash_re):  # left behind: its removal was cut short
            _remove_detached(path)

    def _throw_away(self, path: Path) -> None:
        """Rename the tree ``path`` (no longer output, nor anyone's staging) to a trash name, then delete it in the
        background."""
        trash = self._parent / f".{self._name}.trash-{os.getpid()}-{secrets.token_hex(4)}"
        try:
            os.rename(path, trash)
        except OSError as exc:
            log.debug("could not rename %s to %s (%s); deleting it here", path, trash, exc.strerror)
            _remove_tree(path)
            return
        _remove_detached(trash)

    def _make_staging(self) -> Path:
        pid = os.getpid()
        while True:
            path = self._parent / f".{self._name}.staging-{pid}-{secrets.token_hex(4)}"
            try:
                os.mkdir(path)
            except FileExistsError:
                continue
            except OSError as exc:
                raise OutputError("output_cannot_stage", folder=self._parent, reason=os_reason(exc)) from exc
            _set_active(path, True)
            return path

    def _populate_staging(self) -> None:
        staging = self._staging
        assert staging is not None
        if not self._keep_existing and not self._keep_folders:
            st = self._check_output_dir()
            if st is not None:  # the new output keeps the permissions of the old one
                os.chmod(staging, stat.S_IMODE(st.st_mode))
            return
        # A shared lock: no swap can replace (and then delete) the tree while we link its files.
        with self._locked(fcntl.LOCK_SH):
            st = self._check_output_dir()
            if st is None:
                return
            os.chmod(staging, stat.S_IMODE(st.st_mode))
            pairs = [(self._output_dir, staging)] if self._keep_existing else [
                (self._output_dir / folder, staging / folder)
                for folder in self._keep_folders
                if (self._output_dir / folder).is_dir() and not (self._output_dir / folder).is_symlink()
            ]
            try:
                for source, target in pairs:
                    shutil.copytree(source, target, symlinks=True, copy_function=_link_or_copy, dirs_exist_ok=True)
            except (OSError, shutil.Error) as exc:
                raise OutputError("output_cannot_carry_over", folder=self._output_dir, reason=exc) from exc
        log.debug("carried over %s of %s", "the files" if self._keep_existing else self._keep_folders, self._output_dir)

    def _swap(self, staging: Path) -> Path | None:
        """Put ``staging`` in place of the output directory. Returns where the old tree now is (to delete), if any."""
        if not os.path.lexists(self._output_dir):
            os.rename(staging, self._output_dir)
            log.debug("renamed %s to %s (no previous output)", staging, self._output_dir)
            return None
        if self._exchange and _rename_exchange(staging, self._output_dir):
            log.debug("exchanged %s and %s", staging, self._output_dir)
            return staging  # still marked active until the old tree is deleted
        previous = self._parent / f".{self._name}.previous-{os.getpid()}-{secrets.token_hex(4)}"
        _set_active(previous, True)
        os.rename(self._output_dir, previous)
        try:
            os.rename(staging, self._output_dir)
        except BaseException:
            try:
                os.rename(previous, self._output_dir)
            except OSError as exc:  # the next OutputWriter recovers it
                log.debug("could not put %s back: %s", previous, exc.strerror)
            _set_active(previous, False)
            raise
        log.debug("swapped %s into %s by rename; previous output at %s", staging, self._output_dir, previous)
        return previous

    def _discard(self) -> None:
        if self._staging is not None and not self._committed:
            _remove_tree(self._staging)
            _set_active(self._staging, False)

    def _require_open(self) -> None:
        if not self._entered or self._staging is None:
            raise RuntimeError("use OutputWriter as a context manager: `with OutputWriter(...) as out:`")
        if self._committed:
            raise RuntimeError("this build is already committed; start a new OutputWriter")
        if self._closed:
            raise RuntimeError("this build was discarded; start a new OutputWriter")

    def _check_rel(self, rel: str | PurePosixPath) -> str:
        if isinstance(rel, PurePosixPath):
            rel = str(rel)
        if not isinstance(rel, str):
            raise TypeError(f"output paths are str or PurePosixPath, not {type(rel).__name__}")

        def refuse(why: str) -> OutputError:
            return OutputError("output_refused_path", path=repr(rel), folder=self._output_dir, why=localized(why))

        if rel == "":
            raise refuse("output_path_empty")
        if "\0" in rel:
            raise refuse("output_path_nul")
        if "\\" in rel:
            raise refuse("output_path_backslash")
        if rel.startswith("/"):
            raise refuse("output_path_absolute")
        for part in rel.split("/"):
            if part == "":
                raise refuse("output_path_empty_name")
            if part == "..":
                raise refuse("output_path_parent")
            if part == ".":
                raise refuse("output_path_dot")
        if rel in self._written_set:
            raise refuse("output_path_written_twice")
        return rel

    def _prepare(self, rel: str) -> tuple[Path, bool]:
        """Create the parent folders of ``rel`` in staging (never through a link); return its staging path and
        whether a file is already there (kept from the previous output, or linked by ``keep_existing``)."""
        staging = self._staging
        assert staging is not None and self._staging_real is not None
        folder, _, name = rel.rpartition("/")
        if folder not in self._checked_folders:
            self._check_folder(folder)
        target = staging / rel
        try:
            st = os.lstat(target)
        except FileNotFoundError:
            return target, False
        if stat.S_ISLNK(st.st_mode):
            raise OutputError(
                "output_refused_path", path=repr(rel), folder=self._output_dir, why=self._link_refusal(rel, target)
            )
        if stat.S_ISDIR(st.st_mode):
            raise OutputError("output_path_is_directory", path=repr(rel))
        return target, True

    def _check_folder(self, folder: str) -> None:
        """Create ``folder`` (and its parents) in staging, refusing links and files on the way; remembered, so
        each folder of a build is checked once however many files go into it."""
        assert self._staging is not None and self._staging_real is not None
        current = self._staging
        done = ""
        for part in folder.split("/") if folder else ():
            done = f"{done}/{part}" if done else part
            current = current / part
            if done in self._checked_folders:
                continue
            try:
                st = os.lstat(current)
            except FileNotFoundError:
                os.mkdir(current)
            else:
                if stat.S_ISLNK(st.st_mode):
                    why = self._link_refusal(done, current)
                    raise OutputError("output_refused_folder", path=repr(done), folder=self._output_dir, why=why)
                if not stat.S_ISDIR(st.st_mode):
                    raise OutputError("output_folder_is_file", path=repr(done))
            self._checked_folders.add(done)
        folder_real = os.path.realpath(current)
        if os.path.commonpath([folder_real, self._staging_real]) != self._staging_real:  # belt and braces
            raise OutputError("output_folder_outside", path=repr(folder))
        self._checked_folders.add(folder)

    def _link_refusal(self, where: str, path: Path) -> wording.Localized:
        assert self._staging_real is not None
        target = os.path.realpath(path)
        if os.path.commonpath([target, self._staging_real]) != self._staging_real:
            return localized("output_link_outside", path=repr(where), target=target)
        return localized("output_link", path=repr(where))

    def _write(self, rel: str | PurePosixPath, fill: Callable[[BinaryIO], object]) -> Path:
        self._require_open()
        rel = self._check_rel(rel)
        try:
            target, exists = self._prepare(rel)
            # A new file is written in place: staging is private, and a failed build discards it. A file already
            # there may be a hard link to the current output's file, which must never change: it is replaced by
            # a new inode under a temporary name.
            if exists:
                replace_file(target, fill, temporary=temporary_name(target, STAGED_TEMP_PREFIX))
            else:
                write_new_file(target, fill)
        except OSError as exc:
            raise OutputError(
                "output_cannot_write", path=repr(rel), folder=self._output_dir, reason=os_reason(exc)
            ) from exc
        return self._record(rel, "wrote")

    def _record(self, rel: str, how: str) -> Path:
        """Note ``rel`` as written in this build; return the path it will have after commit."""
        self._written.append(rel)
        self._written_set.add(rel)
        log.debug("%s %s", how, rel)
        return self._output_dir / rel

    def __repr__(self) -> str:
        state = "committed" if self._committed else ("open" if self._entered and not self._closed else "idle")
        return f"<OutputWriter {self._output_dir} {state}, {len(self._written)} written>"
