"""N synthetic indicators → a table of reportgen's build, rebuild and check times and memory, beside two baselines.

For each N (``--sizes 100,1000``; ``--quick`` for N=20) it makes a fresh project (``synthetic.py``) and measures,
through the real command line in a subprocess (``python -m reportgen …``), as a user or a CI job runs it:

* the full build (PDF + HTML, cold: fresh project, fresh cache), its forms/s and its memory: the peak of the sum of
  PSS over the whole process tree (polled from /proc: the memory the tree takes, pages the forked workers share
  counted once; the goal is on this one), the same with RSS (shared pages counted once per process), the peak of the
  largest single process other than the main one (a worker), the main process's peak, and ``ru_maxrss`` from
  ``wait4`` (the exact peak of the largest process);
* the no-change rebuild, a rebuild after 1 % of the files changed (spread over every fiscal year, then all in
  the newest: a quarter's edits), and ``reportgen check``;
* the size of the real indicator 08's PDF;

and, in the same run, two baselines on the same print HTML (rendered first with reportgen's own
``Templates.print_document``): (a) the bare WeasyPrint API in a 2-process pool, each worker reusing one
FontConfiguration, which is the engine's limit; (b) a shell loop calling the ``weasyprint`` command once per file,
which is what a naive CI script does (for N > 100 timed on a sample and extrapolated; the table says so).

In the same process it also times one form's CPU (``FormPrinter.form`` against bare WeasyPrint on the same print
HTML, median over forms) and makes the real 08 as a draft and as a release PDF, for their sizes. Each build runs
with ``-v``, so its own time per stage (``log_build_stages``) is in the table, and the CPU time of its whole process
tree (polled from /proc) beside its wall time, which a shared machine makes noisy. Last, the desk's latencies
(``desk_latency.py`` in its own process: keystroke to problem, save to preview, 40 officers saving at once;
``--no-desk`` leaves them out).

It prints the targets of issue 26 beside the figures, with pass or fail, and writes every figure to
``benchmarks/figures.json`` (``--figures``): before that it compares them with the figures already there (the
committed ones) and points out every one that is more than 20 % worse, a time figure after scaling the committed one
by how much slower this run's machine was on two yardsticks measured in the same run, bare WeasyPrint's CPU for one
form and a fixed pure-Python workload (a shared machine is sometimes half again as slow as an hour before, and not
always by as much at both: the larger factor is used, so a figure is pointed out only when it is worse by both).
Nothing here is a test: timings depend on the machine and on what else runs on it, so the machine, the versions and
the load average are printed too.

    .venv/bin/python benchmarks/bench.py --quick
    .venv/bin/python benchmarks/bench.py --sizes 200,1000 --json /tmp/bench.json
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import json
import math
import multiprocessing
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

import synthetic

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
MB = 1024 * 1024

# Targets of issue 26 (and issue 7's before it).
POOL_RATIO_TARGET = 1.0  # full build throughput ≥ the bare WeasyPrint pool's
LOOP_RATIO_TARGET = 10.0  # … and ≥ 10 × the per-file weasyprint loop
NO_CHANGE_TARGET_S = 1.5  # no-change rebuild of 1000
ONE_PERCENT_TARGET_S = 3.0  # rebuild of 1000 with 1 % changed
CHECK_TARGET_S = 1.0  # check of 1000, document cache warm
CHECK_COLD_TARGET_S = 2.0  # … and cold
TIME_TARGET_SIZE = 1000  # the time targets are stated for N = 1000
WORKER_MB_TARGET = 150
TREE_MB_TARGET = 300  # peak memory of a build of 1000, the whole process tree
FLAT_TOLERANCE = 1.25  # "flat as N grows": the largest size's worker peak ≤ 1.25 × the smallest size's
PDF_08_TARGET_BYTES = 30_000  # the real 08 as a draft
PDF_08_RELEASE_TARGET_BYTES = 45_000  # … and as a release
REGRESSION = 1.2  # a figure more than 20 % worse than the committed one is pointed out
FIGURES_FILE = BENCH_DIR / "figures.json"
ONE_FORM_SAMPLE = 12  # forms timed one by one, in process, for the CPU per form
REPEAT_UNDER_S = 10.0  # repeat a measurement (best of 3) only when one run is shorter than this


# --- Measuring a process tree ------------------------------------------------------------------------------------


def _parents() -> dict[int, int]:
    """pid → parent pid of every process, from /proc."""
    parents = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                data = f.read()
        except OSError:
            continue
        parents[int(name)] = int(data[data.rindex(b")") + 2 :].split()[1])
    return parents


def _comm(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm", "rb") as f:
            return f.read().decode("utf-8", "replace").strip()
    except OSError:
        return ""


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * PAGE_SIZE
    except (OSError, ValueError, IndexError):
        return 0


def _pss(pid: int) -> int:
    """The proportional set size of ``pid``: its own pages, plus each page it shares divided by the processes sharing
    it. The workers are forked from one process that loaded WeasyPrint: summed RSS counts those pages once per
    worker, summed PSS once in all, the memory the tree really takes."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of ``pid`` so far, from /proc."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS
    except (OSError, ValueError, IndexError):
        return 0.0


