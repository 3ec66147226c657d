"""publish/pool.py: entries → PDFs, in this process or in a pool; the same bytes whatever the number of workers."""

from __future__ import annotations

import subprocess

import pytest
from extract import pdftotext_lines, squeeze
from projects import real_indicator

from reportgen.content.project import load_project
from reportgen.errors import RenderError
from reportgen.publish.pool import MAX_CHUNK, FormsFailed, _chunks, render_pdfs


def three_forms() -> dict:
    return {
        f"indicators/2564/{code}.yaml": real_indicator() | {"code": code, "name": f"ตัวชี้วัดทดสอบลำดับ {code}"}
        for code in ("01", "02", "03")
    }


def test_a_pool_renders_the_same_bytes_as_one_process_and_each_form_is_its_own(project, tmp_path):
    root = project(three_forms())
    loaded = load_project(root)
    alone = render_pdfs(root, loaded.site, loaded.entries, jobs=1)
    pooled = render_pdfs(root, loaded.site, loaded.entries, jobs=2)
    assert alone.keys() == pooled.keys() == {"2564/01", "2564/02", "2564/03"}
    for slug, pdf in alone.items():
        assert pooled[slug] == pdf, f"{slug}: the pool's PDF differs from the in-process one"
    for code in ("01", "02", "03"):
        path = tmp_path / f"{code}.pdf"
        path.write_bytes(pooled[f"2564/{code}"])
        assert f"ตัวชี้วัดทดสอบลำดับ{code}" in squeeze("".join(pdftotext_lines(path)))


def test_each_rendered_form_is_reported_once_in_the_main_process(project):
    root = project(three_forms())
    loaded = load_project(root)
    seen = []
    pdfs = render_pdfs(root, loaded.site, loaded.entries, jobs=2, on_rendered=lambda e, pdf: seen.append((e.slug, pdf)))
    assert sorted(slug for slug, _ in seen) == sorted(pdfs)
    assert all(pdfs[slug] == pdf for slug, pdf in seen)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_form_that_cannot_be_rendered_is_named_and_the_others_are_not_blamed(project, jobs):
    root = project(three_forms())
    form = root / "templates" / "form.html.j2"
    # Only indicator 02 asks for a file outside the project; the fetcher refuses it.
    form.write_text(
        form.read_text(encoding="utf-8") + '{% if indicator.code == "02" %}<img src="file:///etc/passwd">{% endif %}',
        encoding="utf-8",
    )
    loaded = load_project(root)
    rendered = []
    with pytest.raises(FormsFailed) as caught:
        render_pdfs(root, loaded.site, loaded.entries, jobs=jobs, on_rendered=lambda e, pdf: rendered.append(e.slug))
    assert isinstance(caught.value, RenderError)
    assert caught.value.failed == ("2564/02",)
    message = caught.value.text("en")
    assert "content/indicators/2564/02.yaml" in message and "refused" in message
    assert "ถูกปฏิเสธ" in caught.value.text("th") and "refused" not in caught.value.text("th")
    assert "2564/01.yaml" not in message and "2564/03.yaml" not in message
    assert "2564/02" not in rendered


def test_nothing_to_render_starts_nothing():
    assert render_pdfs(None, None, [], jobs=4) == {}  # no renderer, no pool: the arguments are never touched


@pytest.mark.parametrize("count,jobs", [(1, 2), (7, 2), (100, 2), (1000, 8), (33, 3)])
def test_chunks_cover_every_entry_once_in_order_and_stay_small(count, jobs):
    entries = list(range(count))
    chunks = _chunks(entries, jobs)
    assert [item for chunk in chunks for item in chunk] == entries
    assert all(1 <= len(chunk) <= MAX_CHUNK for chunk in chunks)
    assert len(chunks) >= min(count, jobs * 4)  # enough chunks to keep every worker busy to the end


def test_workers_see_the_environment_of_the_build_not_the_one_their_server_started_with(project, monkeypatch):
    root = project({key: value for key, value in list(three_forms().items())[:2]})
    loaded = load_project(root)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    render_pdfs(root, loaded.site, loaded.entries, jobs=2)  # the fork server may start now, without the variable
    undated = render_pdfs(root, loaded.site, loaded.entries, jobs=1)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1634688000")  # a draft is dated by it
    dated_here = render_pdfs(root, loaded.site, loaded.entries, jobs=1)
    dated_in_pool = render_pdfs(root, loaded.site, loaded.entries, jobs=2)
    assert dated_here == dated_in_pool
    assert dated_here["2564/01"] != undated["2564/01"]


@pytest.mark.e2e
def test_a_script_without_a_main_guard_can_render_with_a_pool(project, tmp_path):
    import subprocess
    import sys

    root = project({key: value for key, value in list(three_forms().items())[:2]})
    script = tmp_path / "render_all.py"  # no `if __name__ == "__main__":`, as quick scripts are written
    script.write_text(
        "from pathlib import Path\n"
        "from reportgen.publish.pool import render_pdfs\n"
        "from reportgen.content.project import load_project\n"
        f"root = Path({str(root)!r})\n"
        "loaded = load_project(root)\n"
        "print(sorted(render_pdfs(root, loaded.site, loaded.entries, jobs=2)))\n",
        encoding="utf-8",
    )
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['2564/01', '2564/02']"  # printed once: the workers did not rerun the script


