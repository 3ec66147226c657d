"""Shared fixtures: small projects built from dicts, and the real project built once per test session.

The helpers they use, which tests also import directly, are in ``projects.py``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from projects import REAL_INDICATOR, REPO_ROOT, run_reportgen, write_project


@pytest.fixture(scope="session")
def real_build(tmp_path_factory) -> Path:
    """The real content/ built once by `reportgen build`; returns the project root (outputs under output/)."""
    root = tmp_path_factory.mktemp("real-project")
    write_project(root, {})
    shutil.copytree(REPO_ROOT / "content", root / "content", dirs_exist_ok=True)
    run_reportgen("build", cwd=root, check=True)
    return root


@pytest.fixture
def project(tmp_path):
    """A factory: ``project({"indicators/2564/08.yaml": {...}})`` → a project root with those files."""

    def factory(files: dict, *, site: dict | None = None) -> Path:
        return write_project(tmp_path / "project", files, site=site)

    return factory


@pytest.fixture
def make_project():
    """``make_project(root, {"content/indicators/2564/08.yaml": ...})`` → the project root (see write_project)."""
    return write_project


@pytest.fixture
def real_indicator_text() -> str:
    """The real content/indicators/2564/08.yaml, as text."""
    return REAL_INDICATOR.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _default_reader(monkeypatch):
    """Every test starts as reportgen's default reader, whatever the machine's locale: no REPORTGEN_LANG, a locale
    that names no language, so messages are Thai unless the test asks for English (``--lang en``)."""
    for name in ("REPORTGEN_LANG", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
