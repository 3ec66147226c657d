"""``reportgen publish --to TARGET``: the built site (``output/html``) → a new release on a web server, switched to in
one step (``publish/deploy.py``); ``--rollback`` and ``--release NAME`` switch back or forward, ``--list`` lists."""

from __future__ import annotations

from pathlib import Path

from reportgen import layout, wording
from reportgen.commands import Line, Outcome
from reportgen.publish.deploy import DEFAULT_KEEP, PublishReport, Target, publish, releases_of, rollback


def publish_site(
    root: Path,
    to: str,
    *,
    output: Path | None = None,
    keep: int = DEFAULT_KEEP,
    rsh: str | None = None,
    roll_back: bool = False,
    release: str | None = None,
    list_only: bool = False,
) -> PublishReport:
    """Publish ``root``'s built site to ``to``, or switch ``to`` to another release it keeps, or list them."""
    target = Target.parse(to, rsh)
    if list_only:
        return releases_of(target)
    if roll_back or release is not None:
        return rollback(target, release)
    site = layout.output_dir(Path(root).resolve(), output) / layout.HTML_DIR
    return publish(site, target, keep=keep)


def run(
    root: Path, to: str, *, output: Path | None = None, keep: int = DEFAULT_KEEP, rsh: str | None = None,
    roll_back: bool = False, release: str | None = None, list_only: bool = False, lang: str = "th",
) -> Outcome:
    """``reportgen publish``: the releases kept (``--list``, the one served marked ``*``), or what was published or
    switched to, a served folder adopted as a release first, and how to roll back."""
    report = publish_site(root, to, output=output, keep=keep, rsh=rsh, roll_back=roll_back, release=release,
                          list_only=list_only)  # fmt: skip
    if list_only:
        return Outcome(tuple(Line(("* " if name == report.current else "  ") + name) for name in report.kept))
    lines = []
    if report.adopted:
        lines.append(Line(wording.message("publish_adopted", lang, target=report.target, release=report.adopted)))
    key = "publish_switched" if roll_back or release is not None else "publish_done"
    lines.append(Line(wording.with_hint(key, lang, target=report.target, release=report.current,
                                        previous=report.previous or "–", kept=len(report.kept),
                                        removed=len(report.removed))))  # fmt: skip
    return Outcome(tuple(lines))
