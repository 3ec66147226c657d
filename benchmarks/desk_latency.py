"""The desk's latencies on this machine, over real HTTP to uvicorn on 127.0.0.1 (a project in a temporary git
repository with a bare remote). Prints figures; asserts nothing.

    .venv/bin/python benchmarks/desk_latency.py [--rounds 30] [--officers 40]

- **keystroke to problem**: the desk's script waits ``WAIT_MS`` after the last keystroke, then posts the form's values
  to ``/forms/…/check``; the figure is that wait plus the round trip until the answer names the problem at its field
  (goal: median under 300 ms). The round trip alone is printed too.
- **save to preview**: "บันทึก" (POST, version checked, canonical text, commit, push to the bare remote) and then the
  page the preview shows for the saved form (goal: median under 1 s).
- **officers at once**: ``--officers`` sessions, each with a form of its own, press "บันทึก" at the same moment
  (a barrier); every save's time, p50 and p95 (goal: p95 under 2 s), and whether anything was lost: every file must
  hold its officer's text, every save must be a commit of its own, and the remote must have them all.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import httpx2 as httpx
import yaml
from desk_projects import TODAY, form_values, git, git_project, quarter_form, running_desk

from reportgen.desk.app import DeskSettings

#: The pause the desk's script leaves after the last keystroke before it asks (desk/static/desk.js).
WAIT_MS = int(re.search(r"WAIT_MS = (\d+)", (Path(__file__).resolve().parents[1] / "reportgen/desk/static/desk.js")
                        .read_text(encoding="utf-8"))[1])


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def keystroke_to_problem(url: str, rounds: int) -> list[float]:
    with httpx.Client(base_url=url) as client:
        values = form_values(client.get("/forms/2569/08").text)
        times = []
        for index in range(rounds):
            values["quarters.q1.report"] = f"รายงานไตรมาสที่ 1 รอบ {index}"
            values["quarters.q1.result"] = "สิบสอง" if index % 2 == 0 else "12"
            started = time.perf_counter()
            answer = client.post("/forms/2569/08/check", data=values).json()
            elapsed = time.perf_counter() - started
            at_field = any(problem["field"] == "quarters.q1.result" for problem in answer["problems"])
            assert at_field == (index % 2 == 0), answer
            times.append(elapsed * 1000)
    return times


def save_to_preview(url: str, rounds: int) -> list[float]:
    times = []
    with httpx.Client(base_url=url) as client:
        for index in range(rounds):
            values = form_values(client.get("/forms/2569/08").text)
            marker = f"อุปสรรครอบที่ {index}"
            values["obstacles"] = marker
            started = time.perf_counter()
            saved = client.post("/forms/2569/08", data=values)
            assert saved.status_code == 303, saved.status_code
            page = client.get("/preview/2569/08.html").text
            times.append((time.perf_counter() - started) * 1000)
            assert marker.replace(" ", "") in re.sub(r"<[^>]+>|\s", "", page)
    return times


def officers_at_once(root: Path, url: str, officers: int) -> tuple[list[float], list[str]]:
    barrier = threading.Barrier(officers)
    codes = [f"{10 + number:02d}" for number in range(officers)]
    before = int(git(root, "rev-list", "--count", "HEAD"))

    def officer(code: str) -> tuple[float, str]:
        with httpx.Client(base_url=url, timeout=120) as client:
            values = form_values(client.get(f"/forms/2569/{code}").text)
            values["quarters.q1.report"] = f"รายงานของแบบฟอร์ม {code}"
            values["quarters.q1.result"] = "7"
            barrier.wait()
            started = time.perf_counter()
            response = client.post(f"/forms/2569/{code}", data=values)
            return (time.perf_counter() - started) * 1000, f"{code}: {response.status_code}"

    with ThreadPoolExecutor(officers) as pool:
        results = list(pool.map(officer, codes))
    lost = [status for _, status in results if not status.endswith(": 303")]
    for code in codes:
        data = yaml.safe_load((root / f"content/indicators/2569/{code}.yaml").read_text(encoding="utf-8"))
        if (data.get("quarters") or {}).get("q1", {}).get("report") != f"รายงานของแบบฟอร์ม {code}":
            lost.append(f"{code}: the file does not hold its officer's text")
    commits = int(git(root, "rev-list", "--count", "HEAD")) - before
    if commits != officers:
        lost.append(f"{commits} commits for {officers} saves")
    if git(root, "rev-parse", "HEAD") != git(root, "rev-parse", "origin/main"):
        lost.append("the remote does not have every save")
    return [elapsed for elapsed, _ in results], lost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--officers", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="desk-bench-") as folder:
        root = git_project(Path(folder))
        for number in range(args.officers):
            code = f"{10 + number:02d}"
            path = root / f"content/indicators/2569/{code}.yaml"
            path.write_text(yaml.safe_dump(quarter_form(code, f"เจ้าหน้าที่ {code}"), allow_unicode=True,
                                           sort_keys=False), encoding="utf-8")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "forms")
        git(root, "push", "-q")
        settings = DeskSettings(secret_file=Path(folder) / "secret", today=TODAY)
        with running_desk(root, settings) as url:
            httpx.get(url + "/forms/2569/08")  # warm: templates compiled, document cache made
            checks = keystroke_to_problem(url, args.rounds)
            print(f"keystroke to problem: median {WAIT_MS + statistics.median(checks):.0f} ms "
                  f"(the script's wait {WAIT_MS} ms + round trip median {statistics.median(checks):.0f} ms, "
                  f"p95 {percentile(checks, 0.95):.0f} ms; {len(checks)} checks)")
            saves = save_to_preview(url, max(5, args.rounds // 2))
            print(f"save to preview: median {statistics.median(saves):.0f} ms, p95 {percentile(saves, 0.95):.0f} ms "
                  f"({len(saves)} saves: commit and push to the bare remote, then the saved form's page)")
            times, lost = officers_at_once(root, url, args.officers)
            print(f"{args.officers} officers saving at once: p50 {percentile(times, 0.5):.0f} ms, "
                  f"p95 {percentile(times, 0.95):.0f} ms, slowest {max(times):.0f} ms; "
                  f"lost: {'nothing' if not lost else '; '.join(lost)}")


if __name__ == "__main__":
    main()
