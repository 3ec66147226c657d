"""``reportgen merge SHARD_OUTPUT...``: the outputs of ``build --shard K/N`` → one complete ``output/``.

Each shard rendered the PDFs of its share of the indicators (the slow part). The merge takes those PDFs and
writes the whole site around them with the same ``site_files`` a full build uses, from the whole project: every
form's page, the home and year pages, the data, the sitemap, the assets. So the merged output is byte for byte
what ``reportgen build`` (with the same options) would have written, and the pages that list every indicator are
never stitched together from partial views.

Nothing is trusted blindly. Every shard's manifest (``reportgen-shard.json``) must come from the same ``N`` and
the same options, shards 1…N must each be there exactly once, and so must every indicator of the project. Each
form's key must equal the key this checkout computes (same YAML, evidence files, templates, fonts, options and
versions: a shard built from another commit is refused), and each PDF's bytes must match the hash its shard
recorded (a damaged artifact is refused). Each PDF is read from the shard folder given, at the one path a build
writes it to: a manifest naming any other file (an absolute path, ``..``, another form's PDF) or a path through a
symbolic link is refused, and the hash is computed from the bytes read, never taken from the manifest. Any problem
stops the merge before anything is written.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportgen import layout, wording
from reportgen.commands import Line, Outcome, Shown
from reportgen.errors import ContentError, Problem, UsageError
from reportgen.layout import SHARD_MANIFEST
from reportgen.model import Entry
from reportgen.publish.cache import build_fingerprint, form_key
from reportgen.publish.options import BuildOptions
from reportgen.publish.pipeline import MANIFEST_FORMAT, load_for_build, write_pages, write_pdfs
from reportgen.publish.writer import OutputWriter
from reportgen.render.site_files import pdf_path
from reportgen.wording import Localized, localized

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MergeReport:
    """What a merge wrote: the files (relative to the output folder), from how many shards and forms."""

    output_dir: Path
    written: tuple[str, ...]
    shards: int
    forms: int
    warnings: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class _ShardOutput:
    folder: Path
    index: int
    count: int
    options: BuildOptions
    forms: dict[str, dict[str, str]]  # slug → {"source", "key", "pdf", "sha256"}


def _read_manifest(folder: Path) -> _ShardOutput:
    path = folder / SHARD_MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError("merge_not_shard", folder=folder, manifest=SHARD_MANIFEST) from None
    except (OSError, ValueError) as error:
        raise UsageError("merge_manifest_unreadable", path=path, reason=error) from None
    try:
        if manifest["format"] != MANIFEST_FORMAT:
            raise UsageError("merge_manifest_version", path=path, format=manifest["format"])
        index, count = manifest["shard"]
        options = BuildOptions(**manifest["options"])
        forms = dict(manifest["forms"])
    except (KeyError, TypeError, ValueError):
        raise UsageError("merge_manifest_invalid", path=path) from None
    return _ShardOutput(folder, int(index), int(count), options, forms)


def _check_shard_set(shards: list[_ShardOutput]) -> tuple[int, BuildOptions]:
    counts = {shard.count for shard in shards}
    if len(counts) != 1:
        listed = ", ".join(f"{shard.folder} ({shard.index}/{shard.count})" for shard in shards)
        raise UsageError("merge_different_n", shards=listed)
    count = counts.pop()
    seen: dict[int, Path] = {}
    for shard in shards:
        if shard.index in seen:
            raise UsageError(
                "merge_shard_twice", shard=f"{shard.index}/{count}", first=seen[shard.index], second=shard.folder
            )
        seen[shard.index] = shard.folder
    missing = [f"{index}/{count}" for index in range(1, count + 1) if index not in seen]
    if missing:
        raise UsageError("merge_shard_missing", shards=", ".join(missing), count=count)
    options = {shard.options for shard in shards}
    if len(options) != 1:
        raise UsageError("merge_different_options")
    return count, options.pop()


def _shard_pdf(folder: Path, named: str, expected: str) -> tuple[Path, Localized | str | None]:
    """The form's PDF in a shard's folder, and why it is refused (or None). A shard's PDF of a form is always at
    the path a build writes it to (``site.pdf_path``): the manifest may not name another file, and no part of the
    path may be a symbolic link, so nothing outside the shard folder given on the command line is ever published."""
    if named != expected:
        return folder / expected, localized("merge_refusal_path", path=expected)
    current = Path(folder)
    for part in expected.split("/"):
        current = current / part
        try:
            if current.is_symlink():
                return current, localized("merge_refusal_link")
        except OSError as error:
            return current, error.strerror or str(error)
    return current, None


def _read_regular_file(path: Path) -> bytes:
    """The bytes of a regular file, opened without following a final symbolic link (raises OSError)."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        return file.read()


