"""authoring/repository.py: a save is a version check, an atomic write, a commit of that one file by its author with
a Thai message, and a push that is retried until it lands, never lost. Real git repositories in temporary folders,
with a bare repository as the central remote."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path, PurePosixPath

import pytest

from reportgen.authoring.repository import (
    PENDING_PUSH_FILE,
    Author,
    BackgroundPusher,
    ContentChanged,
    commit_message,
    file_version,
    pending_push,
    retry_pushes,
    save,
)
from reportgen.errors import UsageError

FORM = PurePosixPath("content/indicators/2564/08.yaml")
OFFICER = Author("สมใจ ใฝ่รู้", "somjai@bangkok.go.th")


def git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture(autouse=True)
def isolated_git(tmp_path, monkeypatch):
    """No machine-wide git settings: the desk's identity is set per repository, as on the division's server."""
    config = tmp_path / "gitconfig"
    config.write_text("[init]\n\tdefaultBranch = main\n", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


def new_repository(folder: Path, *, identity: bool = True) -> Path:
    folder.mkdir(parents=True)
    git(folder, "init", "--quiet", "-b", "main")
    if identity:
        git(folder, "config", "user.name", "โต๊ะทำงาน")
        git(folder, "config", "user.email", "desk@bangkok.go.th")
    (folder / FORM).parent.mkdir(parents=True)
    (folder / FORM).write_text("code: '08'\n", encoding="utf-8")
    (folder / "content" / "site.yaml").write_text("agency: สำนัก\n", encoding="utf-8")
    git(folder, "add", ".")
    git(folder, "-c", "user.name=setup", "-c", "user.email=setup@example.org", "commit", "--quiet", "-m", "start")
    return folder


def with_remote(tmp_path: Path) -> tuple[Path, Path]:
    """A central bare repository and the desk's clone of it."""
    origin = tmp_path / "central.git"
    seed = new_repository(tmp_path / "seed")
    git(tmp_path, "clone", "--quiet", "--bare", str(seed), str(origin))
    desk = tmp_path / "desk"
    git(tmp_path, "clone", "--quiet", str(origin), str(desk))
    git(desk, "config", "user.name", "โต๊ะทำงาน")
    git(desk, "config", "user.email", "desk@bangkok.go.th")
    return origin, desk


def saved(root: Path, text: str, *, relative: PurePosixPath = FORM, author: Author = OFFICER):
    return save(root, relative, text, expected_version=file_version(root, relative), author=author,
                message=commit_message(relative))  # fmt: skip


def test_a_save_writes_and_commits_that_one_file_as_its_author_with_a_thai_message(tmp_path):
    root = new_repository(tmp_path / "project")
    (root / "content" / "site.yaml").write_text("agency: แก้ไว้ ยังไม่บันทึก\n", encoding="utf-8")
    (root / "notes.txt").write_text("staged by someone else\n", encoding="utf-8")
    git(root, "add", "notes.txt")
    before = file_version(root, FORM)
    result = save(root, FORM, "code: '08'\nname: ใหม่\n", expected_version=before, author=OFFICER,
                  message=commit_message(FORM))  # fmt: skip
    assert (root / FORM).read_text(encoding="utf-8") == "code: '08'\nname: ใหม่\n"
    assert result.version == file_version(root, FORM) != before
    assert result.commit == git(root, "rev-parse", "HEAD")
    assert result.pushed is False and result.push_problem is None  # no remote
    assert git(root, "log", "-1", "--format=%an <%ae>|%cn|%s") == (
        "สมใจ ใฝ่รู้ <somjai@bangkok.go.th>|โต๊ะทำงาน|บันทึกแบบรายงานตัวชี้วัด 08 ปีงบประมาณ 2564 (content/indicators/2564/08.yaml)"
    )
    assert git(root, "show", "--name-only", "--format=", "HEAD").splitlines() == [str(FORM)]
    # what others had changed or staged is left as it was
    assert git(root, "diff", "--cached", "--name-only") == "notes.txt"
    assert git(root, "diff", "--name-only") == "content/site.yaml"


