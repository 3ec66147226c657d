"""The Python dependencies are installed from a lock with hashes (requirements/, made by ``make lock``).

A dependency added to pyproject.toml but not locked would make ``make setup`` fail on a fresh machine (pip refuses a
requirement without a hash in --require-hashes mode): this fails first, saying to run ``make lock``.
"""

from __future__ import annotations

import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from projects import REPO_ROOT

LOCKS = REPO_ROOT / "requirements"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)(?:\s*;\s*([^\\]+?))?\s*\\?$")


def locked(name: str) -> dict[str, list[tuple[str, str | None, int]]]:
    """Package → [(version, marker, number of hashes)] of ``requirements/<name>``."""
    pins: dict[str, list[tuple[str, str | None, int]]] = {}
    current = None
    for line in (LOCKS / name).read_text(encoding="utf-8").splitlines():
        if match := PIN.match(line):
            current = canonicalize_name(match.group(1))
            pins.setdefault(current, []).append((match.group(2), match.group(3), 0))
        elif line.strip().startswith("--hash=sha256:") and current is not None:
            version, marker, hashes = pins[current][-1]
            pins[current][-1] = (version, marker, hashes + 1)
    return pins


def pyproject() -> dict:
    return tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def names(requirements: list[str]) -> set[str]:
    return {canonicalize_name(Requirement(text).name) for text in requirements}


def test_every_dependency_is_locked_with_hashes():
    project = pyproject()
    runtime = names(project["project"]["dependencies"]) | names(project["build-system"]["requires"])
    tests = runtime | names(project["project"]["optional-dependencies"]["test"])
    for lock, wanted in (("build.txt", runtime), ("test.txt", tests)):
        pins = locked(lock)
        missing = sorted(wanted - pins.keys())
        assert not missing, f"requirements/{lock} lacks {missing}: run `make lock` after changing pyproject.toml"
        unhashed = sorted(name for name, versions in pins.items() if any(hashes == 0 for _, _, hashes in versions))
        assert not unhashed, f"requirements/{lock}: no hashes for {unhashed}"
    assert locked("pip.txt").keys() == {"pip"} and locked("lock-tools.txt").keys() == {"uv"}


def test_the_build_lock_holds_the_versions_the_tests_ran_with():
    test = {name: {version for version, _, _ in pins} for name, pins in locked("test.txt").items()}
    for name, pins in locked("build.txt").items():
        assert {version for version, _, _ in pins} <= test[name], name


def test_the_build_system_requirement_is_the_one_locked():
    text = (LOCKS / "build-system.in").read_text(encoding="utf-8")
    assert [line.split("#")[0].strip() for line in text.splitlines()] == pyproject()["build-system"]["requires"]


def test_make_installs_python_packages_only_from_the_lock_with_hashes():
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    installs = [line.strip() for line in makefile.splitlines() if "pip install" in line or "PIP_INSTALL)" in line]
    assert installs, "no pip install in the Makefile"
    for line in installs:
        if line.startswith("PIP_INSTALL :="):
            assert "--require-hashes" in line and "--only-binary :all:" in line
        elif "-e ." in line:  # reportgen itself, from this folder: nothing fetched
            assert "--no-deps" in line and "--no-build-isolation" in line
        else:
            assert "--require-hashes" in line or line.startswith("$(PIP_INSTALL)"), line
            assert re.search(r"-r requirements/[a-z-]+\.txt$", line), line
    assert not (REPO_ROOT / "constraints.txt").exists()
