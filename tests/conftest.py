"""Shared fixtures: small projects built from dicts, the reader every test starts as, and the two tiers.

The helpers they use, which tests also import directly, are in ``projects.py``; the expensive fixtures made once a
session (built projects, signed release PDFs) are in ``session_fixtures.py``, a plugin registered here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from chromium import CHROMIUM, CHROMIUM_FLAGS
from projects import REAL_INDICATOR, write_project

pytest_plugins = ["session_fixtures"]  # not "fixtures": that name is pytest's own (_pytest.fixtures)


def pytest_sessionstart(session):
    """multiprocessing makes its own temporary folder (where the fork server's socket lives) once per process, under
    tempfile's folder of that moment. Made now, it is under the system's: a test that moves tempfile's folder into
    its tmp_path (the preview's tests, to see the preview's folder go) would otherwise have it made there, for every
    later build of that test process, a path that can be too long for a socket (AF_UNIX: 107 bytes)."""
    import multiprocessing.util

    multiprocessing.util.get_temp_dir()


@pytest.hookimpl(tryfirst=True)  # before `-m "not e2e"` selects
def pytest_collection_modifyitems(items):
    """A browser test belongs to the end-to-end tier too (``make test-fast`` leaves both out)."""
    for item in items:
        if item.get_closest_marker("browser") and not item.get_closest_marker("e2e"):
            item.add_marker(pytest.mark.e2e)


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


@pytest.fixture(scope="module")
def browser():
    """Chromium driven by Playwright, one per test module (``chromium.py``)."""
    from playwright.sync_api import sync_playwright

    assert CHROMIUM, "Chromium is not installed: `make test` installs Debian's chromium package"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()