def test_a_new_file_is_added_and_the_same_text_again_makes_no_commit(tmp_path):
    root = new_repository(tmp_path / "project")
    new_form = PurePosixPath("content/indicators/2565/09.yaml")
    first = save(root, new_form, "code: '09'\n", expected_version=None, author=OFFICER, message="ใหม่")
    assert first.commit and git(root, "show", "--name-only", "--format=", "HEAD") == str(new_form)
    again = saved(root, "code: '09'\n", relative=new_form)
    assert again.commit is None and again.version == first.version
    assert git(root, "rev-parse", "HEAD") == first.commit


def test_the_second_of_two_saves_from_the_same_version_is_told_and_loses_nothing(tmp_path):
    root = new_repository(tmp_path / "project")
    opened = file_version(root, FORM)
    save(root, FORM, "code: '08'\nname: ของคนแรก\n", expected_version=opened, author=OFFICER, message="1")
    head = git(root, "rev-parse", "HEAD")
    with pytest.raises(ContentChanged) as changed:
        save(root, FORM, "code: '08'\nname: ของคนที่สอง\n", expected_version=opened,
             author=Author("สมชาย", "somchai@bangkok.go.th"), message="2")  # fmt: skip
    assert changed.value.current_text == "code: '08'\nname: ของคนแรก\n"
    assert changed.value.current_version == file_version(root, FORM)
    assert "ถูกแก้และบันทึกโดยผู้อื่น" in str(changed.value)
    assert (root / FORM).read_text(encoding="utf-8") == "code: '08'\nname: ของคนแรก\n"
    assert git(root, "rev-parse", "HEAD") == head
    # a form started twice: the second "new" is told too
    with pytest.raises(ContentChanged):
        save(root, FORM, "code: '08'\n", expected_version=None, author=OFFICER, message="3")


def test_without_a_configured_identity_the_author_commits(tmp_path):
    root = new_repository(tmp_path / "project", identity=False)
    saved(root, "code: '08'\nname: x\n")
    assert git(root, "log", "-1", "--format=%an|%cn|%ce") == "สมใจ ใฝ่รู้|สมใจ ใฝ่รู้|somjai@bangkok.go.th"


def test_a_save_is_pushed_to_the_central_remote(tmp_path):
    origin, desk = with_remote(tmp_path)
    result = saved(desk, "code: '08'\nname: ส่งแล้ว\n")
    assert result.pushed and result.push_problem is None
    assert git(origin, "rev-parse", "main") == result.commit
    assert not pending_push(desk).pending


def test_a_refused_push_is_kept_shown_and_pushed_by_the_retry(tmp_path):
    origin, desk = with_remote(tmp_path)
    flag = tmp_path / "refuse"
    flag.write_text("", encoding="utf-8")
    hook = origin / "hooks" / "pre-receive"
    hook.write_text(f"#!/bin/sh\nif [ -e '{flag}' ]; then echo 'refused by the test hook' >&2; exit 1; fi\n")
    hook.chmod(0o755)
    start = git(origin, "rev-parse", "main")
    first = saved(desk, "code: '08'\nname: หนึ่ง\n")
    assert first.commit and not first.pushed
    assert "refused by the test hook" in first.push_problem and "origin" in first.push_problem
    second = saved(desk, "code: '08'\nname: สอง\n")
    assert not second.pushed
    state = pending_push(desk)
    assert state.pending and state.ahead == 2 and "refused by the test hook" in state.problem
    assert (desk / ".git" / PENDING_PUSH_FILE).exists()
    assert git(origin, "rev-parse", "main") == start  # nothing reached the remote
    still = retry_pushes(desk)
    assert still.pending  # still refused: still kept
    flag.unlink()
    done = retry_pushes(desk)
    assert not done.pending and done.ahead == 0 and done.problem is None
    assert git(origin, "rev-parse", "main") == second.commit
    assert git(origin, "log", "--format=%s", "-2", "main").splitlines() == [commit_message(FORM)] * 2
    assert not (desk / ".git" / PENDING_PUSH_FILE).exists()


