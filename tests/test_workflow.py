"""The department's CI: .github/workflows/kpi.yml and the scripts it runs (ci/kpi-pr.sh, ci/kpi-release.sh).

The workflow only sets up and calls the scripts, so running the scripts here on a temporary project, with a
throw-away signing key in the same environment variables CI secrets fill, tests the commands CI runs, in order.
"""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from pki import PASSWORD, SIGNER, Pki, signed_off_project
from projects import REPO_ROOT, indicator_data, write_project

from reportgen import signing

WORKFLOW = REPO_ROOT / ".github" / "workflows" / "kpi.yml"
SLUG = "2564/08"
#: The actions the workflow may use (GitHub's own), each pinned to the full commit of the release named in the
#: comment after it: a tag can be moved to other code, a commit cannot. (The commits are those of the tags in the
#: actions' repositories: ``git rev-parse v4.4.0^{commit}`` in a clone of actions/checkout, and so on.)
PINNED_ACTIONS = {
    "actions/checkout": ("11d5960a326750d5838078e36cf38b85af677262", "v4.4.0"),
    "actions/setup-python": ("a26af69be951a213d495a4c3e4e4022e16d87065", "v5.6.0"),
    "actions/upload-artifact": ("ea165f8d65b6e75b540449e92b4886f43607fa02", "v4.6.2"),
    "actions/configure-pages": ("983d7736d9b0ae728b81ab479565c72886d7745b", "v5.0.0"),
    "actions/upload-pages-artifact": ("56afc609e74202658d3ffba0e8f6dda462b719fa", "v3.0.1"),
    "actions/deploy-pages": ("d6db90164ac5ed86f2b6aed7e0febac5b3c0c03e", "v4.0.5"),
    "actions/cache": ("0057852bfaa89a56745cba8c7296529d2fc39830", "v4.3.0"),
    "actions/download-artifact": ("d3f86a106a0bac45b974a628896c90dbdf5c8093", "v4.3.0"),
}
ALLOWED_ACTIONS = {f"{name}@{sha}" for name, (sha, _) in PINNED_ACTIONS.items()}


def action(name: str) -> str:
    return f"{name}@{PINNED_ACTIONS[name][0]}"


def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def _triggers(data: dict) -> dict:
    return data.get("on", data.get(True))  # YAML 1.1 reads a bare `on` as true


def _run_lines(job: dict) -> list[str]:
    return [line.strip() for step in job["steps"] if "run" in step for line in step["run"].splitlines() if line.strip()]


def test_the_workflow_parses_and_calls_only_what_exists():
    data = workflow()
    triggers = _triggers(data)
    assert "pull_request" in triggers and triggers["push"]["branches"] == ["main"]
    jobs = data["jobs"]
    assert set(jobs) == {"drafts", "release", "sign", "publish", "publish-server"}
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    for name, job in jobs.items():
        for step in job["steps"]:
            assert ("uses" in step) != ("run" in step), f"{name}: a step either uses an action or runs a command"
            if "uses" in step:
                assert step["uses"] in ALLOWED_ACTIONS, step["uses"]
        for line in _run_lines(job):
            if line.startswith("make "):
                target = line.split()[1]
                assert re.search(rf"^{re.escape(target)}:", makefile, re.M), f"no make target {target}"
            elif line.startswith("ci/"):
                script = REPO_ROOT / line.split()[0]
                assert script.is_file() and os.access(script, os.X_OK), f"{script} is missing or not executable"
            else:
                assert line == 'echo "$PWD/.venv/bin" >> "$GITHUB_PATH"', f"{name}: unexpected command {line!r}"