def merge(root: Path, shard_outputs: Sequence[Path], *, output_dir: Path | None = None) -> MergeReport:
    """Assemble the shard outputs into ``output_dir`` (default ``root/output``), or raise without writing."""
    root = Path(root).resolve()
    if not shard_outputs:
        raise UsageError("merge_no_shards")
    shards = [_read_manifest(Path(folder)) for folder in shard_outputs]
    count, options = _check_shard_set(shards)
    project = load_for_build(root, options)
    withheld: tuple[Entry, ...] = ()
    if options.release:  # the shards published the forms that may be published; so does the merged site
        import dataclasses

        from reportgen.publish.release import plan_release
        plan = plan_release(project, strict=project.site.release_strict)
        if plan.errors:
            raise ContentError(list(plan.errors))
        project = dataclasses.replace(project, entries=plan.released)
        withheld = plan.withheld

    fingerprint = build_fingerprint(root, project.site, options)
    owner: dict[str, _ShardOutput] = {}
    problems: list[Localized] = []
    for shard in shards:
        for slug in shard.forms:
            if slug in owner:
                problems.append(localized("merge_form_twice", slug=slug, first=owner[slug].folder, second=shard.folder))
            owner[slug] = shard
    pdfs: dict[str, bytes] = {}
    files_of: dict[bytes, Path] = {}  # hard-link the shards' PDFs rather than write them again
    for entry in project.entries:
        owning = owner.pop(entry.slug, None)
        if owning is None:
            problems.append(localized("merge_form_in_no_shard", source=entry.source))
            continue
        form = owning.forms[entry.slug]
        if form.get("key") != form_key(fingerprint, root, entry):
            problems.append(localized("merge_form_other_commit", source=entry.source, shard=f"{owning.index}/{count}"))
            continue
        pdf_file, refusal = _shard_pdf(owning.folder, str(form.get("pdf", "")), pdf_path(entry))
        if refusal is not None:
            problems.append(localized("merge_outside_shard", slug=entry.slug, pdf=form.get("pdf"),
                                      folder=owning.folder, reason=refusal))  # fmt: skip
            continue
        try:
            pdf = _read_regular_file(pdf_file)
        except OSError as error:
            problems.append(localized("merge_pdf_unreadable", path=pdf_file, reason=error.strerror))
            continue
        # The hash is computed here from the bytes read; the manifest's only tells a damaged transfer apart.
        if hashlib.sha256(pdf).hexdigest() != form.get("sha256") or not pdf.startswith(b"%PDF-"):
            problems.append(localized("merge_pdf_damaged", path=pdf_file))
            continue
        pdfs[entry.slug] = pdf
        files_of[pdf] = pdf_file
    for slug, shard in owner.items():
        problems.append(localized("merge_form_not_in_project", slug=slug, shard=f"{shard.index}/{count}",
                                  folder=shard.folder))  # fmt: skip
    if problems:
        listed = Localized(*("\n  ".join(problem.get(lang) for problem in problems) for lang in ("th", "en")))
        raise UsageError("merge_failed", problems=listed)

    output_dir = layout.output_dir(root, output_dir)
    with OutputWriter(output_dir) as out:
        write_pdfs(out, project.entries, pdfs, files_of)
        write_pages(out, project, project.entries, withheld=withheld)
        out.commit()
    logger.info(wording.message("merge_done", shards=count, forms=len(pdfs), folder=output_dir))
    return MergeReport(output_dir, tuple(out.written), count, len(pdfs), tuple(project.warnings))


def run(
    root: Path, shard_outputs: Sequence[Path], *, output_dir: Path | None = None, lang: str = "th",
    verbose: bool = False, quiet: bool = False,
) -> Outcome:
    """``reportgen merge``: with ``verbose`` every file written (stdout), then unless ``quiet`` the summary."""
    report = merge(root, shard_outputs, output_dir=output_dir)
    shown: list[Shown] = []
    if verbose:
        shown.extend(Line(report.output_dir.name + "/" + path) for path in report.written)
    if not quiet:
        line = wording.message("merge_done", lang, shards=report.shards, forms=report.forms, folder=report.output_dir)
        shown.append(Line(line, to_stderr=True))
    return Outcome(tuple(shown))
