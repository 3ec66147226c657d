"""content/ → output/, all or nothing, rendering only the forms that changed: the build pipeline the commands call.

In stages: load (``load_for_build``) → select (``select_for_build``) → unchanged (a build of every form whose inputs
and output are those the last one left, ``unchanged.py``, stops here, touching nothing) → cached (``take_cached``) → render
(``render_missing``), while the web pages, the site's files and the search index, which need no PDF, are written
into the writer's staging folder meanwhile (``write_pages``, in a thread) → the PDFs (``write_pdfs``) → swap.
Each stage's time is logged (``-v``: ``log_build_stages``). ``build`` runs them all for
``reportgen build``; ``reportgen merge`` reuses load, ``write_pdfs`` and ``write_pages``; ``reportgen serve`` calls
``build``.

Everything is loaded and validated first (a single invalid file stops the build before anything is rendered);
``--as-of`` turns every indicator into its state at the end of that quarter, and ``--release`` sorts the forms
into those that may be published and those left out (``release.plan_release``): a release build is always the
whole site of the released forms (every one of them rendered or taken from the cache, whatever FILE names, so no
page of a draft from an earlier build stays behind), and FILE only says which forms must be publishable. Then each selected form's PDF is taken from the cache (``publish/cache.py``) when nothing it depends
on changed, and the others are rendered in parallel (``pool.py``). Last, every file is put into the writer's
staging folder, which replaces ``output/`` in one atomic step only when all of it succeeded: cached PDFs are
hard-linked rather than copied. A failed, interrupted or killed build leaves the previous ``output/`` as it was.

``--shard K/N`` builds a deterministic share of the indicators, for a city-wide build spread over N CI runners:
an indicator belongs to shard ``1 + (SHA-256 of its slug) mod N``. A hash rather than a round robin over the
sorted slugs (which balances exactly) because it is stable: adding or removing an indicator moves no other one to
another shard, so each runner's restored cache stays valid. With N ≪ the number of indicators the shares are even
enough (1000 indicators on 4 runners: 250 ± 14). A shard's output also holds ``reportgen-shard.json``, the
manifest ``reportgen merge`` checks (``commands/merge.py``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportgen import layout, linebreak, wording
from reportgen.content.project import load_project
from reportgen.digest import sign_state
from reportgen.errors import ContentError, Problem, RenderError, UsageError
from reportgen.layout import BOOK_DIR, SHARD_MANIFEST
from reportgen.model import BrokenForm, Entry, Project
from reportgen.progress import BuildProgress, BuildSummary
from reportgen.publish.cache import FormCache, build_fingerprint, form_key
from reportgen.publish.options import BuildOptions, BuildRequest, Shard
from reportgen.publish.pool import default_jobs, render_pdfs, start_fork_server
from reportgen.publish.search import write_search_index
from reportgen.publish.unchanged import build_state, forget, is_unchanged, record, tree_listing
from reportgen.publish.writer import OutputWriter
from reportgen.render.html import Templates
from reportgen.render.site_files import OutputBundle, pdf_files, pdf_path, site_files
from reportgen.standing import Reporting, as_of

logger = logging.getLogger(__name__)

MANIFEST_FORMAT = 1


class StageClock:
    """The wall time of each stage of a build, in order, for ``-v`` and the benchmark (``log_build_stages``)."""

    def __init__(self) -> None:
        self.stages: dict[str, float] = {}
        self._last = time.monotonic()

    def lap(self, stage: str) -> None:
        """The time since the previous lap (or the clock's start) was spent in ``stage``."""
        now = time.monotonic()
        self.stages[stage] = self.stages.get(stage, 0.0) + (now - self._last)
        self._last = now

    def text(self) -> str:
        return " ".join(f"{stage}={seconds * 1000:.0f}" for stage, seconds in self.stages.items())


@dataclass(frozen=True)
class BuildReport:
    """What a build did: the files written (relative to the output folder), the content's warnings, and the forms:
    ``built`` (rendered now), ``unchanged`` (taken from the cache), ``failed`` (0 in a returned report: a failed
    build raises), ``seconds`` (the whole build). ``jobs`` is the number of rendering processes used."""

    output_dir: Path
    written: tuple[str, ...]
    warnings: tuple[Problem, ...]
    built: int = 0
    released: int = 0  # a release build: the forms published, and those left out (listed among the warnings)
    withheld: tuple[str, ...] = ()
    #: The indicator files left out because they have errors (``model.BrokenForm``: each with its problems). A
    #: release lists them among its warnings and in ``withheld``; another build reports them on their own.
    broken: tuple[BrokenForm, ...] = ()
    unchanged: int = 0
    failed: int = 0
    seconds: float = 0.0
    jobs: int = 1

    @property
    def summary(self) -> BuildSummary:
        return BuildSummary(self.built, self.unchanged, self.failed, self.seconds)


def select_entries(project: Project, paths: Sequence[Path] | None) -> tuple[Entry, ...]:
    """The entries whose source files were named on the command line, or all of them. A file named that has
    errors (``project.broken``) stops the build with its problems: what was asked for cannot be made."""
    if not paths:
        return project.entries
    wanted = {Path(path).resolve() for path in paths}
    named_broken = [form for form in project.broken if (project.root / form.source).resolve() in wanted]
    if named_broken:
        raise ContentError([problem for form in named_broken for problem in form.problems])
    by_path = {(project.root / entry.source).resolve(): entry for entry in project.entries}
    selected = tuple(entry for path, entry in by_path.items() if path in wanted)
    missing = wanted - by_path.keys()
    if missing:
        names = ", ".join(sorted(str(path) for path in missing))
        raise UsageError("usage_not_indicator_files", paths=names)
    return selected


def project_as_of(project: Project, quarter: int | None) -> Project:
    """The project as it stood at the end of ``quarter`` (every indicator through ``standing.as_of``); None: as is.

    A form's sign-off is checked again against the text as of that quarter: only a form whose text then was exactly
    the signed text prints as signed (``standing.as_of`` drops a sign-off dated after the quarter)."""
    if quarter is None:
        return project
    content_dir = layout.content_dir(project.root)
    entries = []
    for entry in project.entries:
        then = as_of(entry.indicator, quarter)
        state = entry.sign_state if then == entry.indicator else sign_state(then, content_dir)
        entries.append(dataclasses.replace(entry, indicator=then, sign_state=state))
    return dataclasses.replace(project, entries=tuple(entries))


def load_for_build(
    root: Path, options: BuildOptions, *, strict: bool = False, use_cache: bool = True, per_form: bool = False
) -> Project:
    """Load and validate content/ (the whole project: the site lists every indicator, and cross-file rules need all
    files), as of ``options.as_of``. ``per_form``: a file with errors is left out (``Project.broken``)."""
    project = load_project(root, strict=strict, use_cache=use_cache, per_form=per_form)
    return project_as_of(project, options.as_of)


#: What a build needs besides content/: the templates of the form and the site, and the fonts they use.
REQUIRED_TEMPLATES = ("form.html.j2", "print.html.j2", "page.html.j2", "index.html.j2")


def check_project_folders(root: Path) -> None:
    """Refuse, as a usage error, a project without the templates/ and fonts/ folders a build needs."""
    missing = [
        f"{layout.TEMPLATES_DIR}/{name}" for name in REQUIRED_TEMPLATES if not (layout.templates_dir(root) / name).is_file()
    ] + ([f"{layout.FONTS_DIR}/"] if not layout.fonts_dir(root).is_dir() else [])
    if missing:
        listed = ", ".join(missing[:3]) + (" …" if len(missing) > 3 else "")
        raise UsageError("usage_missing_project_folders", missing=listed, root=root)


def build(root: Path, request: BuildRequest = BuildRequest()) -> BuildReport:
    """Build output/ (or ``request.output_dir``) from content/, as ``request`` says (``options.BuildRequest``). With
    ``request.paths``, render only those files and keep the rest."""
    paths: Sequence[Path] | None = request.paths or None
    options, strict, shard, use_cache = request.options, request.strict, request.shard, request.use_cache
    output_dir = request.output_dir
    started = time.monotonic()
    clock = StageClock()
    root = Path(root).resolve()
    check_project_folders(root)
    progress = request.progress or BuildProgress()
    jobs = request.jobs if request.jobs is not None else default_jobs()
    if jobs < 1:
        raise UsageError("usage_jobs_at_least_one", jobs=jobs)
    if output_dir is not None:  # a folder that cannot be built into is refused before minutes of rendering
        OutputWriter(output_dir).check()
    if jobs > 1:
        start_fork_server()  # imports WeasyPrint on another core while this one loads the content
    # One form's errors are that form's: it is left out, the others are built (--strict: every problem stops all).
    clock.lap("start")
    project = load_for_build(root, options, strict=strict, use_cache=use_cache, per_form=not strict)
    clock.lap("load")
    if project.broken and not project.entries and not options.release:
        raise ContentError([problem for form in project.broken for problem in form.problems])  # nothing to build
    reporting = request.reporting or Reporting.now(options.as_of)
    chosen = select_for_build(project, paths, options, shard, strict_release=strict)
    project, selected, paths = chosen.project, chosen.selected, chosen.paths
    clock.lap("select")

    fingerprint = build_fingerprint(root, project.site, options)
    output_dir = layout.output_dir(root, output_dir)
    # A whole-site build of the inputs of the last one, whose output is still the tree it committed, touches nothing.
    state = build_state(fingerprint, root, options, shard, reporting) if use_cache and not paths else None
    if state is not None:
        OutputWriter(output_dir).tidy()  # what a killed build left beside the output goes, as in every build
    if state is not None and is_unchanged(root, output_dir, state):
        clock.lap("unchanged")
        progress.started(to_render=0, unchanged=len(selected), jobs=1)
        return _finished(BuildReport(output_dir, (), (), unchanged=len(selected)), chosen, options, progress, started, clock)
    # What every form and page is made with: a broken template or dictionary.txt stops everything, with its message.
    renderer = Templates(layout.templates_dir(root), project.site)
    renderer.check()
    clock.lap("templates")
    keys = {entry.slug: form_key(fingerprint, root, entry) for entry in selected}
    cache = FormCache.for_project(root, options) if use_cache else None
    pdfs, files_of = take_cached(cache, selected, keys)
    clock.lap("cached")
    to_render = [entry for entry in selected if entry.slug not in pdfs]
    unchanged = len(pdfs)
    jobs_used = max(1, min(jobs, len(to_render)))
    page_cache = FormCache.pages_for_project(root, options) if use_cache else None
    page_keys: set[str] = set()
    search_cache = FormCache.search_for_project(root, options) if use_cache else None
    search_keys: set[str] = set()
    with OutputWriter(output_dir, keep_existing=bool(paths), keep_folders=(BOOK_DIR,), require_ours=True) as out:
        clock.lap("staging")
        # The pages, the site's files and the search index need no PDF: they are made while the forms render.
        pages = _PagesMeanwhile(
            out=out, project=project, selected=selected, fingerprint=fingerprint, page_cache=page_cache,
            page_keys=page_keys, withheld=chosen.withheld, reporting=reporting, renderer=renderer,
            search_cache=search_cache, search_keys=search_keys,
        )  # fmt: skip
        progress.started(to_render=len(to_render), unchanged=unchanged, jobs=jobs_used)
        try:
            render_missing(
                root, project, options, to_render, keys, cache, pdfs, files_of,
                jobs=jobs_used, progress=progress, unchanged=unchanged, started=started,
            )  # fmt: skip
        except KeyboardInterrupt:
            pages.abandon(interrupted=True)
            raise
        except BaseException:
            pages.abandon()
            raise
        built = len(to_render)
        clock.lap("render")
        meanwhile = pages.finish()
        clock.lap("pages_after_render")
        clock.stages.update({f"{stage}_meanwhile": seconds for stage, seconds in meanwhile.items()})
        pdf_paths = write_pdfs(out, selected, pdfs, files_of)
        clock.lap("pdfs")
        if shard is not None:
            manifest = shard_manifest(shard, options, selected, keys, pdfs, pdf_paths)
            out.write_bytes(SHARD_MANIFEST, manifest)
        committed = tree_listing(out.staging_dir) if state is not None and out.staging_dir is not None else None
        out.commit()
        clock.lap("swap")
    if state is not None and committed is not None:
        record(root, output_dir, state, committed)
    elif use_cache:
        forget(root, output_dir)
    if cache is not None and not paths:
        cache.prune(keys.values())
    if page_cache is not None and not paths:
        page_cache.prune(page_keys)
    if search_cache is not None and search_keys:
        search_cache.prune(search_keys)  # a partial build indexes every page too: its index is the one to keep
    clock.lap("prune")
    made = BuildReport(output_dir, tuple(out.written), (), built=built, unchanged=unchanged, jobs=jobs_used)
    return _finished(made, chosen, options, progress, started, clock)


def _finished(
    made: BuildReport, chosen: Selection, options: BuildOptions, progress: BuildProgress, started: float,
    clock: StageClock,
) -> BuildReport:
    """The report of a build that ``made`` its output (or found it unchanged): with the content's warnings, the
    forms a release left out and the files with errors; logged, and shown by ``progress``."""
    seconds = time.monotonic() - started
    logger.info(wording.message(
        "log_built", forms=made.built, unchanged=made.unchanged, folder=made.output_dir, seconds=f"{seconds:.1f}"
    ))
    logger.info(wording.message("log_build_stages", stages=clock.text()))
    report = dataclasses.replace(
        made,
        warnings=tuple(chosen.project.warnings) + tuple(chosen.release_warnings),
        released=len(chosen.selected) if options.release else 0,
        withheld=chosen.left_out,
        broken=chosen.broken if options.release else tuple(chosen.project.broken),
        seconds=seconds,
    )
    progress.finished(report.summary)
    return report


@dataclass(frozen=True)
class Selection:
    """The forms a build makes: the project they belong to (a release: only the released forms), the entries to
    build, the files named (None: the whole site) and, for a release, the forms withheld and its warnings."""

    project: Project
    selected: tuple[Entry, ...]
    paths: Sequence[Path] | None
    withheld: tuple[Entry, ...] = ()
    release_warnings: tuple[Problem, ...] = ()
    broken: tuple[BrokenForm, ...] = ()  # a release: the files with errors it left out (listed among its warnings)
    left_out: tuple[str, ...] = ()  # a release: every form left out, by slug


def select_for_build(
    project: Project, paths: Sequence[Path] | None, options: BuildOptions, shard: Shard | None, *,
    strict_release: bool = False,
) -> Selection:
    """Stage 2: the forms named (or all), the release's publishable ones (``release.plan_release``), the shard's."""
    selected = select_entries(project, paths)
    withheld: tuple[Entry, ...] = ()
    release_warnings: tuple[Problem, ...] = ()
    broken: tuple[BrokenForm, ...] = ()
    left_out: tuple[str, ...] = ()
    if options.release:
        from reportgen.publish.release import plan_release  # loaded only by a release build

        plan = plan_release(project, selected if paths else None, strict=strict_release or project.site.release_strict)
        if plan.errors:
            raise ContentError(list(plan.errors))
        project = dataclasses.replace(project, entries=plan.released, broken=())
        selected, withheld, release_warnings = plan.released, plan.withheld, plan.warnings
        broken, left_out = plan.broken, plan.left_out
        paths = None  # a release is always the whole site of the released forms
    if shard is not None:
        if paths:
            raise UsageError("usage_shard_with_files")
        selected = tuple(entry for entry in selected if shard.owns(entry))
    return Selection(project, selected, paths, withheld, release_warnings, broken, left_out)


def take_cached(
    cache: FormCache | None, selected: Sequence[Entry], keys: dict[str, str]
) -> tuple[dict[str, bytes], dict[bytes, Path]]:
    """Stage 3: the PDFs of the selected forms the cache holds, verified, by slug; and the entries holding them
    (PDF bytes → the file, to hard-link instead of writing)."""
    pdfs: dict[str, bytes] = {}
    files_of: dict[bytes, Path] = {}
    if cache is not None:
        for entry in selected:
            if hit := cache.get(keys[entry.slug]):
                pdfs[entry.slug] = hit.data
                files_of[hit.data] = hit.path
    return pdfs, files_of


def render_missing(
    root: Path, project: Project, options: BuildOptions, to_render: list[Entry], keys: dict[str, str],
    cache: FormCache | None, pdfs: dict[str, bytes], files_of: dict[bytes, Path], *,
    jobs: int, progress: BuildProgress, unchanged: int, started: float,
) -> None:
    """Stage 4: render the forms the cache did not hold (``pool.render_pdfs``) into ``pdfs``, storing each in the
    cache as it arrives. A failure or Ctrl-C still ends the progress display with its summary, then goes on up."""
    rendered = 0

    def on_rendered(entry: Entry, pdf: bytes) -> None:
        nonlocal rendered
        rendered += 1
        if cache is not None and (path := cache.put(keys[entry.slug], pdf)) is not None:
            files_of[pdf] = path
        progress.rendered(entry.slug)

    try:
        pdfs.update(render_pdfs(root, project.site, to_render, options, jobs=jobs, on_rendered=on_rendered))
    except BaseException as error:  # a form failed, or Ctrl-C: the display still ends with the summary
        failed = len(getattr(error, "failed", ())) or (1 if isinstance(error, RenderError) else 0)
        progress.finished(BuildSummary(rendered, unchanged, failed, time.monotonic() - started))
        raise


def write_pdfs(
    out: OutputWriter, selected: Sequence[Entry], pdfs: dict[str, bytes], files_of: dict[bytes, Path]
) -> dict[str, str]:
    """Put the selected forms' PDFs into ``out``, hard-linked from the cache entry holding their bytes where there
    is one; return where each form's PDF first went, by slug."""
    pdf_paths: dict[str, str] = {}
    for entry in selected:
        pdf = pdfs[entry.slug]
        for file in pdf_files(entry, pdf):
            pdf_paths.setdefault(entry.slug, file.path)
            out.link_or_write(file.path, files_of.get(pdf), pdf)
    return pdf_paths


def write_pages(
    out: OutputWriter,
    project: Project,
    selected: Sequence[Entry],
    fingerprint: str | None = None,
    page_cache: FormCache | None = None,
    page_keys: set[str] | None = None,
    *,
    withheld: Sequence[Entry] = (),
    reporting: Reporting | None = None,
    renderer: Templates | None = None,
    clock: StageClock | None = None,
    stop: threading.Event | None = None,
    search_cache: FormCache | None = None,
    search_keys: set[str] | None = None,
) -> None:
    """Put every file of the site but the PDFs into ``out``, then the search index of the site's pages. Nothing here
    needs a rendered PDF, so a build runs it while its forms render; ``stop``, once set, ends it early.

    With the build's ``fingerprint`` and a ``page_cache``, a form's web page (and the bundle of pages drawn from the
    whole project) is hard-linked from the cache when nothing it shows changed, and rendered (and cached)
    otherwise; the keys used are added to ``page_keys`` (for pruning the cache). So is the search index, with a
    ``search_cache`` (``search.write_search_index``), its keys added to ``search_keys``.
    """
    with_keys = fingerprint if page_cache is not None else None
    files = site_files(
        project, selected, None, page_fingerprint=with_keys, withheld=withheld, reporting=reporting, renderer=renderer
    )
    for file in files:
        if stop is not None and stop.is_set():
            return
        if isinstance(file, OutputBundle):
            _write_bundle(out, file, page_cache, page_keys)
            continue
        if file.copy_of is not None:
            out.copy_file(file.path, file.copy_of)
            continue
        if file.key is not None and page_cache is not None:
            if page_keys is not None:
                page_keys.add(file.key)
            hit = page_cache.get(file.key)
            data = hit.data if hit else file.contents()
            source = hit.path if hit else page_cache.put(file.key, data)
            out.link_or_write(file.path, source, data)
            continue
        out.write_bytes(file.path, file.contents())
    if clock is not None:
        clock.lap("pages")
    if stop is not None and stop.is_set():
        return
    # From every indicator page now in the build, carried-over ones too, cut into words as their lines are.
    dictionary = renderer.words if renderer is not None else linebreak.load_dictionary(layout.content_dir(project.root))
    write_search_index(out, dictionary, search_cache, search_keys)
    if clock is not None:
        clock.lap("search")


#: Seconds a build stopped by Ctrl-C waits for the pages thread to stop (it checks between files).
INTERRUPTED_WAIT = 3.0


class _PagesMeanwhile:
    """``write_pages`` in a thread of its own while the forms render; ``finish`` waits for it and raises what it
    raised; ``abandon`` (the rendering failed, or Ctrl-C) stops it at the next file and waits."""

    def __init__(self, **arguments: object):
        self.clock = StageClock()
        self.stop = threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, kwargs=arguments, name="reportgen-pages", daemon=True)
        self.thread.start()

    def _run(self, **arguments: Any) -> None:
        try:
            write_pages(**arguments, clock=self.clock, stop=self.stop)
        except BaseException as error:  # noqa: BLE001 - handed to the build's thread, raised there
            self.error = error

    def finish(self) -> dict[str, float]:
        """Wait for the pages; their time per stage."""
        self.thread.join()
        if self.error is not None:
            raise self.error
        return self.clock.stages

    def abandon(self, *, interrupted: bool = False) -> None:
        self.stop.set()
        # A Ctrl-C that lands inside an import can leave the interpreter's import lock with this (the main) thread,
        # and the pages thread then waits for it inside its own import for ever (seen with PyThaiNLP's first
        # import). After Ctrl-C the wait is bounded: the thread is a daemon and ends with the process, and the
        # writer removes the staging folder it wrote into.
        self.thread.join(INTERRUPTED_WAIT if interrupted else None)


