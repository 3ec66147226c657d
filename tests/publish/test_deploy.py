"""``reportgen publish`` (publish/deploy.py, issue 27): the built site uploaded as a new release beside the others, the served
path switched to it in one step (a symbolic link renamed over the old one), the last N kept, rollback and forward;
to a local folder (as a web server's folder on this machine), and over a remote shell with rsync."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from projects import build_site, multi_year_files, real_indicator, run_reportgen, write_project

from reportgen.publish.deploy import RELEASE_NAME, PublishError, Target, release_order


@pytest.fixture
def site(tmp_path) -> Path:
    """A project built once per test (the multi-year site): its root."""
    build_site(tmp_path / "project")
    return tmp_path / "project"


def publish(root: Path, *args: str, check: bool = True):
    done = run_reportgen("publish", "--lang", "en", *args, cwd=root)
    assert not check or done.returncode == 0, done.stderr
    return done


def served(target: Path) -> dict[str, bytes]:
    return {path.relative_to(target).as_posix(): path.read_bytes() for path in sorted(target.rglob("*"))
            if path.is_file()}  # fmt: skip


def releases(target: Path) -> list[str]:
    shelf = target.parent / f".{target.name}-releases"
    return sorted((path.name for path in shelf.iterdir() if RELEASE_NAME.fullmatch(path.name)), key=release_order)


def test_publish_serves_the_built_site_through_a_link_to_a_whole_release(site, tmp_path):
    target = tmp_path / "www" / "kpi"
    target.parent.mkdir()
    done = publish(site, "--to", str(target))
    assert target.is_symlink() and RELEASE_NAME.fullmatch(os.readlink(target).split("/")[-1])
    assert os.readlink(target).startswith(".kpi-releases/"), "relative: it resolves wherever the tree is mounted"
    assert served(target) == served(site / "output" / "html")
    [release] = releases(target)
    assert f"published: {target} serves release {release} (before: –)" in done.stdout
    assert f"to go back: reportgen publish --to {target} --rollback" in done.stdout


def test_a_second_publish_switches_in_one_step_keeps_the_first_and_shares_unchanged_files(site, tmp_path):
    target = tmp_path / "kpi"
    publish(site, "--to", str(target))
    first = served(target)
    write_project(site, {"indicators/2565/10.yaml": multi_year_files()["indicators/2565/10.yaml"] | {"result": 61}})
    run_reportgen("build", cwd=site, check=True)
    publish(site, "--to", str(target))
    old, new = releases(target)
    assert os.readlink(target) == f".kpi-releases/{new}" and served(target) == served(site / "output" / "html")
    assert served(target) != first
    shelf = target.parent / ".kpi-releases"
    assert served(shelf / old) == first, "the release before is whole, to roll back to"
    # A file that did not change is one file on disk, in both releases (as rsync --link-dest).
    font = "assets/fonts/Sarabun-Regular.woff2"
    assert (shelf / old / font).stat().st_ino == (shelf / new / font).stat().st_ino
    assert (shelf / old / "2565/10.html").stat().st_ino != (shelf / new / "2565/10.html").stat().st_ino


def test_rollback_and_forward_switch_the_link_and_list_shows_which_is_served(site, tmp_path):
    target = tmp_path / "kpi"
    publish(site, "--to", str(target))
    (site / "output" / "html" / "robots.txt").write_text("User-agent: *\nDisallow:\n", encoding="utf-8")
    publish(site, "--to", str(target))
    old, new = releases(target)
    done = publish(site, "--to", str(target), "--rollback")
    assert os.readlink(target) == f".kpi-releases/{old}" and f"serves release {old} (before: {new})" in done.stdout
    assert publish(site, "--to", str(target), "--list").stdout.splitlines() == [f"* {old}", f"  {new}"]
    refused = publish(site, "--to", str(target), "--rollback", check=False)
    assert refused.returncode == 1 and "has no earlier release to go back to" in refused.stderr
    publish(site, "--to", str(target), "--release", new)
    assert os.readlink(target) == f".kpi-releases/{new}"
    assert releases(target) == [old, new], "switching deletes nothing"


def test_only_the_last_releases_are_kept(site, tmp_path):
    target = tmp_path / "kpi"
    for _ in range(4):
        publish(site, "--to", str(target), "--keep", "2")
    kept = releases(target)
    assert len(kept) == 2 and os.readlink(target) == f".kpi-releases/{kept[-1]}"
    refused = publish(site, "--to", str(target), "--keep", "1", check=False)
    assert refused.returncode == 2 and "must be a whole number of 2 or more" in refused.stderr


def test_a_served_folder_of_the_old_rsync_recipe_becomes_the_first_release(site, tmp_path):
    target = tmp_path / "kpi"
    target.mkdir()
    (target / "index.html").write_text("<p>the site as rsync left it</p>", encoding="utf-8")
    done = publish(site, "--to", str(target))
    adopted, release = releases(target)
    assert f"the site that was in {target} is kept as release {adopted}" in done.stdout
    assert target.is_symlink() and served(target) == served(site / "output" / "html")
    publish(site, "--to", str(target), "--rollback")
    assert (target / "index.html").read_text(encoding="utf-8") == "<p>the site as rsync left it</p>"


def test_a_failed_upload_changes_nothing_served(site, tmp_path):
    target = tmp_path / "kpi"
    publish(site, "--to", str(target))
    before = (os.readlink(target), served(target))
    (site / "output" / "html" / "data" / "gone.csv").symlink_to(tmp_path / "nowhere")  # a file that cannot be read
    failed = publish(site, "--to", str(target), check=False)
    assert failed.returncode == 1 and "the site served is still the one it was" in failed.stderr
    assert (os.readlink(target), served(target)) == before and len(releases(target)) == 1
    assert len(list((tmp_path / ".kpi-releases").glob("*.partial"))) == 1  # never served; cleared next time


def test_a_half_upload_left_by_a_killed_publish_is_never_served_and_cleared_next_time(site, tmp_path):
    target = tmp_path / "kpi"
    publish(site, "--to", str(target))
    shelf = target.parent / ".kpi-releases"
    (shelf / "20990101T000000Z.partial").mkdir()  # what a killed upload leaves
    publish(site, "--to", str(target))
    assert not list(shelf.glob("*.partial")) and len(releases(target)) == 2


def test_without_a_built_site_it_says_to_build_first(tmp_path):
    root = write_project(tmp_path / "p", {"indicators/2564/08.yaml": real_indicator()})
    done = publish(root, "--to", str(tmp_path / "kpi"), check=False)
    assert done.returncode == 1 and "there is no built site in" in done.stderr and "run reportgen build" in done.stderr
    assert not (tmp_path / "kpi").exists()


def test_a_target_is_a_local_folder_or_a_remote_path():
    remote = Target.parse("deploy@www.bangkoklibrary.go.th:/var/www/kpi", "ssh -p 2222")
    assert (remote.host, str(remote.path), remote.rsh) == ("deploy@www.bangkoklibrary.go.th", "/var/www/kpi",
                                                           ("ssh", "-p", "2222"))
    assert str(remote.releases) == "/var/www/.kpi-releases" and remote.link_value("X") == ".kpi-releases/X"
    assert Target.parse("/srv/www/kpi").host is None and Target.parse("site/kpi").host is None
    with pytest.raises(PublishError) as refused:
        Target.parse("deploy@host:www/kpi")
    assert refused.value.code == "publish_remote_relative"


def test_release_names_sort_in_the_order_they_were_published():
    import datetime as dt

    from reportgen.publish.deploy import _new_release_name

    now = dt.datetime(2026, 12, 7, 3, 15, tzinfo=dt.UTC)
    assert _new_release_name([], now) == "20261207T031500Z"
    names = ["20261207T031500Z"]
    for _ in range(10):
        names.append(_new_release_name(names, now))
    assert names[-1] == "20261207T031500Z-11" and sorted(names, key=release_order) == names
    assert _new_release_name(["20301231T000000Z"], now) == "20301231T000000Z-2", "a clock set back still sorts last"


# --- Over a remote shell: what CI runs against the department's server -------------------------------------------


@pytest.fixture
def remote_shell(tmp_path) -> str:
    """An ``ssh`` for 127.0.0.1 without an SSH server: it runs the command it is given here, as ssh runs it there
    (rsync's server side included), so publish's remote code path (rsync --link-dest, mv -T, ls) runs for real."""
    if shutil.which("rsync") is None:
        if os.environ.get("CI"):
            pytest.fail("rsync is missing: make test installs it")
        pytest.skip("rsync is not installed")
    script = tmp_path / "fake-ssh"
    script.write_text('#!/bin/sh\n# fake-ssh [options] [user@]127.0.0.1 COMMAND...: run COMMAND here.\n'
                      'while [ $# -gt 0 ]; do host=$1; shift; case $host in *127.0.0.1) break;; esac; done\n'
                      'exec sh -c "$*"\n', encoding="utf-8")  # fmt: skip
    script.chmod(0o755)
    return str(script)


@pytest.mark.e2e
def test_publish_over_a_remote_shell_with_rsync_switches_keeps_and_rolls_back(site, tmp_path, remote_shell):
    target = tmp_path / "server" / "var" / "www" / "kpi"
    target.parent.mkdir(parents=True)
    to = f"deploy@127.0.0.1:{target}"
    publish(site, "--to", to, "--rsh", remote_shell)
    (site / "output" / "html" / "robots.txt").write_text("User-agent: *\nDisallow:\n", encoding="utf-8")
    done = publish(site, "--to", to, "--rsh", remote_shell, "--keep", "2")
    old, new = releases(target)
    assert os.readlink(target) == f".kpi-releases/{new}" and served(target) == served(site / "output" / "html")
    assert f"published: deploy@127.0.0.1:{target} serves release {new}" in done.stdout
    shelf = target.parent / ".kpi-releases"
    font = "assets/fonts/Sarabun-Regular.woff2"
    assert (shelf / old / font).stat().st_ino == (shelf / new / font).stat().st_ino  # rsync --link-dest
    publish(site, "--to", to, "--rsh", remote_shell)
    assert len(releases(target)) == 3, "--keep 2 was given once; the default keeps 5"
    publish(site, "--to", to, "--rsh", remote_shell, "--rollback")
    assert os.readlink(target) == f".kpi-releases/{releases(target)[-2]}"
    broken = publish(site, "--to", f"deploy@127.0.0.1:{target}", "--rsh", str(tmp_path / "no-such-ssh"), check=False)
    assert broken.returncode == 1 and "the site served is still the one it was" in broken.stderr
    assert subprocess.run(["test", "-L", str(target)]).returncode == 0
