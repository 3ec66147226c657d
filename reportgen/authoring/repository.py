"""A content file's new text → the file written, committed in git by the person who made it, and pushed: saving.

The project folder is a git working copy (the record) with, usually, a central remote. ``save`` is what the desk
does on "บันทึก", in this order, under one lock per repository (so that saves of different forms at once never meet
in git's index):

1. **the version**: the file's SHA-256 (``file_version``) must still be the one the person started from; if someone
   saved first, ``ContentChanged`` carries the file as it is now, so the second person sees the difference and loses
   nothing (nothing is written);
2. **the write**: through the one content writer (``authoring/writer.py``: atomic, never outside ``content/``);
3. **the commit**: ``git add`` and ``git commit`` of that file only (other changes in the working copy are left
   alone), with the person as the commit's author and the message given (``commit_message``: Thai, from the
   catalog); the committer is git's configured user (the desk's), or the author when none is configured;
4. **the push**, when a remote is configured. A push that fails (the network, a remote that refuses) is recorded in
   ``.git/reportgen-pending-push`` with its reason, never lost: the commit is in the working copy, ``pending_push``
   tells (also by comparing with the remote's branch), and ``retry_pushes`` pushes every commit not yet there
   (after a rebase onto the remote's new commits when it moved on, unless they touch the same lines).

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
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
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
) -> SaveResult:
    """Write ``text`` as the file ``relative`` (to the project root, under ``content/``) if it is still at
    ``expected_version`` (None: the file must not exist yet), commit it alone as ``author`` with ``message``, and
    push when a remote is configured (see the module docstring). ``text`` may be bytes, for a file that is not text
    (the desk's evidence uploads). Raises ``ContentChanged`` when someone saved
    first, ``OutputError`` when the file cannot be written or git refuses the commit (the file is then written)."""
    root = Path(project_root).resolve()
    relative = PurePosixPath(relative)
    under_content = _under_content(relative)
    data = text.encode("utf-8") if isinstance(text, str) else text  # bytes: a file kept as it is (evidence)
    git_dir = _git_dir(root)
    with _locked(git_dir or root / ".cache"):
        current = file_version(root, relative)
        if current != expected_version:
            path = _path(root, relative)
            now = path.read_bytes().decode("utf-8", errors="replace") if current is not None else None
            raise ContentChanged(relative, now, current)
        write_content_file(root, under_content, data, replace=current is not None)
        version = hashlib.sha256(data).hexdigest()
        if git_dir is None:
            return SaveResult(version=version, commit=None, pushed=False, push_problem=None)
        commit = _commit(root, relative, author, message)
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


# --- git ---------------------------------------------------------------------------------------------------------


def _git(
    root: Path, *args: str, timeout: float = LOCAL_TIMEOUT, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", **(env or {})}
    try:
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


def _commit(root: Path, relative: PurePosixPath, author: Author, message: str) -> str | None:
    """Commit the file alone; its commit's id, or None when the file is already as committed."""
    path = str(relative)
    added = _git(root, "add", "--", path)
    if added.returncode != 0:
        raise OutputError("save_commit_failed", path=relative, reason=_reason(added))
    staged = _git(root, "diff", "--cached", "--quiet", "--", path)
    if staged.returncode == 0:
        return None  # nothing to commit: the text was the file's already
    env = {}
    if _git(root, "config", "user.email").returncode != 0:  # no identity for the desk: the author commits
        env = {"GIT_COMMITTER_NAME": author.name.strip(), "GIT_COMMITTER_EMAIL": author.email.strip()}
    committed = _git(
        root, "commit", "--quiet", f"--author={author.git}", "-m", message, "--", path, env=env
    )
    if committed.returncode != 0:
        raise OutputError("save_commit_failed", path=relative, reason=_reason(committed))
    head = _git(root, "rev-parse", "HEAD")
    log.info(wording.message("log_save_committed", path=relative, author=author.git, commit=head.stdout.strip()[:12]))
    return head.stdout.strip()


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


@contextlib.contextmanager
def _locked(folder: Path, name: str = _LOCK_FILE) -> Iterator[None]:
    """One holder at a time per repository (other processes and threads too: a lock per open file)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / name, "a+b") as handle:
        deadline = time.monotonic() + LOCK_TIMEOUT
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


def _under_content(relative: PurePosixPath) -> PurePosixPath:
    parts: Sequence[str] = relative.parts
    if relative.is_absolute() or not parts or parts[0] != CONTENT_DIR or ".." in parts:
        raise UsageError("usage_not_in_content", path=relative)
    return PurePosixPath(*parts[1:])


def _path(root: Path, relative: PurePosixPath) -> Path:
    return Path(root) / CONTENT_DIR / _under_content(PurePosixPath(relative))