def _write_bundle(
    out: OutputWriter, bundle: OutputBundle, page_cache: FormCache | None, page_keys: set[str] | None
) -> None:
    """Put the bundle's files into ``out``: hard-linked from the page cache when it holds all of them under the
    bundle's key, else made now (and cached)."""
    cached = page_cache.get_bundle(bundle.key) if page_cache is not None else None
    parts: list[tuple[str, bytes, Path | None]]
    if cached is not None:
        parts = [(path, hit.data, hit.path) for path, hit in cached]
    else:
        made = [(file.path, file.contents()) for file in bundle.render()]
        parts = page_cache.put_bundle(bundle.key, made) if page_cache is not None else [(p, d, None) for p, d in made]
    if page_cache is not None and page_keys is not None:
        page_keys.update(page_cache.bundle_keys(bundle.key, [path for path, _, _ in parts]))
    for path, data, source in parts:
        out.link_or_write(path, source, data)


def shard_manifest(
    shard: Shard,
    options: BuildOptions,
    selected: Sequence[Entry],
    keys: dict[str, str],
    pdfs: dict[str, bytes],
    pdf_paths: dict[str, str],
) -> bytes:
    """The manifest of a shard's output: which share, built how, and each form's key, PDF path and PDF hash."""
    forms = {
        entry.slug: {
            "source": entry.source.as_posix(),
            "key": keys[entry.slug],
            "pdf": pdf_paths.get(entry.slug, pdf_path(entry)),
            "sha256": hashlib.sha256(pdfs[entry.slug]).hexdigest(),
        }
        for entry in selected
    }
    manifest = {
        "format": MANIFEST_FORMAT,
        "shard": [shard.index, shard.count],
        "options": dataclasses.asdict(options),
        "forms": forms,
    }
    return (json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")
