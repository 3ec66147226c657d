"""Reproducible builds: the same content built in two folders, at two times, gives byte-identical output/.

The second build runs under libfaketime (Debian's ``faketime``), years later, in a folder with a different path,
with every project file's modification time changed; neither build has ``SOURCE_DATE_EPOCH``. Every file under
output/ (drafts, release PDFs, pages, assets) must be identical, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from projects import REAL_INDICATOR, write_project
from pypdf import PdfReader

from reportgen.commands.signoff import signoff

pytestmark = pytest.mark.e2e  # fresh processes, one under faketime

EVIDENCE_TITLE = "รายงานผลการดำเนินงานการจัดทำบรรณนิทัศน์ออนไลน์"
LATER = "2031-02-03 04:05:06"


def _project(root: Path, *, signed: bool) -> Path:
    text = REAL_INDICATOR.read_text(encoding="utf-8").replace(
        f"  - title: {EVIDENCE_TITLE}\n", f"  - title: {EVIDENCE_TITLE}\n    file: evidence/08.pdf\n", 1)
    other = text.replace('code: "08"', 'code: "09"')
    write_project(root, {"indicators/2564/08.yaml": text, "indicators/2564/09.yaml": other,
                         "evidence/08.pdf": b"%PDF-1.4\n% evidence\n"})
    if signed:
        for code in ("08", "09"):
            signoff(root, root / f"content/indicators/2564/{code}.yaml", name="นางสาวสมใจ ใฝ่รู้",
                    position="บรรณารักษ์ชำนาญการ", date=dt.date(2021, 10, 20))
    return root


def _build(root: Path, *args: str, later: bool = False, env: dict | None = None) -> None:
    environment = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
    environment.update(env or {})
    command = [sys.executable, "-m", "reportgen", "build", *args]
    if later:
        command = ["faketime", LATER, *command]
    result = subprocess.run(command, cwd=root, env=environment, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr


def _files(root: Path) -> dict[str, bytes]:
    output = root / "output"
    return {path.relative_to(output).as_posix(): path.read_bytes() for path in sorted(output.rglob("*")) if path.is_file()}


def _age(root: Path) -> None:
    """Every file of the project gets another modification time, as a fresh clone would."""
    stamp = dt.datetime(2030, 1, 1).timestamp()
    for path in root.rglob("*"):
        os.utime(path, (stamp, stamp), follow_symlinks=False)


@pytest.fixture(scope="module")
def faketime():
    if shutil.which("faketime") is None:
        if os.environ.get("CI"):
            pytest.fail("faketime is missing: make test installs it (Debian package faketime)")
        pytest.skip("Debian's faketime is not installed")
    probe = subprocess.run(["faketime", LATER, sys.executable, "-c", "import datetime; print(datetime.date.today())"],
                           capture_output=True, text=True, check=True)
    assert probe.stdout.strip() == LATER[:10]  # the clock really moves for the second build


@pytest.mark.parametrize("release", [False, True], ids=["draft", "release"])
def test_two_builds_in_two_folders_at_two_times_are_byte_identical(tmp_path, faketime, release):
    first = _project(tmp_path / "a", signed=release)
    second = _project(tmp_path / "another" / "folder" / "b", signed=release)
    _age(second)
    args = ("--release",) if release else ()
    _build(first, *args)
    _build(second, *args, later=True)
    built, rebuilt = _files(first), _files(second)
    assert sorted(built) == sorted(rebuilt) and "pdf/2564/08.pdf" in built
    assert [name for name in built if built[name] != rebuilt[name]] == []
    reader = PdfReader(first / "output" / "pdf" / "2564" / "08.pdf")
    if release:
        assert reader.metadata["/CreationDate"].startswith("D:20211020000000+07'00")
        assert len(reader.trailer["/Root"]["/Names"]["/EmbeddedFiles"]["/Names"]) == 4
    else:
        assert "/CreationDate" not in reader.metadata and "/ModDate" not in reader.metadata
    for pdf in ("pdf/2564/08.pdf", "pdf/2564/09.pdf"):
        assert str(first).encode() not in built[pdf] and str(second).encode() not in rebuilt[pdf]


def test_source_date_epoch_dates_drafts_and_keeps_them_reproducible(tmp_path, faketime):
    first = _project(tmp_path / "a", signed=False)
    second = _project(tmp_path / "b", signed=False)
    epoch = {"SOURCE_DATE_EPOCH": "1634688000"}  # 2021-10-20 00:00 UTC
    _build(first, env=epoch)
    _build(second, later=True, env=epoch)
    assert _files(first) == _files(second)
    reader = PdfReader(first / "output" / "pdf" / "2564" / "08.pdf")
    assert reader.metadata["/CreationDate"].startswith("D:20211020000000")
