"""A content file's new text → the file written, committed in git by the person who made it, and pushed: saving.

The project folder is a git working copy (the record) with, usually, a central remote. ``save`` is what the desk
does on "บันทึก", in this order, under one lock per repository (so that saves of different forms at once never meet
in git's index):

1. **the version**: the file's SHA-256 (``file_version``) must still be the one the person started from; if someone
   saved first, ``ContentChanged`` carries the file as it is now, so the second person sees the difference and loses
   nothing (nothing is written);
2. **the write**: through the one content writer (``authoring/writer.py``: atomic, never outside ``content/``);
3. **the commit** of that file only (other changes in the working copy, staged or not, are left alone), with the
   person as the commit's author and the message given (``commit_message``: Thai, from the catalog); the committer
   is git's configured user (the desk's), or the author when none is configured. It is made with git's plumbing
   (the blob, a private index kept at HEAD's tree, the tree, the commit, the branch moved from the HEAD it was made
   on): a handful of small processes and no refresh of the whole index, because saves queue for this lock;
4. **the push**, when a remote is configured: at once (``save``'s default), or later by a ``BackgroundPusher`` that
   pushes, after a burst of saves, everything they committed (the desk: forty officers saving at once do not wait
   for forty pushes). A push that fails (the network, a remote that refuses) is recorded in
   ``.git/reportgen-pending-push`` with its reason, never lost: the commit is in the working copy, ``pending_push``
   tells (also by comparing with the remote's branch), the background pusher tries again later, and
   ``retry_pushes`` pushes every commit not yet there (after a rebase onto the remote's new commits when it moved
   on, unless they touch the same lines).

git runs as a program (``subprocess``, never a shell), each call with a time limit and without a terminal to ask for
a password (``GIT_TERMINAL_PROMPT=0``): a remote that needs one fails the push, which is then pending.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import re
import subprocess
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from reportgen import wording
from reportgen.authoring.writer import write_content_file
from reportgen.errors import OutputError, ReportgenError, UsageError
from reportgen.layout import CONTENT_DIR

log = logging.getLogger(__name__)

#: Longest a local git command may take (add, commit, status), and a push or fetch over the network.
LOCAL_TIMEOUT = 60
NETWORK_TIMEOUT = 120
#: Longest a save waits for another save of the same repository to finish.
LOCK_TIMEOUT = 60

PENDING_PUSH_FILE = "reportgen-pending-push"
_LOCK_FILE = "reportgen-save.lock"
_SAVE_INDEX = "reportgen-save.index"
_UNSAFE_IN_IDENTITY = re.compile(r"[<>\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Author:
    """Who made a change: the commit's author (``Name <email>``)."""

    name: str
    email: str

    def __post_init__(self) -> None:
        if not self.name.strip() or _UNSAFE_IN_IDENTITY.search(self.name + self.email) or "@" not in self.email:
            raise UsageError("save_bad_author", name=self.name, email=self.email)

    @property
    def git(self) -> str:
        return f"{self.name.strip()} <{self.email.strip()}>"


class ContentChanged(ReportgenError):
    """The file changed since the person opened it (someone saved first): nothing was written. ``current_text`` is
    the file as it is now (None when it was deleted), ``current_version`` its version."""

    exit_code = 1

    def __init__(self, relative: PurePosixPath, current_text: str | None, current_version: str | None):
        self.current_text, self.current_version = current_text, current_version
        super().__init__("save_content_changed", path=relative)


@dataclass(frozen=True)
class SaveResult:
    """What a save did: the file's new version, the commit (None when the text was already the file's, or the
    folder is no git working copy), whether it reached the remote, and why not (None: pushed, or no remote)."""

    version: str
    commit: str | None
    pushed: bool
    push_problem: str | None


@dataclass(frozen=True)
class PushState:
    """Whether commits wait to be pushed: how many are not on the remote's branch, and the last failure's reason."""

    remote: str | None
    pending: bool
    ahead: int
    problem: str | None


