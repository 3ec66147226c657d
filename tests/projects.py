"""The tests' helpers: small projects written from dicts, the real indicator and site, running reportgen.

Imported by test modules (``from projects import write_project``); ``conftest.py`` holds only the fixtures.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
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


def dump_yaml(data: dict) -> str:
    """YAML as staff write it: Thai as is, keys in the given order."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def indicator_yaml(**overrides) -> str:
    return dump_yaml(indicator_data(**overrides))


def real_site() -> dict:
    return yaml.safe_load((REPO_ROOT / "content" / "site.yaml").read_text(encoding="utf-8"))


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
            path.write_text(yaml.safe_dump(value, allow_unicode=True, sort_keys=False), encoding="utf-8")
        elif isinstance(value, bytes):
            path.write_bytes(value)
        else:
            path.write_text(value, encoding="utf-8")
    return root


def run_reportgen(*args: str, cwd: Path, check: bool = False) -> subprocess.CompletedProcess:
    """Run the real command line in a fresh process, as a user would."""
    result = subprocess.run(
        [sys.executable, "-m", "reportgen", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )
    if check and result.returncode != 0:
        raise AssertionError(f"reportgen {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
    return result


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
