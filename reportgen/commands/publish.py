"""``reportgen publish --to TARGET``: the built site (``output/html``) → a new release on a web server, switched to in
one step (``deploy.py``); ``--rollback`` and ``--release NAME`` switch back or forward, ``--list`` lists."""

from __future__ import annotations

from pathlib import Path

from reportgen import layout
from reportgen.deploy import DEFAULT_KEEP, PublishReport, Target, publish, releases_of, rollback


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
    target = Target.parse(to, rsh)
    if list_only:
        return releases_of(target)
    if roll_back or release is not None:
        return rollback(target, release)
    site = layout.output_dir(Path(root).resolve(), output) / layout.HTML_DIR
    return publish(site, target, keep=keep)