def test_when_the_remote_moved_on_the_retry_rebases_and_pushes(tmp_path):
    origin, desk = with_remote(tmp_path)
    other = tmp_path / "other"
    git(tmp_path, "clone", "--quiet", str(origin), str(other))
    (other / "content" / "site.yaml").write_text("agency: แก้จากที่อื่น\n", encoding="utf-8")
    git(other, "-c", "user.name=o", "-c", "user.email=o@example.org", "commit", "--quiet", "-am", "elsewhere")
    git(other, "push", "--quiet", "origin", "main")
    result = saved(desk, "code: '08'\nname: ใหม่\n")
    assert not result.pushed and result.push_problem
    state = retry_pushes(desk)
    assert not state.pending
    log = git(origin, "log", "--format=%s", "main").splitlines()
    assert log[:2] == [commit_message(FORM), "elsewhere"]


def test_saves_of_different_forms_at_once_all_land(tmp_path):
    origin, desk = with_remote(tmp_path)
    forms = [PurePosixPath(f"content/indicators/2565/{number:02d}.yaml") for number in range(1, 13)]
    errors: list[BaseException] = []

    def save_one(form: PurePosixPath) -> None:
        try:
            author = Author(f"เจ้าหน้าที่ {form.stem}", f"officer{form.stem}@bangkok.go.th")
            save(desk, form, f"code: '{form.stem}'\n", expected_version=None, author=author, message=form.stem)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=save_one, args=(form,)) for form in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert not retry_pushes(desk).pending
    committed = git(origin, "log", "--format=%an", "main").splitlines()
    assert sorted(committed[:12]) == sorted(f"เจ้าหน้าที่ {form.stem}" for form in forms)


def burst_of_saves(desk: Path, forms: list[PurePosixPath], pusher: BackgroundPusher) -> list[str]:
    """Each form saved by its own officer from its own thread, all at once; the commits made."""
    barrier = threading.Barrier(len(forms))
    commits: list[str] = []
    errors: list[BaseException] = []

    def save_one(form: PurePosixPath) -> None:
        try:
            author = Author(f"เจ้าหน้าที่ {form.stem}", f"officer{form.stem}@bangkok.go.th")
            barrier.wait()
            result = save(desk, form, f"code: '{form.stem}'\n", expected_version=None, author=author,
                          message=form.stem, push=False)  # fmt: skip
            assert result.commit and not result.pushed and result.push_problem is None
            commits.append(result.commit)
            pusher.request()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=save_one, args=(form,)) for form in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return commits


def test_a_burst_of_saves_is_one_commit_per_officer_and_one_push_after_it(tmp_path):
    origin, desk = with_remote(tmp_path)
    start = git(origin, "rev-parse", "main")
    # the remote counts the pushes it receives: one for the whole burst
    log = tmp_path / "pushes"
    hook = origin / "hooks" / "post-receive"
    hook.write_text(f"#!/bin/sh\necho push >> '{log}'\n")
    hook.chmod(0o755)
    (desk / "notes.txt").write_text("staged by someone else\n", encoding="utf-8")
    git(desk, "add", "notes.txt")
    # Settle long enough that 12 saves on a loaded 2-core CI machine all land before it: with 1 s, a burst that
    # took longer was pushed in two parts and the test failed though the pusher did as asked.
    pusher = BackgroundPusher(desk, settle=3.0, longest_wait=30)
    try:
        forms = [PurePosixPath(f"content/indicators/2565/{number:02d}.yaml") for number in range(1, 13)]
        commits = burst_of_saves(desk, forms, pusher)
        assert git(origin, "rev-parse", "main") == start  # nothing pushed during the burst
        assert pusher.sending and pending_push(desk).ahead == 12
        assert pusher.wait()
    finally:
        pusher.close()
    assert log.read_text(encoding="utf-8").split() == ["push"]
    assert git(origin, "rev-parse", "main") == git(desk, "rev-parse", "HEAD")
    assert not pending_push(desk).pending and not pusher.sending
    # one commit per save, each its own officer's, holding only that officer's form, in a straight line
    history = git(desk, "log", "--format=%H|%an|%ae|%s", f"{start}..HEAD").splitlines()
    assert sorted(line.split("|")[0] for line in history) == sorted(commits)
    for line in history:
        commit, name, email, subject = line.split("|")
        assert name == f"เจ้าหน้าที่ {subject}" and email == f"officer{subject}@bangkok.go.th"
        assert git(desk, "show", "--name-only", "--format=", commit) == f"content/indicators/2565/{subject}.yaml"
    assert git(desk, "rev-list", "--merges", f"{start}..HEAD") == ""
    # the working copy is clean for those forms, and what someone else staged is still only staged
    assert git(desk, "status", "--porcelain") == "A  notes.txt"