class TreeSampler(threading.Thread):
    """Polls the RSS of a process and all its descendants until stopped; keeps the peaks."""

    def __init__(self, root_pid: int, interval: float = 0.05):
        super().__init__(daemon=True)
        self.root_pid = root_pid
        self.interval = interval
        self.stopped = threading.Event()
        self.tree_peak = 0
        self.tree_pss_peak = 0
        self.peaks: dict[int, int] = {}
        self.names: dict[int, str] = {}
        self.most_processes = 0
        self.cpu: dict[int, float] = {}  # pid → user + system seconds, as last seen

    @property
    def tree_cpu(self) -> float:
        """CPU seconds of every process of the tree, as last seen (a process's last 50 ms may be missed)."""
        return sum(self.cpu.values())

    def sample(self) -> None:
        children: dict[int, list[int]] = {}
        for pid, parent in _parents().items():
            children.setdefault(parent, []).append(pid)
        tree, todo = [], [self.root_pid]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo.extend(children.get(pid, ()))
        total = proportional = 0
        for pid in tree:
            rss = _rss(pid)
            total += rss
            proportional += _pss(pid)
            self.peaks[pid] = max(self.peaks.get(pid, 0), rss)
            self.cpu[pid] = max(self.cpu.get(pid, 0.0), _cpu_seconds(pid))
            if pid not in self.names:
                self.names[pid] = _comm(pid)
        self.tree_peak = max(self.tree_peak, total)
        self.tree_pss_peak = max(self.tree_pss_peak, proportional)
        self.most_processes = max(self.most_processes, len(tree))

    def run(self) -> None:
        while not self.stopped.is_set():
            self.sample()
            self.stopped.wait(self.interval)

    def stop(self) -> None:
        self.stopped.set()
        self.join()

    @property
    def main_peak(self) -> int:
        return self.peaks.get(self.root_pid, 0)

    @property
    def worker_peak(self) -> int:
        """The largest Python process other than the root (a worker); the root itself when it worked alone.

        Only Python processes count: a shell or a helper tool started by the build is not a rendering worker."""
        others = [
            rss
            for pid, rss in self.peaks.items()
            if pid != self.root_pid and self.names.get(pid, "").startswith("python")
        ]
        return max(others) if others else self.main_peak


@dataclass
class Run:
    """One measured command: wall time, exit status and memory (bytes)."""

    command: str
    seconds: float
    returncode: int
    tree_peak: int = 0
    tree_pss_peak: int = 0  # the same tree's peak of summed PSS: shared pages counted once
    worker_peak: int = 0
    main_peak: int = 0
    maxrss: int = 0  # ru_maxrss of wait4: the exact peak of the largest process of the tree
    processes: int = 0
    cpu: float = 0.0  # user + system seconds of the whole tree (polled from /proc; wait4's figure if larger)
    output_tail: str = ""

    @property
    def summary(self) -> str:
        """The build's own last summary line ("built 10, skipped 990 unchanged, …"), if it printed one."""
        lines = [line.strip() for line in self.output_tail.splitlines() if line.strip().startswith("built ")]
        return lines[-1] if lines else ""

    @property
    def stages(self) -> dict[str, float]:
        """The build's own time per stage in ms (``-v``: "time per stage (ms): load=350 select=20 …")."""
        found = re.findall(r"time per stage \(ms\): (.*)", self.output_tail)
        return {name: float(ms) for name, ms in re.findall(r"(\w+)=(\d+)", found[-1])} if found else {}


