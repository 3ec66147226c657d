"""preview/watcher.py: which files are an editor's own (never a reason to rebuild)."""

from __future__ import annotations

import pytest

from reportgen.preview.watcher import is_editor_file


@pytest.mark.parametrize(
    "name", [".08.yaml.swp", ".08.yaml.swo", ".08.yaml.swx", "08.yaml.swp", "08.yaml~", ".#08.yaml", "#08.yaml#",
             "4913", ".DS_Store"],
)  # fmt: skip
def test_editor_files_are_recognised(name):
    assert is_editor_file(name)


@pytest.mark.parametrize("name", ["08.yaml", "site.yaml", "form.html.j2", "Sarabun-Regular.woff2", "2564", "form.css"])
def test_the_projects_files_are_not(name):
    assert not is_editor_file(name)
