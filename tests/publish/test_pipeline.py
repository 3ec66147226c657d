"""publish/pipeline.py and the build command end to end: content/ → output/, through the real command line in a fresh process."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
import yaml
from projects import many_indicators, real_indicator, run_reportgen, tree_digest

from reportgen.errors import ContentError, RenderError, UsageError
from reportgen.progress import BuildProgress, BuildSummary
from reportgen.publish.options import BuildOptions, BuildRequest, Shard
from reportgen.publish.pipeline import BuildReport, build


def test_build_writes_pdf_and_html_for_every_indicator_and_says_so(project):
    second = real_indicator() | {"code": "09", "name": "ตัวชี้วัดทดสอบที่สอง"}
    root = project({"indicators/2564/08.yaml": real_indicator(), "indicators/2564/09.yaml": second})
    result = run_reportgen("build", "-v", cwd=root, check=True)
    lines = [line for line in result.stdout.splitlines() if line.startswith("output/")]
    for path in ("output/pdf/2564/08.pdf", "output/pdf/2564/09.pdf", "output/html/2564/08.html",
                 "output/html/2564/09.html", "output/html/2564/08.pdf", "output/html/index.html",
                 "output/html/assets/css/form.css", "output/html/assets/fonts/Sarabun-Regular.woff2"):
        assert path in lines, f"{path} not reported"
        assert (root / path).is_file() and (root / path).stat().st_size > 0
    made = [p for p in (root / "output").rglob("*") if p.is_file() and p.name != ".reportgen-output"]
    assert len(lines) == len(set(lines)) == len(made)
    assert (root / "output/pdf/2564/08.pdf").read_bytes().startswith(b"%PDF-")
    assert (root / "output/html/2564/08.pdf").read_bytes() == (root / "output/pdf/2564/08.pdf").read_bytes()
    home = (root / "output/html/index.html").read_text(encoding="utf-8")
    assert 'href="2564/08.html"' in home and 'href="2564/09.html"' in home


def test_build_of_named_files_renders_only_those_and_keeps_the_rest(project):
    second = real_indicator() | {"code": "09", "name": "ตัวชี้วัดทดสอบที่สอง"}
    root = project({"indicators/2564/08.yaml": real_indicator(), "indicators/2564/09.yaml": second})
    run_reportgen("build", cwd=root, check=True)
    before = tree_digest(root / "output")
    result = run_reportgen("build", "-v", "content/indicators/2564/09.yaml", cwd=root, check=True)
    written = result.stdout.splitlines()
    assert "output/pdf/2564/09.pdf" in written and "output/pdf/2564/08.pdf" not in written
    after = tree_digest(root / "output")
    assert after.keys() == before.keys()
    assert after["pdf/2564/08.pdf"] == before["pdf/2564/08.pdf"]


def test_build_never_modifies_content(project):
    root = project({"indicators/2564/08.yaml": real_indicator()})
    before = tree_digest(root / "content")
    run_reportgen("build", cwd=root, check=True)
    assert tree_digest(root / "content") == before


def test_a_failed_build_writes_nothing_and_keeps_the_last_good_output(project):
    root = project({"indicators/2564/08.yaml": real_indicator()})
    run_reportgen("build", cwd=root, check=True)
    before = tree_digest(root / "output")
    broken = real_indicator() | {"target": {"value": -3, "unit": "ห้อง"}}
    second = real_indicator() | {"code": "09", "name": "ชื่อ", "result_type": "maybe"}
    import yaml

    (root / "content/indicators/2564/08.yaml").write_text(yaml.safe_dump(broken, allow_unicode=True), encoding="utf-8")
    (root / "content/indicators/2564/09.yaml").write_text(yaml.safe_dump(second, allow_unicode=True), encoding="utf-8")
    result = run_reportgen("build", cwd=root)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "content/indicators/2564/08.yaml" in result.stderr and "target.value" in result.stderr
    assert "content/indicators/2564/09.yaml" in result.stderr and "result_type" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_digest(root / "output") == before
    assert not list(root.glob(".output.*staging*"))


def test_a_form_that_cannot_be_rendered_fails_the_build_cleanly(project):
    root = project({"indicators/2564/08.yaml": real_indicator()})
    run_reportgen("build", cwd=root, check=True)
    before = tree_digest(root / "output")
    template = root / "templates" / "form.html.j2"
    template.write_text(template.read_text(encoding="utf-8") + '<img src="file:///etc/passwd">', encoding="utf-8")
    result = run_reportgen("build", cwd=root)
    assert result.returncode == 1
    assert "ถูกปฏิเสธ" in result.stderr and "content/indicators/2564/08.yaml" in result.stderr  # Thai by default
    assert tree_digest(root / "output") == before


def test_unknown_command_and_missing_project_are_usage_errors(tmp_path):
    assert run_reportgen("publish", cwd=tmp_path).returncode == 2
    result = run_reportgen("build", cwd=tmp_path)
    assert result.returncode == 2 and "content" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.e2e
def test_python_dash_m_and_console_script_agree(project):
    import shutil
    import subprocess
    import sys

    script = Path(sys.executable).with_name("reportgen")
    assert script.exists() or shutil.which("reportgen"), "the reportgen console script is not installed"
    version = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=True).stdout
    assert version == run_reportgen("--version", cwd=Path.cwd()).stdout


@pytest.mark.e2e
def test_a_build_killed_midway_leaves_the_previous_output_intact(project):
    import os
    import signal
    import subprocess
    import sys
    import time

    import yaml

    root = project(many_indicators(6))
    run_reportgen("build", cwd=root, check=True)
    before = tree_digest(root / "output")
    for path in (root / "content/indicators/2564").glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) | {"name": "ชื่อใหม่ที่ยังไม่ควรปรากฏ"}
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    build = subprocess.Popen([sys.executable, "-m", "reportgen", "build"], cwd=root,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    # Killed once it is really writing: the web pages go into the staging folder while the forms render.
    while not list(root.glob(".output.staging-*/html/2564/*.html")):
        assert build.poll() is None, "the build finished before it could be killed; make it longer"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    os.kill(build.pid, signal.SIGKILL)
    build.wait()

    assert tree_digest(root / "output") == before
    result = run_reportgen("build", "-v", cwd=root, check=True)
    assert "output/pdf/2564/06.pdf" in result.stdout.splitlines()
    assert not list(root.glob(".output.staging-*")), "the killed build's staging folder was not cleaned up"
    assert "ชื่อใหม่ที่ยังไม่ควรปรากฏ" in (root / "output/html/2564/01.html").read_text(encoding="utf-8")


@pytest.mark.e2e
def test_two_builds_at_once_both_succeed_and_leave_one_complete_output(project):
    import subprocess
    import sys

    root = project(many_indicators(4))
    builds = [subprocess.Popen([sys.executable, "-m", "reportgen", "build"], cwd=root, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [build.communicate(timeout=300) for build in builds]
    assert [build.returncode for build in builds] == [0, 0], results
    files = set(tree_digest(root / "output"))
    expected = {f"{kind}/2564/{code:02d}.{ext}" for code in range(1, 5)
                for kind, ext in (("pdf", "pdf"), ("html", "html"), ("html", "pdf"))}
    assert expected <= files
    from pypdf import PdfReader

    for code in range(1, 5):
        assert len(PdfReader(root / f"output/pdf/2564/{code:02d}.pdf").pages) >= 1
    assert not list(root.glob(".output.staging-*"))


# --- Parallel, incremental and sharded builds ---------------------------------------------------------------------





def cache_entries(root: Path) -> list[Path]:
    return sorted((root / ".cache/reportgen/forms-v1/year").glob("*.pdf"))


def rename(root: Path, code: str, name: str) -> None:
    path = root / f"content/indicators/2564/{code}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) | {"name": name}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


class Recorder(BuildProgress):
    def __init__(self):
        self.events = []

    def started(self, **counts):
        self.events.append(("started", counts))

    def rendered(self, slug):
        self.events.append(("rendered", slug))

    def finished(self, summary):
        self.events.append(("finished", summary))


def test_one_and_two_processes_write_byte_identical_output_trees(project, tmp_path):
    root = project(many_indicators(3))
    build(root, BuildRequest(output_dir=tmp_path / "one", jobs=1, use_cache=False))
    build(root, BuildRequest(output_dir=tmp_path / "two", jobs=2, use_cache=False))
    one, two = tree_digest(tmp_path / "one"), tree_digest(tmp_path / "two")
    assert one == two
    assert {"pdf/2564/01.pdf", "pdf/2564/03.pdf", "html/2564/03.pdf"} <= one.keys()


def test_a_rebuild_renders_only_what_changed_and_writes_the_same_tree(project):
    root = project(many_indicators(4))
    first = build(root, BuildRequest(jobs=2))
    assert (first.built, first.unchanged, first.failed) == (4, 0, 0)
    tree = tree_digest(root / "output")

    again = build(root, BuildRequest(jobs=2))
    assert (again.built, again.unchanged) == (0, 4)
    assert tree_digest(root / "output") == tree
    # Unchanged PDFs are hard links to their verified cache entries, not copies.
    assert (root / "output/pdf/2564/01.pdf").stat().st_nlink >= 2

    rename(root, "03", "ชื่อที่แก้ไขแล้ว")
    edited = build(root, BuildRequest(jobs=2))
    assert (edited.built, edited.unchanged) == (1, 3)
    after = tree_digest(root / "output")
    assert after["pdf/2564/03.pdf"] != tree["pdf/2564/03.pdf"]
    assert all(after[f"pdf/2564/{code}.pdf"] == tree[f"pdf/2564/{code}.pdf"] for code in ("01", "02", "04"))
    from extract import pdftotext_lines, squeeze

    assert "ชื่อที่แก้ไขแล้ว" in squeeze("".join(pdftotext_lines(root / "output/pdf/2564/03.pdf")))


def test_a_rebuild_without_changes_makes_no_page_and_a_change_makes_the_site_pages_again(project, monkeypatch):
    """The pages and data drawn from the whole project (year pages, open data, sitemap) are kept like the forms'
    PDFs and pages: a build in which nothing changed links them from the cache; an edit makes them again."""
    import reportgen.render.site_files as site_files

    root = project(many_indicators(3))
    build(root, BuildRequest(jobs=1))
    tree = tree_digest(root / "output")
    made: list[str] = []
    original = site_files.whole_site_files

    def counted(pages):
        made.append("whole site")
        return original(pages)

    monkeypatch.setattr(site_files, "whole_site_files", counted)
    build(root, BuildRequest(jobs=1))
    assert made == []
    assert tree_digest(root / "output") == tree
    assert (root / "output/html/data/indicators.csv").stat().st_nlink >= 2  # linked from the cache

    rename(root, "02", "ชื่อที่แก้ไขแล้ว")
    build(root, BuildRequest(jobs=1))
    assert made == ["whole site"]
    assert "ชื่อที่แก้ไขแล้ว" in (root / "output/html/data/indicators.csv").read_text(encoding="utf-8-sig")


def test_changing_a_template_rebuilds_every_form(project):
    root = project(many_indicators(3))
    build(root, BuildRequest(jobs=2))
    with open(root / "templates/css/print.css", "a", encoding="utf-8") as css:
        css.write("\n.running-header { color: #333; }\n")
    report = build(root, BuildRequest(jobs=2))
    assert (report.built, report.unchanged) == (3, 0)


@pytest.mark.parametrize("damage", ["truncate", "flip"])
def test_a_damaged_cache_entry_is_rebuilt_never_published(project, tmp_path, damage):
    root = project(many_indicators(3))
    build(root, BuildRequest(jobs=1))
    clean = tree_digest(root / "output")
    victim = cache_entries(root)[1]
    data = bytearray(victim.read_bytes())
    # Damage in place (as a failing disk would): the output's hard link shares the inode and is damaged too.
    with open(victim, "r+b") as file:
        if damage == "truncate":
            file.truncate(len(data) // 2)
        else:
            file.seek(len(data) // 2)
            file.write(bytes([data[len(data) // 2] ^ 0xFF]))
    report = build(root, BuildRequest(jobs=1))
    assert (report.built, report.unchanged) == (1, 2)
    assert tree_digest(root / "output") == clean
    build(root, BuildRequest(output_dir=tmp_path / "fresh", jobs=1, use_cache=False))
    assert tree_digest(tmp_path / "fresh") == clean


def test_a_cache_restored_into_another_checkout_is_used(project, tmp_path):
    root = project(many_indicators(3))
    build(root, BuildRequest(jobs=1))
    elsewhere = tmp_path / "ci-runner" / "checkout"
    shutil.copytree(root, elsewhere, ignore=shutil.ignore_patterns("output"))  # new paths, inodes and mtimes
    report = build(elsewhere, BuildRequest(jobs=1))
    assert (report.built, report.unchanged) == (0, 3)
    assert tree_digest(elsewhere / "output") == tree_digest(root / "output")


def test_a_full_build_prunes_unused_entries_and_a_partial_build_does_not(project):
    root = project(many_indicators(3))
    build(root, BuildRequest(jobs=1))
    assert len(cache_entries(root)) == 3
    rename(root, "01", "ชื่อใหม่")
    build(root, BuildRequest(paths=(root / "content/indicators/2564/01.yaml",), jobs=1))
    assert len(cache_entries(root)) == 4  # the old 01 may still be wanted by someone: a partial build keeps it
    (root / "content/indicators/2564/03.yaml").unlink()
    build(root, BuildRequest(jobs=1))
    assert len(cache_entries(root)) == 2  # exactly the current 01 and 02


def test_no_cache_neither_reads_nor_writes_the_cache(project):
    root = project(many_indicators(2))
    report = build(root, BuildRequest(jobs=1, use_cache=False))
    assert report.built == 2 and not (root / ".cache").exists()
    build(root, BuildRequest(jobs=1))
    assert build(root, BuildRequest(jobs=1, use_cache=False)).built == 2


def test_as_of_shows_the_state_at_the_end_of_the_quarter_and_is_cached_apart(project):
    root = project(many_indicators(2))
    year = build(root, BuildRequest(jobs=1))
    assert year.built == 2
    quarter_two_report = real_indicator()["quarters"]["q2"]["report"]
    first_line = next(line for line in quarter_two_report.splitlines() if line.strip())
    report = build(root, BuildRequest(jobs=1, options=BuildOptions(as_of=1)))
    assert (report.built, report.unchanged) == (2, 0)
    from extract import html_text, pdftotext_lines, squeeze

    pdf_text = squeeze("".join(pdftotext_lines(root / "output/pdf/2564/01.pdf")))
    page_text = squeeze(html_text((root / "output/html/2564/01.html").read_text(encoding="utf-8")))
    assert squeeze(first_line)[:30] not in pdf_text and squeeze(first_line)[:30] not in page_text
    assert (root / ".cache/reportgen/forms-v1/q1").is_dir()
    assert build(root, BuildRequest(jobs=1)).unchanged == 2  # the whole-year entries were not pruned by the q1 build


def test_a_release_build_is_refused_before_anything_is_rendered(project, monkeypatch):
    import reportgen.publish.release
    from reportgen.errors import Problem

    root = project(many_indicators(2))
    build(root, BuildRequest(jobs=1))
    before = tree_digest(root / "output")
    seen = {}

    def refuse(project, entries):
        seen.setdefault("entries", []).extend(entry.slug for entry in entries)  # one call per form
        return [Problem(file=Path("content/indicators/2564/01.yaml"), message="ยังไม่ได้ลงนาม", field="signoff")]

    monkeypatch.setattr(reportgen.publish.release, "check_release", refuse)
    progress = Recorder()
    with pytest.raises(ContentError) as caught:
        build(root, BuildRequest(jobs=1, options=BuildOptions(release=True), progress=progress))
    assert caught.value.problems[0].field == "signoff"
    assert seen["entries"] == ["2564/01", "2564/02"]
    assert progress.events == []  # refused before anything was rendered
    assert tree_digest(root / "output") == before


def test_progress_reports_each_form_and_a_summary(project):
    root = project(many_indicators(3))
    build(root, BuildRequest(jobs=1))
    rename(root, "02", "ชื่อใหม่")
    progress = Recorder()
    report = build(root, BuildRequest(jobs=2, progress=progress))
    assert progress.events[0] == ("started", {"to_render": 1, "unchanged": 2, "jobs": 1})
    assert progress.events[1] == ("rendered", "2564/02")
    kind, summary = progress.events[2]
    assert kind == "finished" and isinstance(summary, BuildSummary)
    assert (summary.built, summary.unchanged, summary.failed) == (1, 2, 0)
    assert summary == report.summary and isinstance(report, BuildReport)


def test_a_failing_form_fails_the_build_names_its_file_and_writes_nothing(project):
    root = project(many_indicators(3))
    build(root, BuildRequest(jobs=2))
    before = tree_digest(root / "output")
    form = root / "templates/form.html.j2"
    form.write_text(form.read_text(encoding="utf-8")
                    + '{% if indicator.code == "03" %}<img src="https://example.org/x.png">{% endif %}',
                    encoding="utf-8")
    progress = Recorder()
    with pytest.raises(RenderError) as caught:
        build(root, BuildRequest(jobs=2, progress=progress))
    assert "content/indicators/2564/03.yaml" in str(caught.value)
    assert "2564/01.yaml" not in str(caught.value) and "2564/02.yaml" not in str(caught.value)
    assert tree_digest(root / "output") == before
    assert not list(root.glob(".output.*staging*"))
    summary = progress.events[-1][1]
    assert (summary.failed, summary.unchanged) == (1, 0) and summary.built <= 2
    # What was rendered before the failure is cached: after the fix of 03 alone, only it is rendered.
    kept = summary.built
    (root / "content/indicators/2564/03.yaml").write_text(
        yaml.safe_dump(real_indicator() | {"code": "X3"}, allow_unicode=True), encoding="utf-8")
    (root / "content/indicators/2564/03.yaml").rename(root / "content/indicators/2564/X3.yaml")
    report = build(root, BuildRequest(jobs=2))
    assert (report.built, report.unchanged) == (3 - kept, kept)


def test_shards_split_the_indicators_deterministically_into_disjoint_shares(project):
    root = project(many_indicators(6))
    from reportgen.content.project import load_project

    entries = load_project(root).entries
    shares = [[entry.slug for entry in entries if Shard(k, 3).owns(entry)] for k in (1, 2, 3)]
    assert sorted(slug for share in shares for slug in share) == sorted(entry.slug for entry in entries)
    expected = [[e.slug for e in entries if int(hashlib.sha256(e.slug.encode()).hexdigest()[:16], 16) % 3 == k]
                for k in range(3)]
    assert shares == expected


def test_shard_and_job_arguments_are_checked(project):
    root = project(many_indicators(1))
    for bad in (["--shard", "0/3"], ["--shard", "4/3"], ["--shard", "two"], ["-j", "0"], ["--as-of", "q5"]):
        result = run_reportgen("build", *bad, cwd=root)
        assert result.returncode == 2, bad
        assert "Traceback" not in result.stderr
    assert not (root / "output").exists()
    with pytest.raises(UsageError):
        build(root, BuildRequest(paths=(root / "content/indicators/2564/01.yaml",), shard=Shard(1, 2)))


def test_the_command_line_prints_a_summary_and_the_files_only_when_verbose(project):
    root = project(many_indicators(2))
    result = run_reportgen("build", "-j", "2", cwd=root, check=True)
    assert result.stdout == ""
    assert "กำลังสร้างแบบรายงาน 2 ฉบับ (ไม่เปลี่ยนแปลง 0 ฉบับ) ด้วย 2 กระบวนการ" in result.stderr
    assert result.stderr.splitlines()[-1].startswith("สร้าง 2 ฉบับ ข้ามที่ไม่เปลี่ยนแปลง 0 ฉบับ ไม่สำเร็จ 0 ฉบับ ใช้เวลา ")
    again = run_reportgen("build", "--lang", "en", cwd=root, check=True)
    assert again.stderr.splitlines()[-1].startswith("built 0, skipped 2 unchanged, failed 0, ")
    quiet = run_reportgen("build", "--quiet", "--no-cache", cwd=root, check=True)
    assert quiet.stdout == "" and quiet.stderr == ""


@pytest.mark.e2e
def test_ctrl_c_during_rendering_leaves_output_untouched(project):
    import os
    import signal
    import subprocess
    import sys

    root = project(many_indicators(4))
    build(root, BuildRequest(jobs=2))
    before = tree_digest(root / "output")
    for code in ("01", "02", "03", "04"):
        rename(root, code, "ชื่อที่ยังไม่ควรปรากฏ")
    def as_in_a_terminal() -> None:
        # A process inherits an ignored or blocked SIGINT (and the test process may have one, from the libraries
        # it runs); in a terminal Ctrl-C is neither.
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})

    # In its own session, so the signal reaches the build and its workers only.
    build_process = subprocess.Popen([sys.executable, "-m", "reportgen", "build", "-j", "2"], cwd=root,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     start_new_session=True, preexec_fn=as_in_a_terminal)
    first_line = build_process.stderr.readline()  # "กำลังสร้างแบบรายงาน 4 ฉบับ ...": the pool is at work
    assert first_line.startswith("กำลังสร้างแบบรายงาน 4 ฉบับ"), first_line
    os.killpg(build_process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole process group
    _, stderr = build_process.communicate(timeout=120)
    assert build_process.returncode == 130, stderr
    assert "reportgen: หยุดแล้ว output/ ยังเป็นอย่างเดิม" in stderr and "Traceback" not in stderr
    assert tree_digest(root / "output") == before
    assert not list(root.glob(".output.*staging*"))


def test_a_folder_without_templates_is_a_usage_error_not_an_internal_error(tmp_path):
    from projects import REPO_ROOT

    root = tmp_path / "bare"
    shutil.copytree(REPO_ROOT / "content", root / "content")
    result = run_reportgen("build", "--root", str(root), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "templates/form.html.j2" in result.stderr and "--root" in result.stderr
    assert "internal error" not in result.stderr and "ข้อผิดพลาดภายใน" not in result.stderr
    assert not (root / "output").exists()


# --- -o writes only into a folder reportgen made -------------------------------------------------------------------


def _everything(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_build_o_refuses_folders_it_did_not_make_and_touches_nothing(project):
    root = project({"indicators/2564/08.yaml": real_indicator()})
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    foreign = root.parent / "documents"
    foreign.mkdir()
    (foreign / "report.docx").write_bytes(b"not reportgen's")
    before = _everything(root.parent)
    for target in ("content", f"../{root.name}", str(foreign), "..", "."):
        for lang, words in (("en", "was not made by reportgen"), ("th", "ไม่ได้สร้างโดย reportgen")):
            result = run_reportgen("build", "--lang", lang, "-o", target, cwd=root)
            assert result.returncode == 2, (target, result.stderr)
            if target not in ("..", "."):  # those two have no name to swap: refused by the writer's older rule
                assert words in result.stderr, (target, result.stderr)
            assert "Traceback" not in result.stderr
    assert _everything(root.parent) == before  # not a file created, changed or deleted, not even the cache


def test_build_o_builds_into_an_empty_or_new_folder_then_replaces_it(project):
    root = project({"indicators/2564/08.yaml": real_indicator()})
    (root / "site").mkdir()
    run_reportgen("build", "-o", "site", cwd=root, check=True)
    assert (root / "site" / "pdf" / "2564" / "08.pdf").is_file() and (root / "site" / ".reportgen-output").is_file()
    run_reportgen("build", "-o", "site", cwd=root, check=True)  # made by reportgen: replaced
    run_reportgen("build", "-o", "new/site", cwd=root, check=True)
    assert (root / "new" / "site" / "html" / "index.html").is_file()


# --- One form's problem is that form's; a broken site-wide file stops everything (issue 23) -----------------------


def test_one_broken_file_does_not_stop_the_others_from_being_built(project):
    import re

    root = project({"indicators/2564/08.yaml": real_indicator()})
    run_reportgen("build", cwd=root, check=True)
    broken_text = yaml.safe_dump(real_indicator() | {"code": "09"}, allow_unicode=True, sort_keys=False)
    broken_text = broken_text.replace("result_type: output", "result_type output")  # someone else's syntax error
    (root / "content/indicators/2564/09.yaml").write_text(broken_text, encoding="utf-8")
    edited = yaml.safe_dump(real_indicator() | {"name": "ชื่อที่แก้ใหม่"}, allow_unicode=True, sort_keys=False)
    (root / "content/indicators/2564/08.yaml").write_text(edited, encoding="utf-8")
    result = run_reportgen("build", cwd=root)
    assert result.returncode == 0, result.stderr
    line = broken_text.splitlines().index("result_type output") + 1
    assert re.search(rf"content/indicators/2564/09\.yaml:{line}:\d+: ผิดพลาด", result.stderr), result.stderr
    assert "ไม่ได้สร้าง 1 แบบรายงานที่มีข้อผิดพลาด: 2564/09" in result.stderr
    assert "ชื่อที่แก้ใหม่" in (root / "output/html/2564/08.html").read_text(encoding="utf-8")  # my form is built
    assert not (root / "output/pdf/2564/09.pdf").exists()
    named = run_reportgen("build", "content/indicators/2564/09.yaml", cwd=root)  # asked for: cannot be made
    assert named.returncode == 1 and f"content/indicators/2564/09.yaml:{line}:" in named.stderr
    strict = run_reportgen("build", "--strict", cwd=root)
    assert strict.returncode == 1 and "content/indicators/2564/09.yaml" in strict.stderr


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (lambda root: (root / "templates/form.html.j2").write_text(
            (root / "templates/form.html.j2").read_text(encoding="utf-8") + "{% if %}\n", encoding="utf-8"),
         "แม่แบบ templates/form.html.j2:"),
        (lambda root: (root / "templates/index.html.j2").write_text(
            "{% extends '_site.html.j2' %}{% block main %}{{ no_such_value }}{% endblock %}", encoding="utf-8"),
         "แม่แบบ templates/index.html.j2"),
        (lambda root: (root / "content/dictionary.txt").write_bytes("ห้องสมุด\n".encode("cp874")),
         "content/dictionary.txt: ผิดพลาด"),
        (lambda root: (root / "content/site.yaml").write_text("agency: [\n", encoding="utf-8"),
         "content/site.yaml:"),
    ],
    ids=["template-syntax", "template-variable", "dictionary-not-utf8", "site-yaml"],
)
def test_a_broken_site_wide_file_stops_everything_with_its_message(project, damage, words):
    root = project({"indicators/2564/08.yaml": real_indicator(),
                    "indicators/2564/09.yaml": real_indicator() | {"code": "09"}})
    run_reportgen("build", cwd=root, check=True)
    before = tree_digest(root / "output")
    damage(root)
    result = run_reportgen("build", cwd=root)
    assert result.returncode == 1, result.stderr
    assert words in result.stderr and "Traceback" not in result.stderr
    assert "ข้อผิดพลาดภายใน" not in result.stderr  # a file to fix, not a bug
    assert tree_digest(root / "output") == before