def file_version(project_root: Path, relative: PurePosixPath) -> str | None:
    """The version of a file of the project (``content/indicators/2564/08.yaml``): the SHA-256 of its bytes, or None
    when there is no such file."""
    try:
        return hashlib.sha256(_path(project_root, relative).read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def commit_message(relative: PurePosixPath, lang: str = "th") -> str:
    """The commit message of a save of ``relative`` from the desk, in Thai (the repository's language)."""
    parts = PurePosixPath(relative).parts
    year, code = (parts[-2], PurePosixPath(parts[-1]).stem) if len(parts) >= 2 else ("", str(relative))
    return wording.message("save_commit_message", lang, code=code, year=year, path=relative)


def save(
    project_root: Path,
    relative: PurePosixPath,
    text: str | bytes,
    *,
    expected_version: str | None,
    author: Author,
    message: str,
    push: bool = True,
) -> SaveResult:
    """Write ``text`` as the file ``relative`` (to the project root, under ``content/``) if it is still at
    ``expected_version`` (None: the file must not exist yet), commit it alone as ``author`` with ``message``, and
    push when a remote is configured (see the module docstring). ``text`` may be bytes, for a file that is not text
    (the desk's evidence uploads). With ``push=False`` the commit is left for a ``BackgroundPusher`` (or
    ``retry_pushes``) to send. Raises ``ContentChanged`` when someone saved first, ``OutputError`` when the file cannot be written or git refuses the commit (the file is then written)."""
    root = Path(project_root).resolve()
    relative = PurePosixPath(relative)
    under_content = _under_content(relative)
    data = text.encode("utf-8") if isinstance(text, str) else text  # bytes: a file kept as it is (evidence)
    git_dir = _git_dir(root)
    if git_dir is None:
        with _locked(root / ".cache"):
            _check_and_write(root, relative, under_content, data, expected_version)
        return SaveResult(version=hashlib.sha256(data).hexdigest(), commit=None, pushed=False, push_problem=None)
    version, commit = _queued_save(root, git_dir, _Save(relative, under_content, data, expected_version, author,
                                                        message))  # fmt: skip
    if not push:
        return SaveResult(version=version, commit=commit, pushed=False, push_problem=None)
    if commit is None:
        state = pending_push(root)
        return SaveResult(version, None, pushed=not state.pending, push_problem=state.problem)
    pushed, problem = _push(root, git_dir)
    return SaveResult(version=version, commit=commit, pushed=pushed, push_problem=problem)


def retry_pushes(project_root: Path) -> PushState:
    """Push every commit not yet on the remote (a push that failed before); when the remote moved on meanwhile,
    rebase onto it first (refused, and left as it was, when the same lines changed on both sides). Returns what is
    still pending."""
    root = Path(project_root).resolve()
    git_dir = _git_dir(root)
    if git_dir is None:
        return PushState(None, False, 0, None)
    state = pending_push(root)
    if not state.pending:
        return state
    _push(root, git_dir, rebase=True)
    return pending_push(root)


def pending_push(project_root: Path) -> PushState:
    """Whether commits of the working copy wait to reach the remote: a push that failed (recorded), or commits ahead
    of the remote's branch."""
    root = Path(project_root).resolve()
    git_dir = _git_dir(root)
    target = _push_target(root) if git_dir is not None else None
    if git_dir is None or target is None:
        return PushState(None, False, 0, None)
    remote, branch = target
    marker = git_dir / PENDING_PUSH_FILE
    problem = marker.read_text(encoding="utf-8").strip() if marker.exists() else None
    counted = _git(root, "rev-list", "--count", f"refs/remotes/{remote}/{branch}..HEAD")
    ahead = int(counted.stdout.strip()) if counted.returncode == 0 else -1  # -1: the remote's branch is unknown
    pending = problem is not None or ahead != 0
    return PushState(remote, pending, max(ahead, 0), problem)


class BackgroundPusher:
    """Pushes one repository's saves off the savers' path: ``request`` after each save (``save(..., push=False)``);
    once no save has come for ``settle`` seconds (or ``longest_wait`` after the first of a burst), one push sends
    all that was committed. A failed push is recorded as ``save`` records it (``pending_push`` shows it) and tried
    again after ``retry_after`` seconds, doubling up to ``retry_longest``, until it lands or ``retry_pushes`` sends
    it. Commits found waiting when it starts (a push that failed before a restart) are pushed too."""

    def __init__(
        self,
        project_root: Path,
        *,
        settle: float = 0.25,
        longest_wait: float = 2.0,
        retry_after: float = 30.0,
        retry_longest: float = 600.0,
    ):
        self.root = Path(project_root).resolve()
        self.settle, self.longest_wait = settle, longest_wait
        self.retry_after, self.retry_longest = retry_after, retry_longest
        self._changed = threading.Condition()
        self._first: float | None = None  # when the oldest save not yet pushed asked
        self._last = 0.0
        self._pushing = False
        self._retry_at: float | None = None
        self._delay = retry_after
        self._closed = False
        self._git_dir = _git_dir(self.root)
        self._thread = threading.Thread(target=self._run, name="reportgen-pusher", daemon=True)
        self._thread.start()
        if pending_push(self.root).pending:
            self.request()

    def request(self) -> None:
        """A save was committed: push it with the others of its burst."""
        with self._changed:
            now = time.monotonic()
            self._first = self._first if self._first is not None else now
            self._last = now
            self._changed.notify_all()

    @property
    def sending(self) -> bool:
        """Whether saves wait for their push now (asked for, or being pushed), as opposed to waiting after a
        failure (then ``pending_push`` has the reason)."""
        with self._changed:
            return self._first is not None or self._pushing

    @property
    def problem(self) -> str | None:
        """Why the last push failed (recorded until a push lands), None when none failed: one small file read."""
        if self._git_dir is None:
            return None
        try:
            return (self._git_dir / PENDING_PUSH_FILE).read_text(encoding="utf-8").strip() or None
        except FileNotFoundError:
            return None

    def wait(self, timeout: float = 30.0) -> bool:
        """Wait until every save asked for so far has been pushed or has failed (tests, benchmarks, shutdown);
        False when ``timeout`` passed first."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self._first is not None or self._pushing:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(left)
        return True

    def close(self, timeout: float = 30.0) -> None:
        """Push what was asked for, then stop."""
        self.wait(timeout)
        with self._changed:
            self._closed = True
            self._changed.notify_all()
        self._thread.join(timeout)

    def _due(self, now: float) -> float | None:
        """Seconds until the next push is due (0: now), None when nothing is waiting."""
        if self._first is not None:
            return max(0.0, min(self._last + self.settle, self._first + self.longest_wait) - now)
        if self._retry_at is not None:
            return max(0.0, self._retry_at - now)
        return None

    def _run(self) -> None:
        while True:
            with self._changed:
                while not self._closed:
                    due = self._due(time.monotonic())
                    if due == 0:
                        break
                    self._changed.wait(due)
                if self._closed:
                    return
                self._first, self._retry_at, self._pushing = None, None, True
            try:
                pushed = self._push()
            except Exception:  # a bug here must not stop later pushes; the commits are kept
                log.exception(wording.message("log_save_push_crashed"))
                pushed = False
            with self._changed:
                self._pushing = False
                if pushed:
                    self._delay = self.retry_after
                elif self._first is None:  # a new save would push anyway
                    self._retry_at = time.monotonic() + self._delay
                    self._delay = min(self._delay * 2, self.retry_longest)
                self._changed.notify_all()

    def _push(self) -> bool:
        if self._git_dir is None:
            return True
        pushed, problem = _push(self.root, self._git_dir)
        return pushed or (problem is None)  # no remote: nothing to retry


# --- git ---------------------------------------------------------------------------------------------------------


def _git(
    root: Path,
    *args: str,
    timeout: float = LOCAL_TIMEOUT,
    env: dict[str, str] | None = None,
    data: bytes | None = None,
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", **(env or {})}
    try:
        if data is not None:  # the bytes on stdin (hash-object): the answer is still text
            ran = subprocess.run(["git", *args], cwd=root, capture_output=True, input=data, timeout=timeout,
                                 env=environment, check=False)  # fmt: skip
            return subprocess.CompletedProcess(ran.args, ran.returncode, ran.stdout.decode("utf-8", "replace"),
                                               ran.stderr.decode("utf-8", "replace"))  # fmt: skip
        return subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, timeout=timeout, env=environment, check=False
        )
    except subprocess.TimeoutExpired:
        reason = wording.message("save_git_timeout", seconds=int(timeout), command=f"git {args[0]}")
        return subprocess.CompletedProcess(["git", *args], 124, "", reason)
    except FileNotFoundError:
        return subprocess.CompletedProcess(["git", *args], 127, "", wording.message("save_no_git"))


def _git_dir(root: Path) -> Path | None:
    found = _git(root, "rev-parse", "--absolute-git-dir")
    return Path(found.stdout.strip()) if found.returncode == 0 else None


def _reason(result: subprocess.CompletedProcess[str]) -> str:
    """git's own reason, one line: its last lines of error output (``! [rejected] … (fetch first)``)."""
    lines = [line.strip() for line in (result.stderr or result.stdout).splitlines() if line.strip()]
    return " ".join(lines[-3:])[:500] or f"git exited with {result.returncode}"


@dataclass
class _Save:
    """One save waiting in its repository's queue, and what became of it."""

    relative: PurePosixPath
    under_content: PurePosixPath
    data: bytes
    expected_version: str | None
    author: Author
    message: str
    done: bool = False
    version: str = ""
    commit: str | None = None
    error: BaseException | None = None


@dataclass
class _SaveQueue:
    """The saves of one repository waiting for its lock. Whoever gets the lock commits all that wait, each save a
    commit of its own: forty saves at once are one turn of the lock and a few git processes per save."""

    changed: threading.Condition = field(default_factory=threading.Condition)
    waiting: list[_Save] = field(default_factory=list)
    committing: bool = False


_QUEUES: dict[Path, _SaveQueue] = {}


def _queued_save(root: Path, git_dir: Path, item: _Save) -> tuple[str, str | None]:
    """Queue ``item``; commit the queue when no one else is (taking the repository's lock), else wait for the one
    who is. The file's new version and the commit, or the save's own error (``ContentChanged``, ``OutputError``)."""
    with _THREAD_LOCKS_GUARD:
        queue = _QUEUES.setdefault(git_dir, _SaveQueue())
    with queue.changed:
        queue.waiting.append(item)
        while not item.done and queue.committing:
            queue.changed.wait()
        if not item.done:
            batch, queue.waiting, queue.committing = queue.waiting, [], True
    if not item.done:
        try:
            with _locked(git_dir):
                _commit_batch(root, git_dir, batch)
        except BaseException as error:  # noqa: BLE001 - the lock timed out: every save of the batch is told
            for each in batch:
                each.error = each.error or error
        finally:
            with queue.changed:
                for each in batch:
                    each.done = True
                queue.committing = False
                queue.changed.notify_all()
    if item.error is not None:
        raise item.error
    return item.version, item.commit


def _check_and_write(
    root: Path, relative: PurePosixPath, under_content: PurePosixPath, data: bytes, expected_version: str | None
) -> str:
    current = file_version(root, relative)
    if current != expected_version:
        path = _path(root, relative)
        now = path.read_bytes().decode("utf-8", errors="replace") if current is not None else None
        raise ContentChanged(relative, now, current)
    write_content_file(root, under_content, data, replace=current is not None)
    return hashlib.sha256(data).hexdigest()


def _commit_batch(root: Path, git_dir: Path, batch: list[_Save]) -> None:
    """Under the repository's lock: check and write each save in turn (a later save of the same file is checked
    against the earlier one's text), then commit each written file alone, in that order, with its own author and
    message, on top of HEAD. Each save gets its version and commit, or its own error."""
    written = []
    for item in batch:
        try:
            item.version = _check_and_write(root, item.relative, item.under_content, item.data, item.expected_version)
            written.append(item)
        except (ReportgenError, OSError) as error:
            item.error = error
    if written:
        try:
            _commit(root, git_dir, written)
        except OutputError as error:  # HEAD moved meanwhile, git refused: the files are written, not committed
            for item in written:
                item.error = error


def _commit(root: Path, git_dir: Path, saves: Sequence[_Save]) -> None:
    """Commit each save's file alone, as written (its ``data``), one commit per save on top of HEAD, then move the
    branch once; a save whose text HEAD holds already gets no commit (None). The private index
    (``reportgen-save.index``) is HEAD's tree plus these files, so nothing else anyone staged is committed; the
    working copy's own index then learns the files' new blobs, as ``git commit -- file`` would leave it. Plumbing,
    not ``git commit``: a few small processes per save, no hooks, no refresh of the whole index."""
    first = saves[0].relative
    heads = _git(root, "rev-parse", "HEAD^{commit}", "HEAD^{tree}")
    head, tree = heads.stdout.split() if heads.returncode == 0 else (None, None)  # None: no commit yet
    index = {"GIT_INDEX_FILE": str(git_dir / _SAVE_INDEX)}
    index_head = git_dir / f"{_SAVE_INDEX}.head"
    try:
        current = index_head.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        current = None
    if current != (head or "none") or not (git_dir / _SAVE_INDEX).exists():
        index_head.unlink(missing_ok=True)
        _git_or_fail(first, root, "read-tree", *([head] if head else ["--empty"]), env=index)
    blobs = [
        _git_or_fail(item.relative, root, "hash-object", "-w", f"--path={item.relative}", "--stdin",
                     data=item.data).stdout.strip()  # fmt: skip
        for item in saves
    ]
    tip, entries = head, []
    for item, blob in zip(saves, blobs, strict=True):
        entry = f"100644,{blob},{item.relative}"
        _git_or_fail(item.relative, root, "update-index", "--add", "--cacheinfo", entry, env=index)
        entries.append(f"100644 {blob}\t{item.relative}\n")
        new_tree = _git_or_fail(item.relative, root, "write-tree", env=index).stdout.strip()
        if tip is not None and new_tree == tree:
            continue  # nothing to commit: the text was the file's already
        item.commit = _commit_tree(root, item, new_tree, tip)
        tip, tree = item.commit, new_tree
    if tip != head:
        # The branch moves only from the commit this batch started on: a commit made meanwhile outside the desk is
        # never lost (the saves then fail: their files are written, as when git refuses a commit).
        _git_or_fail(first, root, "update-ref", "-m", f"commit: {saves[-1].message.splitlines()[0]}", "HEAD",
                     str(tip), head or "")  # fmt: skip
    index_head.write_text(str(tip or "none"), encoding="ascii")
    _git_or_fail(first, root, "update-index", "--add", "--index-info", data="".join(entries).encode("utf-8"))
    for item in saves:
        if item.commit:
            log.info(wording.message("log_save_committed", path=item.relative, author=item.author.git,
                                     commit=item.commit[:12]))  # fmt: skip


def _commit_tree(root: Path, item: _Save, tree: str, parent: str | None) -> str:
    parents = ["-p", parent] if parent else []
    author = {"GIT_AUTHOR_NAME": item.author.name.strip(), "GIT_AUTHOR_EMAIL": item.author.email.strip()}
    made = _git(root, "commit-tree", tree, *parents, "-m", item.message, env=author)
    if made.returncode != 0 and "ident" in made.stderr.lower():  # no identity for the desk: the author commits
        committer = {"GIT_COMMITTER_NAME": author["GIT_AUTHOR_NAME"], "GIT_COMMITTER_EMAIL": author["GIT_AUTHOR_EMAIL"]}
        made = _git(root, "commit-tree", tree, *parents, "-m", item.message, env=author | committer)
    if made.returncode != 0:
        raise OutputError("save_commit_failed", path=item.relative, reason=_reason(made))
    return made.stdout.strip()


def _git_or_fail(
    relative: PurePosixPath, root: Path, *args: str, env: dict[str, str] | None = None, data: bytes | None = None
) -> subprocess.CompletedProcess[str]:
    done = _git(root, *args, env=env, data=data)
    if done.returncode != 0:
        raise OutputError("save_commit_failed", path=relative, reason=_reason(done))
    return done


def _push_target(root: Path) -> tuple[str, str] | None:
    """(remote, branch) a save pushes to: the branch's upstream, else the only remote (or ``origin``) with the same
    branch name; None when no remote is configured or HEAD is on no branch."""
    upstream = _git(root, "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}")
    if upstream.returncode == 0 and "/" in upstream.stdout:
        branch_ref = _git(root, "rev-parse", "--symbolic-full-name", "@{upstream}").stdout.strip()
        remote = _git(root, "config", f"branch.{_current_branch(root)}.remote").stdout.strip()
        if remote and branch_ref.startswith(f"refs/remotes/{remote}/"):
            return remote, branch_ref.removeprefix(f"refs/remotes/{remote}/")
    remotes = _git(root, "remote").stdout.split()
    branch = _current_branch(root)
    if not remotes or branch is None:
        return None
    remote = "origin" if "origin" in remotes else remotes[0]
    return remote, branch


def _current_branch(root: Path) -> str | None:
    found = _git(root, "symbolic-ref", "--quiet", "--short", "HEAD")
    return found.stdout.strip() or None if found.returncode == 0 else None


def _push(root: Path, git_dir: Path, *, rebase: bool = False) -> tuple[bool, str | None]:
    """Push HEAD to the remote's branch: (pushed, the failure's reason). A failure is recorded, a success clears
    the record; with ``rebase``, a push refused because the remote moved on is tried again on top of it."""
    target = _push_target(root)
    if target is None:
        return False, None
    remote, branch = target
    with _locked(git_dir, name="reportgen-push.lock"):
        pushed = _git(root, "push", "--porcelain", remote, f"HEAD:refs/heads/{branch}", timeout=NETWORK_TIMEOUT)
        if pushed.returncode != 0 and rebase and _moved_on(pushed):
            problem = _rebase_onto(root, git_dir, remote, branch)
            if problem is None:
                pushed = _git(
                    root, "push", "--porcelain", remote, f"HEAD:refs/heads/{branch}", timeout=NETWORK_TIMEOUT
                )
            else:
                pushed = subprocess.CompletedProcess(pushed.args, 1, "", problem)
        marker = git_dir / PENDING_PUSH_FILE
        if pushed.returncode == 0:
            with contextlib.suppress(FileNotFoundError):
                marker.unlink()
            _git(root, "fetch", "--quiet", remote, branch, timeout=NETWORK_TIMEOUT)  # the remote's branch, known
            return True, None
        reason = _reason(pushed)
        problem = wording.message("save_push_failed", remote=remote, branch=branch, reason=reason)
        marker.write_text(problem + "\n", encoding="utf-8")
        log.warning(problem)
        return False, problem


def _moved_on(result: subprocess.CompletedProcess[str]) -> bool:
    text = result.stdout + result.stderr
    return "[rejected]" in text or "non-fast-forward" in text or "fetch first" in text


def _rebase_onto(root: Path, git_dir: Path, remote: str, branch: str) -> str | None:
    """Rebase the working copy's commits onto the remote's branch (under the save lock: no save meanwhile); the
    reason when it cannot be done (the same lines changed on both sides: left exactly as it was)."""
    fetched = _git(root, "fetch", "--quiet", remote, branch, timeout=NETWORK_TIMEOUT)
    if fetched.returncode != 0:
        return _reason(fetched)
    with _locked(git_dir):
        rebased = _git(root, "rebase", "--autostash", f"refs/remotes/{remote}/{branch}")
        if rebased.returncode != 0:
            _git(root, "rebase", "--abort")
            return wording.message("save_rebase_conflict", remote=remote, branch=branch, reason=_reason(rebased))
    return None


_THREAD_LOCKS: dict[Path, threading.Lock] = {}
_THREAD_LOCKS_GUARD = threading.Lock()


@contextlib.contextmanager
def _locked(folder: Path, name: str = _LOCK_FILE) -> Iterator[None]:
    """One holder at a time per repository. Threads of this process queue on a lock that hands over at once (the
    desk's saves); other processes are kept out by a lock on the file, polled."""
    folder.mkdir(parents=True, exist_ok=True)
    with _THREAD_LOCKS_GUARD:
        thread_lock = _THREAD_LOCKS.setdefault(folder / name, threading.Lock())
    deadline = time.monotonic() + LOCK_TIMEOUT
    if not thread_lock.acquire(timeout=LOCK_TIMEOUT):
        raise OutputError("save_busy", seconds=LOCK_TIMEOUT)
    try:
        with open(folder / name, "a+b") as handle:
            while True:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise OutputError("save_busy", seconds=LOCK_TIMEOUT) from None
                    time.sleep(0.02)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    finally:
        thread_lock.release()


def _under_content(relative: PurePosixPath) -> PurePosixPath:
    parts: Sequence[str] = relative.parts
    if relative.is_absolute() or not parts or parts[0] != CONTENT_DIR or ".." in parts:
        raise UsageError("usage_not_in_content", path=relative)
    return PurePosixPath(*parts[1:])


def _path(root: Path, relative: PurePosixPath) -> Path:
    return Path(root) / CONTENT_DIR / _under_content(PurePosixPath(relative))