def test_pull_requests_build_drafts_and_main_publishes_the_signed_site():
    jobs = workflow()["jobs"]
    drafts, release, sign, publish = jobs["drafts"], jobs["release"], jobs["sign"], jobs["publish"]
    assert drafts["if"] == "github.event_name == 'pull_request'"
    assert "ci/kpi-pr.sh" in _run_lines(drafts)
    [upload] = [step for step in drafts["steps"] if step.get("uses", "").startswith("actions/upload-artifact")]
    assert upload["with"]["path"] == "output/"

    for job in (release, sign, publish):
        assert "refs/heads/main" in job["if"] and "pull_request" in job["if"]
    assert "ci/kpi-release.sh build" in _run_lines(release)
    [handed] = [step for step in release["steps"] if step.get("uses", "").startswith("actions/upload-artifact")]
    assert handed["with"]["include-hidden-files"] is True  # the output folder's marker goes along
    assert sign["needs"] == "release" and publish["needs"] == "sign"
    [received] = [step for step in sign["steps"] if step.get("uses", "").startswith("actions/download-artifact")]
    assert received["with"] == {"name": handed["with"]["name"], "path": "output/"}
    assert [line for line in _run_lines(sign) if line.startswith("ci/")] == [
        "ci/kpi-release.sh sign", "ci/kpi-release.sh verify"]
    assert "permissions" not in sign  # the workflow's contents: read
    assert publish["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert publish["environment"]["name"] == "github-pages"
    script = (REPO_ROOT / "ci" / "kpi-release.sh").read_text(encoding="utf-8")
    assert "--key-env REPORTGEN_SIGNING_KEY --password-env REPORTGEN_SIGNING_PASSWORD" in script
    for step in sign["steps"]:
        for variable in step.get("env", {}):
            assert variable in script, f"the workflow passes {variable}, which the script never reads"
    uses = [step.get("uses", "") for step in sign["steps"]]
    pages = sign["steps"][uses.index(action("actions/upload-pages-artifact"))]
    assert pages["with"]["path"] == "output/html/"
    verify_step = next(step for step in sign["steps"] if step.get("run") == "ci/kpi-release.sh verify")
    assert uses.index(action("actions/upload-pages-artifact")) > sign["steps"].index(verify_step)
    assert [step.get("uses", "") for step in publish["steps"]][-1] == action("actions/deploy-pages")


#: The secrets that sign the forms, and the environment and step that alone may use them.
SIGNING_SECRETS = ("REPORTGEN_SIGNING_KEY", "REPORTGEN_SIGNING_PASSWORD")
SIGNING_ENVIRONMENT = "signing"
SIGNING_STEP = "ci/kpi-release.sh sign"


def _secret_references(value, where: tuple = ()) -> list[tuple[tuple, str]]:
    """(path in the workflow, text) of every string that names a secret, wherever it is."""
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in _secret_references(item, (*where, key))]
    if isinstance(value, list):
        return [found for index, item in enumerate(value) for found in _secret_references(item, (*where, index))]
    if isinstance(value, str) and re.search(r"\bsecrets\b", value):
        return [(where, value)]
    return []


def test_the_signing_secrets_reach_only_the_signing_step_of_the_protected_environment():
    """A repository secret can be read by a workflow pushed on any branch; an environment's secrets only by a job
    its rules let in (main, and its reviewers). So the key is referenced in exactly one place: the env of the one
    step that signs, in the one job that runs in the environment, on main. No other job, step, workflow-level or
    job-level env, reusable workflow (secrets: inherit) or expression (toJSON(secrets)) names any secret."""
    data = workflow()
    references = _secret_references(data)
    jobs = data["jobs"]
    signing_jobs = [name for name, job in jobs.items()
                    if (job.get("environment") or {}) in (SIGNING_ENVIRONMENT, {"name": SIGNING_ENVIRONMENT})]
    assert signing_jobs == ["sign"]
    job = jobs["sign"]
    assert "refs/heads/main" in job["if"]
    step = next(index for index, step in enumerate(job["steps"]) if step.get("run") == SIGNING_STEP)
    expected = {
        ("jobs", "sign", "steps", step, "env", name): f"${{{{ secrets.{name} }}}}" for name in SIGNING_SECRETS
    }
    # The one other secret: the web server's deploy key, in the env of the one step that publishes there, in the job
    # of its own protected environment (issue 27).
    server = jobs["publish-server"]
    assert server["environment"] == "web-server" and "refs/heads/main" in server["if"] and "env" not in server
    publish_step = next(index for index, step in enumerate(server["steps"]) if step.get("run") == "ci/kpi-publish.sh")
    expected[("jobs", "publish-server", "steps", publish_step, "env", "REPORTGEN_PUBLISH_SSH_KEY")] = (
        "${{ secrets.REPORTGEN_PUBLISH_SSH_KEY }}")
    assert dict(references) == expected, references
    assert "secrets" not in job["steps"][step]["run"] and "env" not in job and "env" not in data
    assert all("secrets" not in other for other in jobs.values())  # no `secrets: inherit` to a called workflow


def test_the_server_job_publishes_the_signed_site_with_reportgen_publish(tmp_path):
    """ci/kpi-publish.sh, as the publish-server job runs it, on a built site and a local target: a link to a release."""
    from projects import build_site

    root = tmp_path / "project"
    build_site(root)
    (root / "ci").mkdir(exist_ok=True)
    target = tmp_path / "www" / "kpi"
    target.parent.mkdir()
    done = run_script("kpi-publish.sh", root, {"REPORTGEN_PUBLISH_TARGET": str(target), "REPORTGEN_PUBLISH_KEEP": "3"})
    assert done.returncode == 0, done.stderr
    assert target.is_symlink() and (target / "index.html").is_file()
    missing = run_script("kpi-publish.sh", root, {})
    assert missing.returncode != 0 and "REPORTGEN_PUBLISH_TARGET" in missing.stderr
    text = (REPO_ROOT / "ci" / "kpi-publish.sh").read_text(encoding="utf-8")
    assert "StrictHostKeyChecking=yes" in text and "umask 077" in text and "unset REPORTGEN_PUBLISH_SSH_KEY" in text