def test_a_background_push_that_fails_is_recorded_shown_and_tried_again(tmp_path):
    origin, desk = with_remote(tmp_path)
    flag = tmp_path / "refuse"
    flag.write_text("", encoding="utf-8")
    hook = origin / "hooks" / "pre-receive"
    hook.write_text(f"#!/bin/sh\nif [ -e '{flag}' ]; then echo 'refused by the test hook' >&2; exit 1; fi\n")
    hook.chmod(0o755)
    start = git(origin, "rev-parse", "main")
    pusher = BackgroundPusher(desk, settle=0.05, retry_after=0.5)
    try:
        result = save(desk, FORM, "code: '08'\nname: หนึ่ง\n", expected_version=file_version(desk, FORM),
                      author=OFFICER, message="1", push=False)  # fmt: skip
        pusher.request()
        assert pusher.wait()
        state = pending_push(desk)
        assert state.pending and state.ahead == 1 and "refused by the test hook" in state.problem
        assert "refused by the test hook" in pusher.problem and not pusher.sending
        assert git(origin, "rev-parse", "main") == start
        flag.unlink()  # the remote accepts again: the pusher's own retry sends it, nobody saves meanwhile
        for _ in range(100):
            if not pending_push(desk).pending:
                break
            threading.Event().wait(0.1)
        assert git(origin, "rev-parse", "main") == result.commit
        assert pusher.problem is None and not (desk / ".git" / PENDING_PUSH_FILE).exists()
    finally:
        pusher.close()


def test_commits_waiting_when_the_pusher_starts_are_pushed(tmp_path):
    origin, desk = with_remote(tmp_path)
    result = save(desk, FORM, "code: '08'\nname: ก่อนเริ่มใหม่\n", expected_version=file_version(desk, FORM),
                  author=OFFICER, message="1", push=False)  # fmt: skip
    assert pending_push(desk).ahead == 1  # e.g. the desk stopped before its push
    pusher = BackgroundPusher(desk, settle=0.05)
    try:
        assert pusher.wait()
    finally:
        pusher.close()
    assert git(origin, "rev-parse", "main") == result.commit


def test_a_commit_made_outside_the_desk_between_saves_is_kept(tmp_path):
    root = new_repository(tmp_path / "project")
    saved(root, "code: '08'\nname: หนึ่ง\n")
    (root / "content" / "site.yaml").write_text("agency: แก้ด้วย git เอง\n", encoding="utf-8")
    git(root, "-c", "user.name=o", "-c", "user.email=o@example.org", "commit", "--quiet", "-am", "by hand")
    second = saved(root, "code: '08'\nname: สอง\n")
    assert git(root, "log", "--format=%s", "-3").splitlines() == [commit_message(FORM), "by hand", commit_message(FORM)]
    assert git(root, "show", f"{second.commit}:content/site.yaml") == "agency: แก้ด้วย git เอง"
    assert git(root, "show", f"{second.commit}:{FORM}") == "code: '08'\nname: สอง"
    assert git(root, "status", "--porcelain") == ""


def test_bad_authors_and_paths_outside_content_are_refused(tmp_path):
    root = new_repository(tmp_path / "project")
    for name, email in (("", "a@b"), ("x <evil@x>", "a@b"), ("x", "no-at"), ("x\nCo-authored-by: y", "a@b")):
        with pytest.raises(UsageError):
            Author(name, email)
    for outside in ("site/../../etc/passwd", "/etc/passwd", "README.md"):
        with pytest.raises(UsageError):
            save(root, PurePosixPath(outside), "x", expected_version=None, author=OFFICER, message="x")
    assert file_version(root, PurePosixPath("content/indicators/2599/none.yaml")) is None
