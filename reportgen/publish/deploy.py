"""A built site (``output/html``) → a release folder on a web server, switched to in one step, the last ones kept.

``rsync -a --delete`` into the served folder leaves a reader, during the upload, a site half old and half new (a
page of today linking to a PDF of yesterday), and no way back to yesterday's site (issue 27). Here the served path
(``TARGET``, the folder the web server serves, e.g. ``/var/www/bangkoklibrary.go.th/kpi``) is a symbolic link to
one complete release:

```
/var/www/bangkoklibrary.go.th/kpi -> .kpi-releases/20261207T031500Z
/var/www/bangkoklibrary.go.th/.kpi-releases/20261207T031500Z/   (the site as built)
/var/www/bangkoklibrary.go.th/.kpi-releases/20261130T020000Z/   (the one before: rollback)
```

Publishing uploads the site into a new release folder beside the others (``<name>.partial`` until it is whole; files
that did not change are hard links to the current release's, so a release costs only what changed), then points the
link at it with ``rename(2)``, which replaces the link in one step: a reader gets the old site or the new one, never
a mix. The last ``keep`` releases stay (never the current one); ``rollback`` points the link back at the release
before the current one. A first publish into a served folder that is still a real folder (the README's old
``rsync`` recipe) keeps that folder as the first release, so it can be rolled back to.

The target is a local folder (a web server's folder on this machine, a mounted share) or ``user@host:/path``, reached
with ``ssh`` (``rsh``, e.g. ``ssh -p 2222 -i key``) and ``rsync`` on both ends; the remote side needs only a POSIX
shell, GNU ``mv -T`` and ``rsync``. Nothing is written into the project.
"""

from __future__ import annotations

import datetime as dt
import filecmp
import logging
import os
import re
import shlex
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from reportgen import wording
from reportgen.errors import UsageError

logger = logging.getLogger(__name__)

#: How many releases a target keeps by default (the current one included).
DEFAULT_KEEP = 5
#: A release's folder name: when it was published, in UTC, to the second (sorting by name is sorting by time).
RELEASE_NAME = re.compile(r"\d{8}T\d{6}Z(?:-\d+)?")
PARTIAL = ".partial"
#: ``user@host:/path`` or ``host:path`` (not ``C:\\…``, not a path with a slash before the colon).
REMOTE = re.compile(r"(?P<host>[^/:@\s]+@[^/:\s]+|[^/:\s]{2,}):(?P<path>.+)")


class PublishError(UsageError):
    """Nothing was switched: the site is missing, the target is unusable, or a copy or command failed there. The
    served site is the one it was."""

    exit_code = 1


@dataclass(frozen=True)
class PublishReport:
    """What ``publish`` or ``rollback`` did: the release now served, the one served before, the releases kept
    (oldest first), the ones removed, and whether a served real folder was adopted as a release."""

    target: str
    current: str
    previous: str | None
    kept: tuple[str, ...]
    removed: tuple[str, ...] = ()
    adopted: str | None = None