def test_the_workflow_comments_and_docs_say_how_to_set_up_the_environment():
    text = WORKFLOW.read_text(encoding="utf-8")
    development = (REPO_ROOT / "docs" / "development.md").read_text(encoding="utf-8")
    for words in ("Settings → Environments → New environment", "Deployment branches and tags", "Required reviewers",
                  "Environment secrets", "delete any *repository* secret"):
        assert words in text and words in development, words
    assert "Settings → Secrets and variables → Actions: secrets `REPORTGEN_SIGNING_KEY`" not in development


# --- the scripts, run as CI runs them ----------------------------------------------------------------------------


def run_script(name: str, root: Path, env: dict | None = None, *args: str, spy: Path | None = None):
    """``ci/<name> ARGS`` in ``root``, with this Python's ``reportgen`` first on PATH (after ``spy``'s, if given)
    and nothing of CI's secrets but ``env``."""
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("REPORTGEN_", "TSA_URL"))}
    clean.pop("SOURCE_DATE_EPOCH", None)
    clean["PATH"] = os.pathsep.join([*([str(spy)] if spy else []), str(Path(sys.executable).parent),
                                     clean.get("PATH", "")])  # fmt: skip
    return subprocess.run(
        ["bash", str(REPO_ROOT / "ci" / name), *args], cwd=root, capture_output=True, text=True, timeout=600,
        env={**clean, **(env or {})},
    )  # fmt: skip


RELEASE_STAGES = ("build", "sign", "verify")


def run_release(root: Path, env: dict | None = None, spy: Path | None = None) -> subprocess.CompletedProcess:
    """The main branch's three stages in order, as the workflow's jobs run them, each given the whole ``env`` (as
    a careless CI would); stops at the first that fails. With ``spy`` (a folder), a ``reportgen`` there first
    appends its command and whether it sees the signing key and password to ``spy/calls``."""
    if spy is not None:
        spy.mkdir(exist_ok=True)
        (spy / "reportgen").write_text(
            "#!/usr/bin/env bash\n"
            f'echo "$1 key=${{REPORTGEN_SIGNING_KEY:+yes}} password=${{REPORTGEN_SIGNING_PASSWORD:+yes}}" >> {spy}/calls\n'
            f'exec "{Path(sys.executable).parent / "reportgen"}" "$@"\n'
        )  # fmt: skip
        (spy / "reportgen").chmod(0o755)
    for stage in RELEASE_STAGES:
        done = run_script("kpi-release.sh", root, env, stage, spy=spy)
        if done.returncode != 0:
            break
    return done


@pytest.fixture(scope="module")
def ca() -> Pki:
    return Pki()


def signing_env(ca: Pki) -> dict:
    return {
        "REPORTGEN_SIGNING_KEY": base64.b64encode(ca.pkcs12(SIGNER)).decode("ascii"),
        "REPORTGEN_SIGNING_PASSWORD": PASSWORD,
        "REPORTGEN_TRUST_PEM": ca.pem().decode("ascii"),
    }


def test_the_reportgen_command_is_what_the_scripts_call():
    assert (Path(sys.executable).parent / "reportgen").is_file()  # installed by `pip install -e .` (make setup)


@pytest.mark.e2e
def test_the_pull_request_script_checks_and_builds_drafts(tmp_path):
    root = write_project(tmp_path / "project", {f"indicators/{SLUG}.yaml": indicator_data()})
    result = run_script("kpi-pr.sh", root)
    assert result.returncode == 0, result.stdout + result.stderr
    draft = signing.pdf_facts((root / "output" / "pdf" / f"{SLUG}.pdf").read_bytes())
    assert not draft.signed_off and draft.pdfa is None
    assert (root / "output" / "html" / "index.html").is_file()

    broken = write_project(tmp_path / "broken", {f"indicators/{SLUG}.yaml": indicator_data(result_type="ผลผลิต")})
    failed = run_script("kpi-pr.sh", broken)
    assert failed.returncode == 1
    assert re.search(rf"^::error file=content/indicators/{SLUG}\.yaml,line=\d+", failed.stdout, re.M), failed.stdout
    assert not (broken / "output").exists()  # the build never ran


