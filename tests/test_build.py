"""The build command end to end: content/ → output/, through the real command line in a fresh process."""

from __future__ import annotations

import hashlib
from pathlib import Path

from conftest import real_indicator, run_reportgen


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*")) if path.is_file()
    }


def test_build_writes_pdf_and_html_for_every_indicator_and_says_so(project):
    second = real_indicator() | {"code": "09", "name": "ตัวชี้วัดทดสอบที่สอง"}
    root = project({"indicators/2564/08.yaml": real_indicator(), "indicators/2564/09.yaml": second})
    result = run_reportgen("build", cwd=root, check=True)
    lines = result.stdout.splitlines()
    for path in ("output/pdf/2564/08.pdf", "output/pdf/2564/09.pdf", "output/html/2564/08.html",
                 "output/html/2564/09.html", "output/html/2564/08.pdf", "output/html/index.html",
                 "output/html/assets/css/form.css", "output/html/assets/fonts/Sarabun-Regular.woff2"):
        assert path in lines, f"{path} not reported"
        assert (root / path).is_file() and (root / path).stat().st_size > 0
    assert len(lines) == len(set(lines)) == sum(1 for p in (root / "output").rglob("*") if p.is_file())
    assert (root / "output/pdf/2564/08.pdf").read_bytes().startswith(b"%PDF-")
    assert (root / "output/html/2564/08.pdf").read_bytes() == (root / "output/pdf/2564/08.pdf").read_bytes()
    home = (root / "output/html/index.html").read_text(encoding="utf-8")
    assert 'href="2564/08.html"' in home and 'href="2564/09.html"' in home


def test_build_of_named_files_renders_only_those_and_keeps_the_rest(project):
    second = real_indicator() | {"code": "09", "name": "ตัวชี้วัดทดสอบที่สอง"}
    root = project({"indicators/2564/08.yaml": real_indicator(), "indicators/2564/09.yaml": second})
    run_reportgen("build", cwd=root, check=True)
    before = tree_digest(root / "output")
    result = run_reportgen("build", "content/indicators/2564/09.yaml", cwd=root, check=True)
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
    assert "refused" in result.stderr and "content/indicators/2564/08.yaml" in result.stderr
    assert tree_digest(root / "output") == before


def test_unknown_command_and_missing_project_are_usage_errors(tmp_path):
    assert run_reportgen("publish", cwd=tmp_path).returncode == 2
    result = run_reportgen("build", cwd=tmp_path)
    assert result.returncode == 2 and "content" in result.stderr and "Traceback" not in result.stderr


def test_python_dash_m_and_console_script_agree(project):
    import shutil
    import subprocess
    import sys

    script = Path(sys.executable).with_name("reportgen")
    assert script.exists() or shutil.which("reportgen"), "the reportgen console script is not installed"
    version = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=True).stdout
    assert version == run_reportgen("--version", cwd=Path.cwd()).stdout


def many_indicators(count: int, name: str = "ตัวชี้วัดทดสอบ") -> dict:
    return {
        f"indicators/2564/{code:02d}.yaml": real_indicator() | {"code": f"{code:02d}", "name": f"{name} {code}"}
        for code in range(1, count + 1)
    }


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
    while not list(root.glob(".output.staging-*/pdf/2564/*.pdf")):  # killed once it is really writing
        assert build.poll() is None, "the build finished before it could be killed; make it longer"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    os.kill(build.pid, signal.SIGKILL)
    build.wait()

    assert tree_digest(root / "output") == before
    result = run_reportgen("build", cwd=root, check=True)
    assert "output/pdf/2564/06.pdf" in result.stdout.splitlines()
    assert not list(root.glob(".output.staging-*")), "the killed build's staging folder was not cleaned up"
    assert "ชื่อใหม่ที่ยังไม่ควรปรากฏ" in (root / "output/html/2564/01.html").read_text(encoding="utf-8")


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