@dataclass(frozen=True)
class Target:
    """Where a site is served: ``path`` (the link the web server serves), on ``host`` (None: this machine)."""

    path: PurePosixPath
    host: str | None = None
    rsh: tuple[str, ...] = ("ssh",)

    @classmethod
    def parse(cls, text: str, rsh: str | None = None) -> Target:
        match = REMOTE.fullmatch(text)
        rsh_words = tuple(shlex.split(rsh)) if rsh else ("ssh",)
        if match and not Path(text).exists():
            path = PurePosixPath(match.group("path"))
            if not path.is_absolute():
                raise PublishError("publish_remote_relative", target=text)
            return cls(path, match.group("host"), rsh_words)
        return cls(PurePosixPath(Path(text).absolute().as_posix()), None, rsh_words)

    def __str__(self) -> str:
        return f"{self.host}:{self.path}" if self.host else str(self.path)

    @property
    def releases(self) -> PurePosixPath:
        """The folder of the releases, beside the served link: ``.<name>-releases`` (hidden from listings)."""
        return self.path.parent / f".{self.path.name}-releases"

    def link_value(self, release: str) -> str:
        """What the link holds: the release relative to the link's folder, so that it resolves wherever the tree
        is mounted (a chroot, a container, a backup)."""
        return f"{self.releases.name}/{release}"

    # --- the few operations publishing needs, on this machine or over ssh ----------------------------------------

    def shell(self, script: str) -> str:
        """Run ``script`` (POSIX sh) where the target is; its standard output. A failure is a ``PublishError``."""
        command = [*self.rsh, self.host, script] if self.host else ["sh", "-c", script]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=600)
        except (OSError, subprocess.SubprocessError) as error:
            raise PublishError("publish_command_failed", command=command[0], target=self, error=error) from None
        if done.returncode != 0:
            reason = (done.stderr or done.stdout).strip().splitlines()
            raise PublishError("publish_command_failed", command=command[0], target=self,
                               error=reason[-1] if reason else done.returncode)  # fmt: skip
        return done.stdout

    def state(self) -> tuple[str, list[str]]:
        """What the served path is (``link:<release>``, ``folder``, ``missing`` or ``other``) and the releases
        there, oldest first."""
        path, releases = shlex.quote(str(self.path)), shlex.quote(str(self.releases))
        out = self.shell(
            f"if [ -L {path} ]; then printf 'link:%s\\n' \"$(readlink {path})\"; "
            f"elif [ -d {path} ]; then echo folder; elif [ -e {path} ]; then echo other; else echo missing; fi; "
            f"if [ -d {releases} ]; then ls -1 {releases}; fi"
        )
        lines = out.splitlines()
        kind = lines[0] if lines else "missing"
        if kind.startswith("link:"):
            value = kind.removeprefix("link:").rstrip("/")
            kind = "link:" + (value.rsplit("/", 1)[-1] if value.startswith(self.releases.name + "/") else "")
        return kind, sorted((name for name in lines[1:] if RELEASE_NAME.fullmatch(name)), key=release_order)

    def upload(self, site: Path, release: str, current: str | None) -> None:
        """The site into ``<releases>/<release>.partial``, then renamed to ``<release>``: a release folder is
        always whole. Unchanged files are hard links to ``current``'s."""
        partial = self.releases / (release + PARTIAL)
        if self.host is None:
            _copy_linking(site, Path(partial), Path(self.releases / current) if current else None)
            os.rename(partial, self.releases / release)
            return
        self.shell(f"mkdir -p {shlex.quote(str(self.releases))} && rm -rf {shlex.quote(str(partial))}")
        command = ["rsync", "-a", "--delete", "-e", shlex.join(self.rsh)]
        if current:
            command.append(f"--link-dest=../{current}")  # relative to the destination folder
        command += [f"{site}/", f"{self.host}:{partial}/"]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=3600)
        except (OSError, subprocess.SubprocessError) as error:
            raise PublishError("publish_command_failed", command="rsync", target=self, error=error) from None
        if done.returncode != 0:
            reason = (done.stderr or done.stdout).strip().splitlines()
            raise PublishError("publish_command_failed", command="rsync", target=self,
                               error=reason[-1] if reason else done.returncode)  # fmt: skip
        self.shell(f"mv {shlex.quote(str(partial))} {shlex.quote(str(self.releases / release))}")

    def switch(self, release: str) -> None:
        """Point the served link at ``release`` in one step: a new link beside it, renamed over it."""
        new_link = self.path.parent / f".{self.path.name}.link-{os.getpid()}"
        if self.host is None:
            try:
                os.unlink(new_link)
            except FileNotFoundError:
                pass
            os.symlink(self.link_value(release), new_link)
            os.replace(new_link, self.path)  # rename(2): atomic, also over an existing link
            return
        link, value = shlex.quote(str(new_link)), shlex.quote(self.link_value(release))
        self.shell(f"rm -f {link} && ln -s {value} {link} && mv -T {link} {shlex.quote(str(self.path))}")

    def adopt(self, release: str) -> None:
        """The served real folder becomes release ``release``, and the served path a link to it (two renames, one
        after the other: the only moment a reader could miss the site, once, on the first publish)."""
        destination = self.releases / release
        if self.host is None:
            os.makedirs(self.releases, exist_ok=True)
            os.rename(self.path, destination)
        else:
            path = shlex.quote(str(self.path))
            self.shell(f"mkdir -p {shlex.quote(str(self.releases))} && mv {path} {shlex.quote(str(destination))}")
        self.switch(release)

    def remove(self, names: list[str]) -> None:
        if not names:
            return
        if self.host is None:
            for name in names:
                shutil.rmtree(self.releases / name, ignore_errors=True)
            return
        self.shell("rm -rf " + " ".join(shlex.quote(str(self.releases / name)) for name in names))

    def prepare(self) -> None:
        """The releases folder exists, and no partial upload of an earlier, interrupted publish is left in it."""
        if self.host is None:
            os.makedirs(self.releases, exist_ok=True)
            for leftover in Path(self.releases).glob("*" + PARTIAL):
                shutil.rmtree(leftover, ignore_errors=True)
            return
        releases = shlex.quote(str(self.releases))
        self.shell(f"mkdir -p {releases} && rm -rf {releases}/*{PARTIAL}")