@pytest.mark.e2e
def test_the_release_script_publishes_a_site_of_signed_verifying_pdfs(tmp_path, ca):
    root = signed_off_project(tmp_path / "project")
    result = run_release(root, signing_env(ca), spy=tmp_path / "spy")
    assert result.returncode == 0, result.stdout + result.stderr
    # Every stage was handed the key, as a careless CI would: only `reportgen sign` saw it.
    calls = (tmp_path / "spy" / "calls").read_text().splitlines()
    assert calls == ["build key= password=", "sign key=yes password=yes", "verify key= password="]
    site = root / "output" / "html"
    published = sorted(site.rglob("*.pdf"))
    assert [path.relative_to(site).as_posix() for path in published] == [f"{SLUG}.pdf"]
    trust = signing.load_trust_roots([_write(tmp_path / "ca.pem", ca.pem())])
    for pdf in published:
        report = signing.verify_pdf(pdf.read_bytes(), trust)
        assert report.status == "trusted" and report.pdfa == "3B" and report.indicator == SLUG
        assert [signature.signer for signature in report.signatures] == [SIGNER]
        assert pdf.read_bytes() == (root / "output" / "pdf" / pdf.relative_to(site)).read_bytes()
    page = (site / f"{SLUG}.html").read_text(encoding="utf-8")
    assert 'href="08.pdf"' in page  # the page links the signed PDF beside it
    verified = [line for line in result.stdout.splitlines() if line.startswith("✓ output/")]
    assert len(verified) == 2 and all("ออกโดยผู้ออกใบรับรองที่เชื่อถือ" in line for line in verified)


@pytest.mark.e2e
def test_one_broken_file_does_not_stop_the_release_script(tmp_path, ca):
    root = signed_off_project(tmp_path / "project")
    (root / "content/indicators/2564/09.yaml").write_text("code: '09'\nname: [\n", encoding="utf-8")  # someone's slip
    built = run_script("kpi-release.sh", root, signing_env(ca), "build")
    assert built.returncode == 0, built.stdout + built.stderr
    assert "content/indicators/2564/09.yaml:" in built.stderr and "ไม่เผยแพร่ 2564/09" in built.stderr
    result = run_release(root, signing_env(ca))
    assert result.returncode == 0, result.stdout + result.stderr
    site = root / "output" / "html"
    assert [path.relative_to(site).as_posix() for path in sorted(site.rglob("*.pdf"))] == [f"{SLUG}.pdf"]
    assert signing.verify_pdf((site / f"{SLUG}.pdf").read_bytes()).signatures  # signed, and published


@pytest.mark.e2e
def test_the_release_script_stops_on_a_form_not_signed_off(tmp_path, ca):
    root = write_project(tmp_path / "project", {f"indicators/{SLUG}.yaml": indicator_data(signoff=None)})
    result = run_release(root, signing_env(ca))
    assert result.returncode != 0
    assert "signoff" in result.stderr
    assert not (root / "output").exists()  # nothing to publish


@pytest.mark.e2e
def test_the_release_script_stops_without_the_signing_key(tmp_path):
    root = signed_off_project(tmp_path / "project")
    result = run_release(root)
    assert result.returncode == 2
    assert "REPORTGEN_SIGNING_KEY" in result.stderr
    assert "Traceback" not in result.stderr
    for pdf in (root / "output" / "html").rglob("*.pdf"):  # built, but never signed: the job fails before Pages
        assert signing.verify_pdf(pdf.read_bytes()).status == "unsigned"


def test_the_release_script_runs_one_stage_per_call(tmp_path):
    result = run_script("kpi-release.sh", tmp_path)
    assert result.returncode == 2 and "usage: ci/kpi-release.sh build|sign|verify" in result.stderr


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


_USES = re.compile(r"^\s*-?\s*uses:\s*(\S+)(.*)$")


def _uses_lines(text: str) -> list[tuple[str, str]]:
    return [(match.group(1), match.group(2)) for line in text.splitlines() if (match := _USES.match(line))]


def test_every_action_is_pinned_to_a_full_commit_with_its_tag_in_a_comment():
    documented = [REPO_ROOT / "README.md", REPO_ROOT / "docs" / "development.md"]  # the CI examples live there
    files = [WORKFLOW, *documented, *sorted((REPO_ROOT / ".github").rglob("*.y*ml"))]
    seen = 0
    for path in dict.fromkeys(files):
        for uses, rest in _uses_lines(path.read_text(encoding="utf-8")):
            seen += 1
            name, _, ref = uses.partition("@")
            assert re.fullmatch(r"[0-9a-f]{40}", ref), f"{path.name}: {uses} is not pinned to a commit"
            assert (ref, rest.split("#", 1)[1].split()[0]) == PINNED_ACTIONS[name], f"{path.name}: {uses}{rest}"
    assert seen >= 9


def test_checkout_leaves_no_credentials_behind():
    for name, job in workflow()["jobs"].items():
        for step in job["steps"]:
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step.get("with", {}).get("persist-credentials") is False, name