def run_measured(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run ``args`` to completion, polling its process tree's memory; the output goes to a file, never a pipe."""
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        process = subprocess.Popen(args, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        sampler = TreeSampler(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        sampler.stop()
        process.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        text = log.read().decode("utf-8", "replace")
        # The lines the table reads (the build's summary and time per stage), wherever they are in the output (``-v``
        # lists every file written after them), then the end of the output.
        wanted = [line for line in text.splitlines() if line.strip().startswith("built ") or "time per stage" in line]
        tail = "\n".join(wanted) + "\n" + text[-2000:]
    return Run(
        command=" ".join(args[2:] if args[:2] == [sys.executable, "-m"] else args)[:200],
        seconds=seconds,
        returncode=process.returncode,
        tree_peak=sampler.tree_peak,
        tree_pss_peak=sampler.tree_pss_peak,
        worker_peak=sampler.worker_peak,
        main_peak=sampler.main_peak,
        maxrss=usage.ru_maxrss * 1024,
        processes=sampler.most_processes,
        cpu=max(usage.ru_utime + usage.ru_stime, sampler.tree_cpu),
        output_tail=tail,
    )


def require_success(run: Run) -> Run:
    if run.returncode != 0:
        raise SystemExit(f"bench: `{run.command}` failed with exit status {run.returncode}:\n{run.output_tail}")
    return run


def best_of(measure, repeats: int = 3) -> tuple[Run, list[float]]:
    """Run ``measure()`` up to ``repeats`` times (once if a run is long); the fastest run and every time."""
    runs = [measure()]
    while len(runs) < repeats and runs[0].seconds < REPEAT_UNDER_S:
        runs.append(measure())
    return min(runs, key=lambda run: run.seconds), [round(run.seconds, 3) for run in runs]


# --- Baseline (a): the bare WeasyPrint API in a process pool ------------------------------------------------------

_FONT_CONFIG = None


def _pool_init() -> None:
    global _FONT_CONFIG
    from weasyprint.text.fonts import FontConfiguration

    _FONT_CONFIG = FontConfiguration()  # one per worker, reused for every document, as a tuned pipeline would


def _pool_render(paths: tuple[str, str]) -> int:
    import weasyprint

    source, target = paths
    weasyprint.HTML(filename=source).write_pdf(target, font_config=_FONT_CONFIG)
    return os.path.getsize(target)


def bare_pool(html_files: list[Path], out_dir: Path, processes: int) -> Run:
    """Render every HTML file with weasyprint.HTML().write_pdf() in a pool; the pool's start-up is timed too."""
    import weasyprint  # noqa: F401  (imported before the fork: workers start warm, the engine's best case)

    out_dir.mkdir(parents=True, exist_ok=True)
    jobs = [(str(path), str(out_dir / (path.stem + ".pdf"))) for path in html_files]
    sampler = TreeSampler(os.getpid())
    sampler.start()
    start = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(processes, initializer=_pool_init) as pool:
        for _ in pool.imap_unordered(_pool_render, jobs, chunksize=4):
            pass
    seconds = time.perf_counter() - start
    sampler.stop()
    return Run(
        command=f"weasyprint API, pool of {processes}",
        seconds=seconds,
        returncode=0,
        tree_peak=sampler.tree_peak,
        tree_pss_peak=sampler.tree_pss_peak,
        worker_peak=sampler.worker_peak,
        main_peak=sampler.main_peak,
        processes=sampler.most_processes,
    )


# --- Baseline (b): the weasyprint command once per file ------------------------------------------------------------

LOOP_SCRIPT = 'for f in "$@"; do "$WEASYPRINT" "$f" "${f%.html}.loop.pdf" || exit 1; done'


def weasyprint_loop(html_files: list[Path]) -> Run:
    weasyprint = Path(sys.executable).parent / "weasyprint"
    env = dict(os.environ, WEASYPRINT=str(weasyprint))
    return run_measured(["bash", "-c", LOOP_SCRIPT, "loop", *map(str, html_files)], cwd=html_files[0].parent, env=env)


def print_html(project: Path, out_dir: Path) -> list[Path]:
    """The print HTML of every form, as reportgen renders it, written with absolute stylesheet links."""
    from reportgen.content.project import load_project
    from reportgen.render.html import Templates

    loaded = load_project(project)
    renderer = Templates(project / "templates", loaded.site)
    css_url = (project / "templates" / "css").as_uri() + "/"
    out_dir.mkdir(parents=True, exist_ok=True)
    files = []
    for entry in loaded.entries:
        path = out_dir / f"{entry.indicator.fiscal_year}-{entry.indicator.code}.html"
        path.write_text(renderer.print_document(entry.indicator, css_url=css_url), encoding="utf-8")
        files.append(path)
    return files


# --- One form, in this process: CPU per form and the real 08's sizes -----------------------------------------------


@dataclass
class OneForm:
    """CPU ms per form (median over a sample), reportgen's ``FormPrinter.form`` against bare WeasyPrint on the same
    print HTML (stylesheets linked, parsed per form, as a plain use of the API does); the real 08's PDF sizes."""

    forms: int = 0
    reportgen_ms: float = 0.0
    bare_ms: float = 0.0
    draft_08_bytes: int = 0
    release_08_bytes: int = 0


def _cpu_ms(work) -> float:
    start = time.process_time()
    work()
    return (time.process_time() - start) * 1000


def one_form(project: Path, sample: int = ONE_FORM_SAMPLE) -> OneForm:
    import dataclasses

    import weasyprint

    from reportgen.content.project import load_project
    from reportgen.digest import sign_state
    from reportgen.model import Signoff
    from reportgen.publish.release import form_pdf_options
    from reportgen.render.form_pdf import FormPrinter

    loaded = load_project(project)
    printer = FormPrinter(project, loaded.site)
    entries = loaded.entries[:: max(1, len(loaded.entries) // sample)][:sample]
    css_url = (project / "templates" / "css").as_uri() + "/"
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    for entry in entries[:2]:  # warm both up: fonts loaded, stylesheets parsed once
        printer.form(entry)
        weasyprint.HTML(string=printer.renderer.print_document(entry.indicator, css_url=css_url)).write_pdf(
            font_config=fonts)  # fmt: skip
    ours, bare = [], []
    for entry in entries:
        html = printer.renderer.print_document(entry.indicator, css_url=css_url, sign_state=entry.sign_state)
        ours.append(_cpu_ms(lambda entry=entry: printer.form(entry)))
        bare.append(_cpu_ms(lambda html=html: weasyprint.HTML(string=html, base_url=css_url).write_pdf(font_config=fonts)))
    real = next(entry for entry in loaded.entries if entry.slug == "2564/08")
    draft = printer.form(real, form_pdf_options(project, real, release=False, environ={}))
    signed = real.indicator.model_copy(update={"signoff": Signoff(
        name="ผู้ลงนาม ทดสอบ", position="ผู้อำนวยการ", date=dt.date(2021, 10, 20))})  # fmt: skip
    content_dir = project / "content"
    released = dataclasses.replace(real, indicator=signed, sign_state=sign_state(signed, content_dir))
    release = printer.form(released, form_pdf_options(project, released, release=True, environ={}))
    return OneForm(len(entries), statistics.median(ours), statistics.median(bare), len(draft), len(release))


# --- One size -----------------------------------------------------------------------------------------------------


@dataclass
class SizeResult:
    n: int
    check: Run | None = None
    check_times: list[float] = field(default_factory=list)
    check_cold: Run | None = None
    check_cold_times: list[float] = field(default_factory=list)
    full: Run | None = None
    no_change: Run | None = None
    no_change_times: list[float] = field(default_factory=list)
    changed: Run | None = None
    changed_times: list[float] = field(default_factory=list)
    changed_files: int = 0
    changed_one_year: Run | None = None  # the same number of files, all of one fiscal year (a quarter's edits)
    changed_one_year_times: list[float] = field(default_factory=list)
    pdf_08_bytes: int = 0
    pool: Run | None = None
    loop: Run | None = None
    loop_files: int = 0
    pages: int = 0  # pages of all N forms (counted in the bare pool's PDFs): the forms' length, for comparison
    load_before: float = 0.0  # 1-minute load average when this size started and ended: > cores means contended
    load_after: float = 0.0

    @property
    def build_rate(self) -> float:
        return self.n / self.full.seconds

    @property
    def pool_rate(self) -> float:
        return self.n / self.pool.seconds

    @property
    def loop_rate(self) -> float:
        return self.loop_files / self.loop.seconds

    @property
    def loop_estimate(self) -> float:
        """The loop's time for all N files (measured when loop_files == n, else extrapolated from the sample)."""
        return self.loop.seconds * self.n / self.loop_files


def reportgen(*args: str) -> list[str]:
    return [sys.executable, "-m", "reportgen", *args]


def measure_size(n: int, work: Path, *, seed: int, build_flags: list[str], loop_sample: int, pool_size: int,
                 log) -> SizeResult:  # fmt: skip
    result = SizeResult(n, load_before=os.getloadavg()[0])
    project = work / f"n{n}"
    files = synthetic.make_project(project, n, seed=seed)
    env = dict(os.environ, XDG_CACHE_HOME=str(work / f"xdg-cache-{n}"), NO_COLOR="1", PYTHONDONTWRITEBYTECODE="1",
               REPORTGEN_LANG="en")  # fmt: skip
    build_flags = [*build_flags, "-v"]  # its own time per stage
    log(f"N={n}: project in {project}")

    # Without the document cache (every file parsed and validated), then with it (filled by the first run).
    result.check_cold, result.check_cold_times = best_of(
        lambda: require_success(run_measured(reportgen("check", "--no-cache"), project, env))
    )
    log(f"  check --no-cache: {result.check_cold_times} s")
    require_success(run_measured(reportgen("check"), project, env))
    result.check, result.check_times = best_of(lambda: require_success(run_measured(reportgen("check"), project, env)))
    log(f"  check: {result.check_times} s")

    result.full = require_success(run_measured(reportgen("build", *build_flags), project, env))
    log(f"  full build: {result.full.seconds:.1f} s ({n / result.full.seconds:.1f} forms/s)")
    result.pdf_08_bytes = (project / "output" / "pdf" / "2564" / "08.pdf").stat().st_size

    result.no_change, result.no_change_times = best_of(
        lambda: require_success(run_measured(reportgen("build", *build_flags), project, env))
    )
    log(f"  no-change rebuild: {result.no_change_times} s")

    result.changed_files = max(1, math.ceil(n / 100))

    def changed_build(among: list[Path], first_round: int) -> Callable[[], Run]:
        rounds = iter(range(first_round, first_round + 3))

        def build() -> Run:
            synthetic.change_files(among, result.changed_files, seed=seed, round_=next(rounds))
            return require_success(run_measured(reportgen("build", *build_flags), project, env))

        return build

    result.changed, result.changed_times = best_of(changed_build(files, first_round=1))
    log(f"  1 % changed ({result.changed_files} files): {result.changed_times} s")
    # A quarter's edits fall in the current fiscal year: its forms only (the search index is one per year).
    newest = max(path.parent.name for path in files)
    this_year = [path for path in files if path.parent.name == newest]
    result.changed_one_year, result.changed_one_year_times = best_of(changed_build(this_year, first_round=4))
    log(f"  1 % changed in {newest} alone: {result.changed_one_year_times} s")

    html_dir = work / f"n{n}-html"
    html_files = print_html(project, html_dir)
    result.pool = bare_pool(html_files, work / f"n{n}-pool", pool_size)
    log(f"  bare WeasyPrint pool: {result.pool.seconds:.1f} s ({n / result.pool.seconds:.1f} forms/s)")
    from pypdf import PdfReader

    result.pages = sum(len(PdfReader(path).pages) for path in (work / f"n{n}-pool").glob("*.pdf"))

    sample = html_files if n <= 100 else html_files[:: max(1, len(html_files) // loop_sample)][:loop_sample]
    result.loop_files = len(sample)
    result.loop = require_success(weasyprint_loop(sample))
    log(f"  weasyprint loop: {result.loop.seconds:.1f} s for {len(sample)} files")
    result.load_after = os.getloadavg()[0]
    return result


# --- The table ----------------------------------------------------------------------------------------------------


def mb(value: int) -> str:
    return f"{value / MB:.0f}"


def verdict(ok: bool) -> str:
    return "pass" if ok else "**fail**"


def table(results: list[SizeResult], one: OneForm | None = None) -> str:
    sizes = [r.n for r in results]
    head = "| measure | " + " | ".join(f"N = {n}" for n in sizes) + " | target | result |"
    rows = [head, "|" + "---|" * (len(sizes) + 3)]

    def row(name: str, cells: list[str], target: str = "", outcome: str = "") -> None:
        rows.append(f"| {name} | " + " | ".join(cells) + f" | {target} | {outcome} |")

    at_target = next((r for r in results if r.n == TIME_TARGET_SIZE), None)

    row("pages of all N forms (mean per form)", [f"{r.pages:,} ({r.pages / r.n:.2f})" for r in results])
    row("full build, PDF + HTML (s)", [f"{r.full.seconds:.1f}" for r in results])
    row("full build (forms/s)", [f"{r.build_rate:.1f}" for r in results])
    row("full build, CPU of its whole process tree (s)", [f"{r.full.cpu:.1f}" for r in results])
    row("bare WeasyPrint API, 2-process pool (forms/s)", [f"{r.pool_rate:.1f}" for r in results])
    pool_ok = all(r.build_rate >= POOL_RATIO_TARGET * r.pool_rate for r in results)
    row("build ÷ pool throughput", [f"{r.build_rate / r.pool_rate:.2f}" for r in results],
        f"≥ {POOL_RATIO_TARGET}", verdict(pool_ok))  # fmt: skip
    sampled = [("" if r.loop_files == r.n else f" (sample of {r.loop_files})") for r in results]
    row("`weasyprint` command per file (forms/s)", [f"{r.loop_rate:.2f}{note}" for r, note in zip(results, sampled)])
    row("… its time for all N (s)",
        [f"{r.loop_estimate:.0f}" + ("" if r.loop_files == r.n else " (extrapolated)") for r in results])  # fmt: skip
    loop_ok = all(r.build_rate >= LOOP_RATIO_TARGET * r.loop_rate for r in results)
    row("build ÷ loop throughput", [f"{r.build_rate / r.loop_rate:.1f}" for r in results],
        f"≥ {LOOP_RATIO_TARGET:.0f}", verdict(loop_ok))  # fmt: skip

    def timed(name: str, runs: list[tuple[Run, list[float]]], limit: float) -> None:
        cells = [f"{run.seconds:.2f}" + (f" (best of {len(times)})" if len(times) > 1 else "") for run, times in runs]
        if at_target is None:
            row(name, cells, f"≤ {limit} s at N = {TIME_TARGET_SIZE}", "not measured")
        else:
            index = results.index(at_target)
            row(name, cells, f"≤ {limit} s at N = {TIME_TARGET_SIZE}", verdict(runs[index][0].seconds <= limit))

    if one is not None:
        row(f"one form, CPU (ms, median of {one.forms}): reportgen `FormPrinter.form` / bare WeasyPrint",
            [f"{one.reportgen_ms:.0f} / {one.bare_ms:.0f}"] + [""] * (len(results) - 1),
            "reportgen ≤ bare", verdict(one.reportgen_ms <= one.bare_ms))  # fmt: skip
    for name, attribute in (("full build", "full"), ("no-change rebuild", "no_change"), ("1 % changed", "changed"),
                            ("1 % changed, one year", "changed_one_year")):  # fmt: skip
        row(f"{name}: the build's time per stage (ms)",
            [" ".join(f"{k} {v:.0f}" for k, v in getattr(r, attribute).stages.items()) or "–" for r in results])
    timed("no-change rebuild (s)", [(r.no_change, r.no_change_times) for r in results], NO_CHANGE_TARGET_S)
    row("… its CPU (s)", [f"{r.no_change.cpu:.2f}" for r in results])
    timed("rebuild, 1 % of files changed (s)", [(r.changed, r.changed_times) for r in results], ONE_PERCENT_TARGET_S)
    row("… files changed", [str(r.changed_files) for r in results])
    row("… the same number, all of the newest fiscal year (s)",
        [f"{r.changed_one_year.seconds:.2f} (best of {len(r.changed_one_year_times)})" for r in results])  # fmt: skip
    row("… the build's own summary, no change / 1 % changed",
        [f"{r.no_change.summary or '–'} / {r.changed.summary or '–'}" for r in results])  # fmt: skip
    timed("`reportgen check`, files unchanged since the last run (s)", [(r.check, r.check_times) for r in results],
          CHECK_TARGET_S)  # fmt: skip
    row("… its CPU (s)", [f"{r.check.cpu:.2f}" for r in results])
    timed("`reportgen check --no-cache`, every file parsed (s)",
          [(r.check_cold, r.check_cold_times) for r in results], CHECK_COLD_TARGET_S)  # fmt: skip
    row("… its CPU (s)", [f"{r.check_cold.cpu:.2f}" for r in results])

    tree_ok = at_target is None or at_target.full.tree_pss_peak <= TREE_MB_TARGET * MB
    row("full build: peak PSS of the whole tree, summed: shared pages once (MB)",
        [mb(r.full.tree_pss_peak) for r in results], f"≤ {TREE_MB_TARGET} at N = {TIME_TARGET_SIZE}",
        "not measured" if at_target is None else verdict(tree_ok))  # fmt: skip
    row("full build: peak RSS of the whole tree, summed: shared pages once per process (MB)",
        [mb(r.full.tree_peak) for r in results])  # fmt: skip
    row("no-change rebuild: peak RSS of the whole tree (MB)", [mb(r.no_change.tree_peak) for r in results])
    worker_ok = all(r.full.worker_peak <= WORKER_MB_TARGET * MB for r in results)
    flat = results[-1].full.worker_peak <= FLAT_TOLERANCE * results[0].full.worker_peak
    row("full build: peak RSS per worker, polled (MB)", [mb(r.full.worker_peak) for r in results],
        f"≤ {WORKER_MB_TARGET}, flat (largest N ≤ {FLAT_TOLERANCE} × smallest)",
        verdict(worker_ok) + (", flat" if flat else ", **not flat**"))  # fmt: skip
    row("full build: peak RSS of the main process (MB)", [mb(r.full.main_peak) for r in results])
    row("full build: largest process, exact `ru_maxrss` (MB)", [mb(r.full.maxrss) for r in results])
    row("full build: processes in the tree", [str(r.full.processes) for r in results])
    row("bare pool: peak RSS per worker (MB)", [mb(r.pool.worker_peak) for r in results])
    row("`weasyprint` command: peak RSS (MB)", [mb(r.loop.maxrss) for r in results])
    pdf_ok = all(r.pdf_08_bytes <= PDF_08_TARGET_BYTES for r in results)
    row("load average (1 min), start → end of this size",
        [f"{r.load_before:.1f} → {r.load_after:.1f}" for r in results],
        f"the benchmark alone: about {os.cpu_count()}–{os.cpu_count() + 1}")  # fmt: skip
    row("PDF of the real indicator 08 as built (bytes)", [f"{r.pdf_08_bytes:,}" for r in results],
        f"≤ {PDF_08_TARGET_BYTES:,}", verdict(pdf_ok))  # fmt: skip
    if one is not None:
        row("the real 08 as a release PDF (bytes, signed off in memory)",
            [f"{one.release_08_bytes:,}"] + [""] * (len(results) - 1), f"≤ {PDF_08_RELEASE_TARGET_BYTES:,}",
            verdict(one.release_08_bytes <= PDF_08_RELEASE_TARGET_BYTES))  # fmt: skip
    return "\n".join(rows)


# --- The figures file, and what regressed ---------------------------------------------------------------------------


def figures(results: list[SizeResult], one: OneForm | None) -> dict[str, dict[str, object]]:
    """Every headline figure by name, with its unit and which way is better."""
    found: dict[str, dict[str, object]] = {}

    def put(name: str, value: float, unit: str, better: str = "lower") -> None:
        found[name] = {"value": round(value, 3), "unit": unit, "better": better}

    for r in results:
        n = r.n
        put(f"build_vs_bare_pool@{n}", r.build_rate / r.pool_rate, "ratio", "higher")
        put(f"full_build_s@{n}", r.full.seconds, "s")
        put(f"full_build_cpu_s@{n}", r.full.cpu, "s")
        put(f"no_change_s@{n}", r.no_change.seconds, "s")
        put(f"no_change_cpu_s@{n}", r.no_change.cpu, "s")
        put(f"one_percent_changed_s@{n}", r.changed.seconds, "s")
        put(f"one_percent_changed_one_year_s@{n}", r.changed_one_year.seconds, "s")
        put(f"check_warm_s@{n}", r.check.seconds, "s")
        put(f"check_warm_cpu_s@{n}", r.check.cpu, "s")
        put(f"check_cold_s@{n}", r.check_cold.seconds, "s")
        put(f"check_cold_cpu_s@{n}", r.check_cold.cpu, "s")
        put(f"peak_tree_rss_mb@{n}", r.full.tree_peak / MB, "MB")
        put(f"peak_tree_pss_mb@{n}", r.full.tree_pss_peak / MB, "MB")
        put(f"peak_worker_rss_mb@{n}", r.full.worker_peak / MB, "MB")
        for label, run in (("full", r.full), ("no_change", r.no_change), ("changed", r.changed),
                           ("changed_one_year", r.changed_one_year)):  # fmt: skip
            for stage, ms in run.stages.items():
                put(f"stage_{label}_{stage}_ms@{n}", ms, "ms")
    if one is not None:
        put("one_form_cpu_ms", one.reportgen_ms, "ms")
        put("one_form_bare_cpu_ms", one.bare_ms, "ms")
        put("pdf_08_draft_bytes", one.draft_08_bytes, "bytes")
        put("pdf_08_release_bytes", one.release_08_bytes, "bytes")
    return found


#: Figures too small for a 20 % change to mean anything (a stage of a few ms).
NOISE_FLOOR = {"ms": 50.0, "s": 0.05}


#: The yardsticks of a machine's speed, code reportgen does not change: bare WeasyPrint's CPU for one form (the render
#: engine, mostly C libraries), and a fixed pure-Python workload (``python_yardstick_ms``: what loading, the pages,
#: the search terms and the desk are made of). A shared machine is sometimes half again as slow as an hour before,
#: and not always by the same amount at both: on 7 December 2026 a run was 0.71 × the time of the one before on the
#: engine while its Python stages took 0.86–1.03 ×, so the engine alone pointed out 20 figures, 19 of them better
#: in seconds.
YARDSTICK = "one_form_bare_cpu_ms"
PYTHON_YARDSTICK = "python_yardstick_cpu_ms"
YARDSTICKS = (YARDSTICK, PYTHON_YARDSTICK)
#: The units of time figures, which are compared after scaling by the yardsticks (sizes, memory, ratios are not).
TIME_UNITS = ("s", "ms")


def python_yardstick_ms(rounds: int = 5) -> float:
    """The CPU time of a fixed pure-Python workload, best of ``rounds`` (ms): PyYAML's Python parser on fixed Thai
    YAML, then the standard library's json and re on what it made; nothing of reportgen's."""
    import yaml

    text = "".join(f"item{i}:\n  name: 'ตัวชี้วัดที่ {i}'\n  values: [{i}, {i * 2}, {i * 3}]\n  note: |\n"
                   f"    บรรทัด {i} ของการทดสอบ\n" for i in range(1000))  # fmt: skip

    def workload() -> None:
        data = yaml.load(text, Loader=yaml.SafeLoader)  # the Python parser, not libyaml's
        json.loads(json.dumps(data, ensure_ascii=False))
        re.findall(r"\w+", text)

    return min(_cpu_ms(workload) for _ in range(rounds))


def machine_factors(now: dict[str, dict[str, object]], before: dict[str, dict[str, object]]) -> dict[str, float]:
    """How much slower (> 1) or faster this run's machine was than the committed run's, by each yardstick both runs
    have."""
    factors = {}
    for name in YARDSTICKS:
        try:
            factors[name] = float(now[name]["value"]) / float(before[name]["value"])  # type: ignore[arg-type]
        except (KeyError, TypeError, ValueError, ZeroDivisionError):
            continue
    return factors


def machine_factor(now: dict[str, dict[str, object]], before: dict[str, dict[str, object]]) -> float:
    """The factor a committed time figure is scaled by: the larger of the yardsticks' (a figure is pointed out only
    when it is worse by both: a machine faster at the engine than at Python is not a slower reportgen); 1.0 when
    the runs share no yardstick."""
    return max(machine_factors(now, before).values(), default=1.0)


def regressions(now: dict[str, dict[str, object]], before: dict[str, dict[str, object]]) -> list[str]:
    """Each figure more than ``REGRESSION`` times worse than the same figure in ``before``, in words: a time figure
    after scaling the committed one by ``machine_factor`` (a slower machine is not a slower reportgen; the raw
    change is printed beside it)."""
    found = []
    factor = machine_factor(now, before)
    for name, figure in now.items():
        old = before.get(name)
        if name in YARDSTICKS or not isinstance(old, dict) or not isinstance(old.get("value"), (int, float)):
            continue
        value, previous = float(figure["value"]), float(old["value"])  # type: ignore[arg-type]
        if max(value, previous) < NOISE_FLOOR.get(str(figure["unit"]), 0.0):
            continue
        expected = previous * factor if figure["unit"] in TIME_UNITS else previous
        if figure["better"] == "lower":
            worse = value > expected * REGRESSION
        else:
            worse = value * REGRESSION < expected
        if worse:
            scaled = f", {(value / expected - 1) * 100:+.0f} % on this machine's speed" if expected != previous else ""
            found.append(f"REGRESSION {name}: {value:g} {figure['unit']} now, {previous:g} committed "
                         f"({(value / previous - 1) * 100:+.0f} %{scaled})" if previous else f"REGRESSION {name}")
    return found


def machine_line(now: dict[str, dict[str, object]], before: dict[str, dict[str, object]]) -> str:
    """The yardsticks against the committed run's, in words."""
    factors = machine_factors(now, before)
    if not factors:
        return "No yardstick in both runs: time figures compared as they are."
    named = {YARDSTICK: "bare WeasyPrint's CPU for one form", PYTHON_YARDSTICK: "a fixed pure-Python workload"}
    measured = "; ".join(f"by {named[name]}: {factor:.2f} × the time" for name, factor in factors.items())
    return (f"The machine against the committed run, {measured}; time figures are compared with the committed ones "
            f"× {machine_factor(now, before):.2f}.")


# --- The machine --------------------------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    import weasyprint
    from weasyprint.text.ffi import pango

    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), platform.processor(),
    )  # fmt: skip
    memory_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                     if line.startswith("MemTotal"))  # fmt: skip
    version = pango.pango_version()
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=REPO_ROOT, capture_output=True, text=True)
    return {
        "date": dt.datetime.now().astimezone().isoformat(timespec="minutes"),
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": f"{memory_kb / 1024 / 1024:.1f} GiB",
        "python": platform.python_version(),
        "weasyprint": weasyprint.__version__,
        "pango": f"{version // 10000}.{version // 100 % 100}.{version % 100}",
        "commit": head.stdout.strip() + (" + uncommitted changes, copied at the start" if dirty.stdout.strip() else ""),
        "load average": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def build_flags() -> tuple[list[str], str]:
    """Flags for the build (its default jobs is all cores), and its --help, to report what the build supports."""
    help_text = subprocess.run(reportgen("build", "--help"), capture_output=True, text=True, cwd=REPO_ROOT).stdout
    supported = [flag for flag in ("--jobs", "--no-cache", "--shard") if flag in help_text]
    return [], ", ".join(supported) or "none of --jobs, --no-cache, --shard"


def freeze_reportgen(work: Path) -> Path:
    """A copy of reportgen/ that every measured command imports (through PYTHONPATH) instead of the working tree.

    The build's cache key includes the bytes of reportgen's own modules, so an edit to the working tree during the
    run (another developer, an editor saving) would turn a no-change rebuild into a full one; the copy is stable.
    It is compiled to bytecode once, as ``pip install`` does: the measured commands run with
    PYTHONDONTWRITEBYTECODE, and would otherwise compile reportgen afresh every time (about 0.4 s a run).
    """
    snapshot = work / "src"
    shutil.copytree(REPO_ROOT / "reportgen", snapshot / "reportgen", ignore=shutil.ignore_patterns("__pycache__"))
    compileall.compile_dir(snapshot, quiet=1)
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(snapshot), os.environ.get("PYTHONPATH")]))
    sys.path.insert(0, str(snapshot))
    return snapshot


#: The unit of a desk figure by the last word of its name (the others are milliseconds); lower is better for each.
DESK_UNITS = {"lost": "forms"}


def desk_figures(work: Path, *, rounds: int, officers: int, log) -> dict[str, float]:
    """``benchmarks/desk_latency.py`` in its own process (a desk served by uvicorn, talked to over HTTP and in
    Chromium): its printed lines go to the output as they are, its headline figures are returned."""
    target = work / "desk.json"
    log("the desk: keystroke to problem, save to preview, officers saving at once")
    run = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("desk_latency.py")), "--rounds", str(rounds),
         "--officers", str(officers), "--json", str(target)],
        capture_output=True, text=True, cwd=REPO_ROOT,
    )  # fmt: skip
    if run.returncode != 0 or not target.is_file():
        log(f"the desk's benchmark failed:\n{run.stdout}{run.stderr}")
        return {}
    print(run.stdout.rstrip())
    return json.loads(target.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="200,1000", help="comma-separated numbers of indicators (default 200,1000)")
    parser.add_argument("--quick", action="store_true", help="N = 20 only, to try the script")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--loop-sample", type=int, default=50, help="files timed in the per-file loop when N > 100")
    parser.add_argument("--pool", type=int, default=2, help="processes of the bare WeasyPrint pool (default 2)")
    parser.add_argument("--workdir", type=Path, help="where the projects go (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the projects and outputs")
    parser.add_argument("--json", type=Path, help="also write every figure, every repeat, as JSON here")
    parser.add_argument("--figures", type=Path, default=FIGURES_FILE,
                        help="the figures file compared with, then rewritten (default benchmarks/figures.json)")
    parser.add_argument("--no-save", action="store_true", help="compare with the figures file, do not rewrite it")
    parser.add_argument("--no-desk", action="store_true", help="leave out the desk's latencies")
    parser.add_argument("--officers", type=int, default=40, help="officers saving at once at the desk (default 40)")
    args = parser.parse_args(argv)
    sizes = [20] if args.quick else sorted(int(size) for size in args.sizes.split(","))

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    work = args.workdir or Path(tempfile.mkdtemp(prefix="reportgen-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    freeze_reportgen(work)
    flags, supported = build_flags()
    info = machine()
    info["build supports"] = supported
    for key, value in info.items():
        log(f"{key}: {value}")
    try:
        results = [
            measure_size(n, work, seed=args.seed, build_flags=flags, loop_sample=args.loop_sample,
                         pool_size=args.pool, log=log)
            for n in sizes
        ]  # fmt: skip
        one = one_form(work / f"n{sizes[0]}")
        log(f"one form, CPU: reportgen {one.reportgen_ms:.0f} ms, bare WeasyPrint {one.bare_ms:.0f} ms")
        python_ms = python_yardstick_ms()
        log(f"a fixed pure-Python workload, CPU: {python_ms:.0f} ms")
        desk: dict[str, float] = {}
        if not args.no_desk:
            print()
            desk = desk_figures(work, rounds=10 if args.quick else 30, officers=args.officers, log=log)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    info["load average after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print("\n".join(f"- {key}: {value}" for key, value in info.items()))
    print()
    print(table(results, one))
    now = figures(results, one)
    now[PYTHON_YARDSTICK] = {"value": round(python_ms, 3), "unit": "ms", "better": "lower"}
    for name, value in desk.items():
        now[name] = {"value": round(value, 3), "unit": DESK_UNITS.get(name.rsplit("_", 1)[-1], "ms"),
                     "better": "lower"}
    before: dict[str, dict[str, object]] = {}
    if args.figures.is_file():
        before = json.loads(args.figures.read_text(encoding="utf-8")).get("figures", {})
    print()
    print(machine_line(now, before))
    worse = regressions(now, before)
    print("\n".join(worse) if worse else f"No figure more than {(REGRESSION - 1) * 100:.0f} % worse than {args.figures}.")
    if not args.no_save:
        args.figures.write_text(json.dumps({"machine": info, "figures": now}, ensure_ascii=False, indent=1) + "\n",
                                encoding="utf-8")  # fmt: skip
        print(f"Figures written to {args.figures}; commit it with the README's figures.")
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "results": [asdict(r) for r in results]}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
