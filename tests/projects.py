"""The tests' helpers: small projects written from dicts, the real indicator and site, running reportgen.

Imported by test modules (``from projects import write_project``); the fixtures are in ``conftest.py`` and, those
made once a session, in ``session_fixtures.py``.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import logging
import os
import shutil
import subprocess
import sys
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
REAL_INDICATOR = REPO_ROOT / "content" / "indicators" / "2564" / "08.yaml"
REFERENCE_FORM = REPO_ROOT.parent / "shared" / "reference" / "kpi-08-form.txt"


def real_indicator() -> dict:
    """The real indicator 08 content as a dict, to vary in tests."""
    return yaml.safe_load(REAL_INDICATOR.read_text(encoding="utf-8"))


def indicator_data(**overrides) -> dict:
    """The real indicator 08 as a dict, with top-level keys replaced (None removes a key)."""
    data = real_indicator()
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def signed_off(data: dict, name: str = "นางสาวสมใจ ใฝ่รู้", position: str = "บรรณารักษ์ชำนาญการ",
               date: str = "2021-10-20") -> dict:
    """``data`` (an indicator without evidence files) with a sign-off as ``reportgen signoff`` writes it: its digest
    holds for exactly this text, so the form prints as signed. A ``signoff`` written without a digest is a draft."""
    import datetime as dt

    from reportgen.digest import signoff_digest
    from reportgen.model import Indicator

    unsigned = {key: value for key, value in data.items() if key != "signoff"}
    day = dt.date.fromisoformat(date)
    digest = signoff_digest(Indicator.model_validate(unsigned, strict=False), None, name=name, position=position,
                            date=day)  # fmt: skip
    return unsigned | {"signoff": {"name": name, "position": position, "date": date, "digest": digest}}


class _ContentDumper(yaml.SafeDumper):
    """PyYAML's safe dumper, quoting text as reportgen's writer does: PyYAML leaves ``0E0`` plain (a string to YAML
    1.1), which reportgen, like the editor's YAML 1.2, reads as a number."""


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    from reportgen.authoring.yamltext import needs_double_quotes

    if needs_double_quotes(value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    return dumper.represent_str(value)


_ContentDumper.add_representer(str, _represent_text)


def dump_yaml(data: dict) -> str:
    """YAML as staff write it: Thai as is, keys in the given order, text that reportgen would read as another type
    (``0E0``, ``yes``) quoted."""
    return yaml.dump(data, Dumper=_ContentDumper, allow_unicode=True, sort_keys=False)


def indicator_yaml(**overrides) -> str:
    return dump_yaml(indicator_data(**overrides))


def real_site() -> dict:
    return yaml.safe_load((REPO_ROOT / "content" / "site.yaml").read_text(encoding="utf-8"))


def multi_year_files() -> dict:
    """2564/08 as the real form (met, 1200 %); 2565/08 after two quarters (2 of 3: not met); 2565/09 not reported;
    2565/10 met at 120 %."""
    year_2565 = real_indicator() | {"fiscal_year": 2565}
    year_2565.pop("result")
    year_2565["quarters"] = {"q1": {"report": "เริ่มดำเนินการ", "result": 1}, "q2": {"report": "ต่อเนื่อง", "result": 2}}
    not_reported = real_indicator() | {"fiscal_year": 2565, "code": "09", "name": "ร้อยละของผู้ใช้บริการที่พึงพอใจ",
                                       "target": {"value": 80, "unit": "ร้อยละ"}, "quarters": {}}
    not_reported.pop("result")
    over = real_indicator() | {"fiscal_year": 2565, "code": "10", "name": "จำนวนกิจกรรมส่งเสริมการอ่าน",
                               "target": {"value": 50, "unit": "กิจกรรม"}, "result": 60}
    return {
        "indicators/2564/08.yaml": real_indicator(),
        "indicators/2565/08.yaml": year_2565,
        "indicators/2565/09.yaml": not_reported,
        "indicators/2565/10.yaml": over,
    }


def write_project(root: Path, files: dict[str, str | bytes | dict], *, site: dict | None = None) -> Path:
    """A project folder at ``root``: the repo's templates and fonts, a site.yaml, and ``files`` under content/.

    ``files`` maps paths under content/ (with or without the ``content/`` prefix) to text, bytes, or a dict dumped
    as YAML. Templates and fonts are
    copied, not linked: the renderer refuses to read through links that lead outside the project.
    """
    root.mkdir(parents=True, exist_ok=True)
    for folder in ("templates", "fonts"):
        shutil.copytree(REPO_ROOT / folder, root / folder, dirs_exist_ok=True)
    content = root / "content"
    (content / "indicators").mkdir(parents=True, exist_ok=True)
    files = {name.removeprefix("content/"): value for name, value in files.items()}
    all_files = {"site.yaml": site if site is not None else real_site(), **files}
    for relative, value in all_files.items():
        path = content / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(value, dict):
            path.write_text(dump_yaml(value), encoding="utf-8")
        elif isinstance(value, bytes):
            path.write_bytes(value)
        else:
            path.write_text(value, encoding="utf-8")
    return root


def build_site(root: Path, files: dict | None = None, *, site: dict | None = None) -> Path:
    """Write and build a project (by default the multi-year one); returns its output/html."""
    write_project(root, files if files is not None else multi_year_files(), site=site)
    run_reportgen("build", cwd=root, check=True)
    return root / "output" / "html"


def run_reportgen(
    *args: str, cwd: Path, check: bool = False, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run the command line in this process, as ``reportgen ARGS`` run in ``cwd`` with ``env`` added to the
    environment: ``reportgen.cli.main(args)``, its exit status, and what it printed on each stream.

    What a fresh process would make of it is made here too: argparse's exits become the exit status, log lines go
    to stderr (``cli`` sets logging up afresh), and the working folder, the environment and the handlers of the
    root logger are put back afterwards. The process boundary itself (the real entry point, signals, a locale, a
    ``kill -9``) is tested with ``run_reportgen_process``, in the end-to-end tier."""
    from reportgen.cli import main

    stdout, stderr = io.StringIO(), io.StringIO()
    root_logger = logging.getLogger()
    saved_handlers, saved_level = root_logger.handlers[:], root_logger.level
    saved_environ = dict(os.environ)
    previous_folder = os.getcwd()
    try:
        os.environ.update(env or {})
        os.chdir(cwd)
        root_logger.handlers = []  # so that cli's logging.basicConfig writes the log lines to this run's stderr
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                returncode = main(list(args))
            except SystemExit as exit_:  # argparse: --help, --version, usage errors
                returncode = _exit_status(exit_.code, stderr)
            except Exception:  # noqa: BLE001 - a fresh process prints whatever escapes (--debug), exits 1
                traceback.print_exc()
                returncode = 1
    finally:
        os.chdir(previous_folder)
        os.environ.clear()
        os.environ.update(saved_environ)
        root_logger.handlers, root_logger.level = saved_handlers, saved_level
    result = subprocess.CompletedProcess(["reportgen", *args], returncode, stdout.getvalue(), stderr.getvalue())
    if check and result.returncode != 0:
        raise AssertionError(f"reportgen {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
    return result


def _exit_status(code: object, stderr: io.StringIO) -> int:
    """The exit status ``sys.exit(code)`` gives a process (a message is printed to stderr with status 1)."""
    if code is None or isinstance(code, int):
        return code or 0
    print(code, file=stderr)
    return 1


def run_reportgen_process(
    *args: str, cwd: Path, check: bool = False, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run the real command line in a fresh process (``python -m reportgen``), as a user would: for the tests of
    what only a process shows (the entry point, exit statuses, signals, the locale), in the end-to-end tier."""
    result = subprocess.run(
        [sys.executable, "-m", "reportgen", *args], cwd=cwd, capture_output=True, text=True, timeout=300,
        env={**os.environ, **(env or {})},
    )  # fmt: skip
    if check and result.returncode != 0:
        raise AssertionError(f"reportgen {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
    return result


#: The mark ``shared_folder`` leaves in a folder once ``make`` has filled it.
_DONE = ".made"


def shared_folder(tmp_path_factory, name: str, make: Callable[[Path], object]) -> Path:
    """A folder ``make(folder)`` filled once for the whole test run, whichever pytest-xdist worker asks first: for
    a costly fixture (a built project) that tests only read. ``name`` is unique in the run.

    Without xdist it is a fresh folder of this session. Under xdist it is ``<run's temporary folder>/name``, made
    under an exclusive lock, so a worker asking while another makes it waits for it instead of making it again; a
    ``make`` that failed leaves no mark and is tried again (and fails again) by the next test that needs it.
    """
    if "PYTEST_XDIST_WORKER" not in os.environ:
        folder = tmp_path_factory.mktemp(name, numbered=True)
        make(folder)
        return folder
    run_folder = tmp_path_factory.getbasetemp().parent  # every worker's basetemp is a folder of the run's
    folder = run_folder / name
    with (run_folder / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / _DONE).exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            make(folder)
            (folder / _DONE).touch()
    return folder


def many_indicators(count: int, name: str = "ตัวชี้วัดทดสอบ") -> dict:
    """``count`` copies of the real indicator, codes 01, 02, …, as project files for ``write_project``."""
    return {
        f"indicators/2564/{code:02d}.yaml": real_indicator() | {"code": f"{code:02d}", "name": f"{name} {code}"}
        for code in range(1, count + 1)
    }


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` → the SHA-256 of its bytes: two builds compared byte for byte."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*")) if path.is_file()
    }
