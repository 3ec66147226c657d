"""commands/merge.py: the outputs of `build --shard K/N` → the same output/ as one full build, or a clear refusal."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from projects import many_indicators, real_indicator, run_reportgen, shared_folder, tree_digest, write_project

from reportgen import wording
from reportgen.commands.merge import merge
from reportgen.errors import UsageError
from reportgen.publish.options import BuildRequest, Shard
from reportgen.publish.pipeline import SHARD_MANIFEST, build


@pytest.fixture(autouse=True)
def _english_errors():
    """The refusals below are matched by their English words (``str(error)`` reads in the run's language)."""
    wording.set_language("en")
    yield
    wording.set_language("th")


@pytest.fixture(scope="module")
def sharded_once(tmp_path_factory):
    """A 5-indicator project, its full build in output/, and its 3 shards built (without cache) in shard-K/ (once a
    run: tests copy it)."""

    def make(base: Path) -> None:
        root = write_project(base / "project", many_indicators(5))
        build(root, BuildRequest(jobs=2, use_cache=False))
        for k in (1, 2, 3):
            build(root, BuildRequest(output_dir=base / f"shard-{k}", jobs=2, shard=Shard(k, 3), use_cache=False))

    return shared_folder(tmp_path_factory, "sharded", make)


@pytest.fixture
def sharded(sharded_once, tmp_path):
    """A private copy of ``sharded_once`` (tests damage it): (project root, [shard folders])."""
    shutil.copytree(sharded_once, tmp_path / "copy")
    base = tmp_path / "copy"
    return base / "project", [base / f"shard-{k}" for k in (1, 2, 3)]


def test_merging_every_shard_gives_the_full_build_byte_for_byte(sharded, tmp_path):
    root, shards = sharded
    per_shard = [set(json.loads((folder / SHARD_MANIFEST).read_text(encoding="utf-8"))["forms"]) for folder in shards]
    assert sum(len(share) for share in per_shard) == 5
    assert set().union(*per_shard) == {f"2564/0{n}" for n in range(1, 6)}
    report = merge(root, list(reversed(shards)), output_dir=tmp_path / "merged")  # any order
    assert (report.shards, report.forms) == (3, 5)
    assert tree_digest(tmp_path / "merged") == tree_digest(root / "output")


def test_the_merge_command_line(sharded):
    root, shards = sharded
    full = tree_digest(root / "output")
    shutil.rmtree(root / "output")
    result = run_reportgen("merge", *map(str, shards), cwd=root, check=True)
    assert "รวม 3 ส่วน แบบรายงาน 5 ฉบับ ลงใน" in result.stderr
    assert tree_digest(root / "output") == full


def test_a_missing_shard_is_named_and_nothing_is_written(sharded, tmp_path):
    root, shards = sharded
    with pytest.raises(UsageError, match="shard 2/3 missing"):
        merge(root, [shards[0], shards[2]], output_dir=tmp_path / "merged")
    assert not (tmp_path / "merged").exists()
    result = run_reportgen("merge", str(shards[0]), str(shards[2]), cwd=root)
    assert result.returncode == 2 and "2/3" in result.stderr and "Traceback" not in result.stderr


def test_a_shard_given_twice_or_a_folder_that_is_no_shard_is_refused(sharded, tmp_path):
    root, shards = sharded
    with pytest.raises(UsageError, match="given twice"):
        merge(root, [shards[0], shards[0], shards[1], shards[2]], output_dir=tmp_path / "merged")
    with pytest.raises(UsageError, match="not the output of"):
        merge(root, [*shards, root / "output"], output_dir=tmp_path / "merged")
    assert not (tmp_path / "merged").exists()


def test_a_damaged_pdf_in_a_shard_is_refused(sharded, tmp_path):
    root, shards = sharded
    manifest = json.loads((shards[1] / SHARD_MANIFEST).read_text(encoding="utf-8"))
    slug, form = next(iter(manifest["forms"].items()))
    pdf = shards[1] / form["pdf"]
    pdf.write_bytes(pdf.read_bytes()[:-10])
    with pytest.raises(UsageError, match="damaged"):
        merge(root, shards, output_dir=tmp_path / "merged")
    assert not (tmp_path / "merged").exists()


def test_shards_built_from_other_content_are_refused(sharded, tmp_path):
    root, shards = sharded
    path = root / "content/indicators/2564/04.yaml"
    path.write_text(yaml.safe_dump(real_indicator() | {"code": "04", "name": "แก้หลังสร้าง"}, allow_unicode=True),
                    encoding="utf-8")
    with pytest.raises(UsageError, match="2564/04.yaml.*same commit"):
        merge(root, shards, output_dir=tmp_path / "merged")
    (root / "content/indicators/2564/06.yaml").write_text(
        yaml.safe_dump(real_indicator() | {"code": "06"}, allow_unicode=True), encoding="utf-8")
    with pytest.raises(UsageError, match="2564/06.yaml: in no shard"):
        merge(root, shards, output_dir=tmp_path / "merged")
    assert not (tmp_path / "merged").exists()


def _manifest(folder):
    return json.loads((folder / SHARD_MANIFEST).read_text(encoding="utf-8"))


def _point(folder, slug, path, data: bytes) -> None:
    """The shard's manifest names ``path`` for ``slug``, with the hash of ``data`` (what an attacker would write)."""
    import hashlib

    manifest = _manifest(folder)
    manifest["forms"][slug]["pdf"] = path
    manifest["forms"][slug]["sha256"] = hashlib.sha256(data).hexdigest()
    (folder / SHARD_MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


@pytest.mark.parametrize("how", ["absolute", "dotdot", "symlink", "symlinked folder"])
def test_a_shard_cannot_publish_a_file_outside_its_folder(sharded, tmp_path, how):
    root, shards = sharded
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(b"%PDF-1.7 not a form: /etc/passwd stand-in")
    folder = next(folder for folder in shards if _manifest(folder)["forms"])
    slug = sorted(_manifest(folder)["forms"])[0]
    own = f"pdf/{slug}.pdf"
    if how == "absolute":
        _point(folder, slug, str(secret), secret.read_bytes())
    elif how == "dotdot":
        _point(folder, slug, "../" * 6 + str(secret).lstrip("/"), secret.read_bytes())
    elif how == "symlink":
        (folder / own).unlink()
        (folder / own).symlink_to(secret)
        _point(folder, slug, own, secret.read_bytes())
    else:
        year = (folder / own).parent
        shutil.rmtree(year)
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir()
        shutil.copy(secret, elsewhere / (own.rsplit("/", 1)[1]))
        year.symlink_to(elsewhere)
        _point(folder, slug, own, secret.read_bytes())
    with pytest.raises(UsageError, match="cannot merge") as refused:
        merge(root, shards, output_dir=tmp_path / "merged")
    assert slug in str(refused.value)
    assert not (tmp_path / "merged").exists()