def _copy_linking(site: Path, destination: Path, previous: Path | None) -> None:
    """``site`` copied to ``destination``; a file with the same bytes at the same place in ``previous`` is hard-linked
    from there instead (as ``rsync --link-dest``)."""
    if destination.exists():
        shutil.rmtree(destination)

    def copy(source: str, target: str) -> None:
        relative = Path(source).relative_to(site)
        before = previous / relative if previous is not None else None
        if before is not None and before.is_file() and not before.is_symlink() and filecmp.cmp(source, before, shallow=False):
            os.link(before, target)
        else:
            shutil.copy2(source, target)

    shutil.copytree(site, destination, copy_function=copy, symlinks=False)


def release_order(name: str) -> tuple[str, int]:
    """A release name's place in time: its stamp, then its number (``…Z-2`` after ``…Z``, ``…Z-10`` after ``…Z-9``)."""
    stamp, _, number = name.partition("-")
    return stamp, int(number or 1)


def _new_release_name(existing: list[str], now: dt.datetime) -> str:
    """A name after every existing one: now's stamp, numbered after the same second's, and never before the latest
    (a clock set back would otherwise make the newest release sort as the oldest)."""
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    latest = max((release_order(name) for name in existing), default=("", 0))
    if stamp > latest[0]:
        return stamp
    stamp, number = latest[0], latest[1] + 1
    return f"{stamp}-{number}"


def _current(kind: str, target: Target) -> str | None:
    if kind == "other" or (kind.startswith("link:") and not kind.removeprefix("link:")):
        raise PublishError("publish_target_not_ours", target=target)
    return kind.removeprefix("link:") if kind.startswith("link:") else None


def publish(site: Path, target: Target, *, keep: int = DEFAULT_KEEP, now: dt.datetime | None = None) -> PublishReport:
    """Upload ``site`` (a built ``output/html``) as a new release of ``target``, switch to it, keep the last
    ``keep`` releases. Raises ``PublishError`` with the served site unchanged."""
    if keep < 2:
        raise PublishError("publish_keep_at_least_two", keep=keep)
    if not (site / "index.html").is_file():
        raise PublishError("publish_no_site", folder=site)
    kind, releases = target.state()
    current = _current(kind, target)
    _guarded(target, target.prepare)
    adopted = None
    if kind == "folder":  # the served folder of the old rsync recipe: kept as the first release
        adopted = _new_release_name(releases, (now or dt.datetime.now(dt.UTC)) - dt.timedelta(seconds=1))
        _guarded(target, lambda: target.adopt(adopted))
        releases, current = sorted([*releases, adopted], key=release_order), adopted
    release = _new_release_name(releases, now or dt.datetime.now(dt.UTC))
    logger.info(wording.message("publish_uploading", target=target, release=release))
    _guarded(target, lambda: target.upload(site, release, current))
    _guarded(target, lambda: target.switch(release))
    releases = sorted([*releases, release], key=release_order)
    removed = [name for name in releases[:-keep] if name != release]
    _guarded(target, lambda: target.remove(removed))
    kept = tuple(name for name in releases if name not in removed)
    return PublishReport(str(target), release, current, kept, tuple(removed), adopted)


def _guarded(target: Target, step: Callable[[], object]) -> None:
    """``step()``, a local file operation's failure (no room, no permission) said as a ``PublishError``."""
    try:
        step()
    except OSError as error:
        raise PublishError("publish_command_failed", command="reportgen", target=target,
                           error=error.strerror or error) from None  # fmt: skip


def rollback(target: Target, release: str | None = None) -> PublishReport:
    """Point ``target`` back at the release before the one it serves, or at ``release`` (forward again after a
    rollback). Nothing is deleted."""
    kind, releases = target.state()
    current = _current(kind, target)
    if release is not None:
        if release not in releases:
            raise PublishError("publish_no_such_release", target=target, release=release,
                               releases=", ".join(releases) or "–")  # fmt: skip
        chosen = release
    else:
        older = [name for name in releases if current is None or release_order(name) < release_order(current)]
        if not older:
            raise PublishError("publish_nothing_to_roll_back", target=target)
        chosen = older[-1]
    _guarded(target, lambda: target.switch(chosen))
    return PublishReport(str(target), chosen, current, tuple(releases))


def releases_of(target: Target) -> PublishReport:
    """The releases of ``target`` and which one is served, changing nothing."""
    kind, releases = target.state()
    current = _current(kind, target)
    return PublishReport(str(target), current or "", None, tuple(releases))
