"""authoring/writer.py: the one writer of content files (new, import, signoff), atomic and never outside content/."""

from __future__ import annotations

import pytest

from reportgen import wording
from reportgen.authoring.writer import write_content_file
from reportgen.errors import OutputError


@pytest.fixture(autouse=True)
def _english_errors():
    """The refusals are matched in English (the language of the run; Thai by default)."""
    wording.set_language("en")
    yield
    wording.set_language("th")


def test_content_file_is_written_and_replaced_atomically(tmp_path):
    (tmp_path / "content").mkdir()
    path = write_content_file(tmp_path, "indicators/2565/09.yaml", b"code: '09'\n", replace=False)
    assert path == tmp_path / "content" / "indicators" / "2565" / "09.yaml"
    assert path.read_bytes() == b"code: '09'\n"
    path.chmod(0o600)
    write_content_file(tmp_path, "indicators/2565/09.yaml", b"new\n", replace=True)
    assert path.read_bytes() == b"new\n" and (path.stat().st_mode & 0o777) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["09.yaml"]  # no temporary file left


def test_content_file_refuses_to_overwrite_when_asked_not_to(tmp_path):
    target = tmp_path / "content" / "indicators" / "09.yaml"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"keep me")
    with pytest.raises(OutputError, match="already exists"):
        write_content_file(tmp_path, "indicators/09.yaml", b"other", replace=False)
    assert target.read_bytes() == b"keep me"
    assert [p.name for p in target.parent.iterdir()] == ["09.yaml"]


@pytest.mark.parametrize("relative", ["../pyproject.toml", "/etc/passwd", "indicators/../../x.yaml", "link/x.yaml"])
def test_content_file_refuses_paths_outside_content(tmp_path, relative):
    (tmp_path / "content").mkdir()
    (tmp_path / "outside").mkdir()
    (tmp_path / "content" / "link").symlink_to(tmp_path / "outside")
    with pytest.raises(OutputError, match="refusing"):
        write_content_file(tmp_path, relative, b"x", replace=True)
    assert list((tmp_path / "outside").iterdir()) == []