# --- a temporary folder too deep for the fork server's socket ------------------------------------------------------

_RENDER_WITH_A_POOL = """
import logging, sys, tempfile
from pathlib import Path
logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
import reportgen.publish.pool as pool
from reportgen.content.project import load_project
from reportgen import wording
wording.set_language("en")
if sys.argv[2] == "no-short-folder":
    pool.SHORT_TEMP_FOLDERS = ()
root = Path(sys.argv[1])
loaded = load_project(root)
pdfs = pool.render_pdfs(root, loaded.site, loaded.entries, jobs=2)
print(sorted(pdfs), "pool" if pool._fork_server_started else "here", tempfile.gettempdir() == sys.argv[3])
"""


@pytest.mark.e2e
@pytest.mark.parametrize("short_folder", ["a short folder", "no-short-folder"])
def test_a_temporary_folder_too_deep_for_a_socket_neither_hangs_nor_fails_the_build(project, tmp_path, short_folder):
    """A Unix socket's path is at most 107 bytes; TMPDIR deep in a CI workspace is longer. The fork server's
    socket then lives in a short folder; with none to be had, the forms are rendered in the build's process."""
    import os
    import subprocess
    import sys

    root = project({key: value for key, value in list(three_forms().items())[:2]})
    deep = tmp_path / ("a-rather-long-folder-name-" * 4) / ("and-another-one-" * 3)
    deep.mkdir(parents=True)
    assert len(os.fsencode(deep)) > 107
    script = tmp_path / "render.py"
    script.write_text(_RENDER_WITH_A_POOL, encoding="utf-8")
    env = dict(os.environ, TMPDIR=str(deep))
    result = subprocess.run([sys.executable, str(script), str(root), short_folder, str(deep)],
                            capture_output=True, text=True, timeout=300, env=env)  # fmt: skip
    assert result.returncode == 0, result.stderr
    if short_folder == "no-short-folder":
        assert result.stdout.strip() == "['2564/01', '2564/02'] here True"
        assert "could not start the rendering processes" in result.stderr and "TMPDIR" in result.stderr
    else:
        assert result.stdout.strip() == "['2564/01', '2564/02'] pool True"  # TMPDIR stays what it was for the rest
        assert "WARNING" not in result.stderr


# --- kill -9 of a parallel build leaves no process behind ----------------------------------------------------------


def _session_processes(session: int) -> dict[int, str]:
    """pid → command line of every live (not zombie) process of the session ``session``."""
    import os

    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as file:
                stat = file.read()
            with open(f"/proc/{entry}/cmdline", "rb") as file:
                command = file.read().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        fields = stat[stat.rindex(b")") + 2 :].split()
        if fields[0] != b"Z" and int(fields[3]) == session:  # state, ppid, pgrp, session
            found[int(entry)] = command
    return found


def _import_pool_as_fork_server(parent: int) -> subprocess.CompletedProcess:
    """A Python process that imports ``reportgen.publish.pool`` as the fork server does, told that its build is
    ``parent``, then says it goes on serving."""
    import os
    import sys

    environment = dict(os.environ, REPORTGEN_FORK_SERVER_PARENT=str(parent))
    return subprocess.run([sys.executable, "-c", "import reportgen.publish.pool; print('serving')"], env=environment,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def test_a_fork_server_whose_build_has_ended_ends_instead_of_serving():
    """The server ties itself to its build when it imports pool.py, after WeasyPrint (0.7 s). A build killed in that
    time had already asked it for workers; the server forked one, which held open the pipe that tells the server its
    build is gone, and the two waited for each other for ever (seen after a test killed a build as it started)."""
    import os

    ended = subprocess.Popen(["true"])
    ended.wait()
    server = _import_pool_as_fork_server(ended.pid)
    assert (server.returncode, server.stdout) == (1, ""), server.stderr
    tied = _import_pool_as_fork_server(os.getpid())  # its build, alive: it serves
    assert (tied.returncode, tied.stdout) == (0, "serving\n"), tied.stderr
    other = _import_pool_as_fork_server(1)  # alive, not its parent: a process that inherited the variable
    assert (other.returncode, other.stdout) == (0, "serving\n"), other.stderr


@pytest.mark.e2e
def test_kill_9_of_a_parallel_build_leaves_no_fork_server_worker_or_resource_tracker(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    from projects import many_indicators, write_project

    root = write_project(tmp_path / "project", many_indicators(16))
    build = subprocess.Popen([sys.executable, "-m", "reportgen", "build", "-j2", "--no-cache"], cwd=root,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while len(_session_processes(build.pid)) < 4:  # the build, its fork server, two workers (and the tracker)
            assert build.poll() is None, "the build finished before its workers were seen; make it longer"
            assert time.monotonic() < deadline, _session_processes(build.pid)
            time.sleep(0.05)
        started = _session_processes(build.pid)
        assert any("forkserver" in command for command in started.values()), started
        os.kill(build.pid, signal.SIGKILL)
        build.wait()
        deadline = time.monotonic() + 30
        while left := _session_processes(build.pid):
            assert time.monotonic() < deadline, f"still running after the build was killed: {left}"
            time.sleep(0.1)
    finally:
        for pid in _session_processes(build.pid):  # never leave them running, whatever the outcome
            os.kill(pid, signal.SIGKILL)
