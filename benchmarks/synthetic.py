"""The real indicator 08 → N synthetic indicators in a temporary project, for the benchmark (deterministic from a seed).

Each synthetic form is built from the real form's own Thai text, so line breaking, shaping and page counts behave
as they do on real content: narratives of varied length (the real paragraphs repeated and reordered, with English
terms mixed in as staff write them), 1–4 quarters reported, different codes, units, targets, agencies and fiscal
years, some signed and some drafts. The real ``content/indicators/2564/08.yaml`` is copied unchanged, so the
benchmark can report the size of its PDF.

    .venv/bin/python benchmarks/synthetic.py /tmp/project -n 1000 --seed 1
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sys
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
REAL_INDICATOR = REPO_ROOT / "content" / "indicators" / "2564" / "08.yaml"
SCHEMA_LINE = "# yaml-language-server: $schema=../../../indicator.schema.json\n"

#: Fiscal years that have fully ended (so no "future quarter" warnings), spread as a city archive would be.
YEARS = (2562, 2563, 2564, 2565)

AGENCIES = (
    "สำนักวัฒนธรรม กีฬา และการท่องเที่ยว",
    "สำนักงานเขตพระนคร",
    "สำนักงานเขตบางรัก",
    "สำนักงานเขตลาดกระบัง",
    "สำนักการศึกษา",
    "สำนักพัฒนาสังคม",
)
SUBJECTS = (
    "ห้องสมุดเพื่อการเรียนรู้",
    "บ้านหนังสือ",
    "ศูนย์เยาวชน",
    "ลานกีฬา",
    "พิพิธภัณฑ์ท้องถิ่น",
    "ศูนย์บริการผู้สูงอายุ",
)
NAMES = (
    "จำนวน{subject}ที่ได้รับการพัฒนาให้มีความทันสมัยสอดคล้องกับความต้องการของประชาชน",
    "ร้อยละของผู้ใช้บริการ{subject}ที่มีความพึงพอใจต่อการให้บริการ",
    "จำนวนกิจกรรมส่งเสริมการอ่านและการเรียนรู้ตลอดชีวิตของ{subject}",
    "จำนวนผู้เข้าร่วมกิจกรรม{subject} (Learning activities)",
    "ระดับความสำเร็จของการจัดบริการ{subject}แบบออนไลน์ (Online services)",
)
UNITS = ("ห้อง", "แห่ง", "กิจกรรม", "ครั้ง", "คน", "ร้อยละ", "ระดับ")
LATIN_SNIPPETS = (
    "ผ่านแพลตฟอร์ม Facebook Live และ YouTube",
    "โดยใช้ระบบ e-Library (OverDrive) และ QR code",
    "ตามแนวทาง Smart City ของกรุงเทพมหานคร",
    "ร่วมกับ TK Park และ Goethe-Institut Thailand",
    "(Digital literacy) สำหรับผู้สูงอายุ",
)


def real_indicator() -> dict:
    return yaml.safe_load(REAL_INDICATOR.read_text(encoding="utf-8"))


def _paragraphs(base: dict) -> list[str]:
    """Every paragraph of narrative text in the real form: the raw material of the synthetic ones."""
    texts = [base["definition"], base["supporting_factors"], base["quarters"]["q2"]["report"]]
    for quarter in ("q3", "q4"):
        texts.extend(base["quarters"][quarter]["report"].split("\n\n"))
    return [" ".join(text.split()) if not text.lstrip().startswith("1.") else text.strip() for text in texts]


def _narrative(rng: random.Random, pool: list[str], low: int, high: int) -> str:
    """``low``–``high`` paragraphs drawn from the real ones, sometimes with an English phrase mixed in."""
    chosen = rng.sample(pool, min(rng.randint(low, high), len(pool)))
    if rng.random() < 0.5:
        index = rng.randrange(len(chosen))
        if not chosen[index].startswith("1."):
            chosen[index] = f"{chosen[index]} {rng.choice(LATIN_SNIPPETS)}"
    return "\n\n".join(chosen)


def synthetic_indicator(index: int, seed: int, base: dict | None = None) -> dict:
    """The ``index``-th synthetic indicator (a dict in the content format), the same for the same seed."""
    base = base or real_indicator()
    rng = random.Random(f"{seed}-{index}")
    pool = _paragraphs(base)
    year = YEARS[index % len(YEARS)]
    target = rng.choice((3, 12, 36, 80, 100, 250, 1200))
    reported = rng.randint(1, 4)
    quarters: dict = {}
    for quarter in range(1, reported + 1):
        report: dict = {"report": _narrative(rng, pool, 1, 3)}
        if rng.random() < 0.7:
            report["result"] = round(target * quarter / 4 * rng.uniform(0.6, 1.2), 2)
        quarters[f"q{quarter}"] = report
    data = {
        "code": f"{index + 1:04d}",
        "fiscal_year": year,
        "agency": rng.choice(AGENCIES),
        "name": rng.choice(NAMES).format(subject=rng.choice(SUBJECTS)),
        "result_type": rng.choice(("output", "outcome")),
        "plan": base["plan"] if rng.random() < 0.7 else None,
        "definition": _narrative(rng, pool, 1, 2),
        "calculation": base["calculation"] if rng.random() < 0.5 else _narrative(rng, pool, 1, 1),
        "target": {"value": target, "unit": rng.choice(UNITS)},
        "result": None,
        "quarters": quarters,
        "supporting_factors": _narrative(rng, pool, 1, 4),
        "obstacles": "" if rng.random() < 0.5 else _narrative(rng, pool, 1, 2),
        "evidence": [
            {"title": rng.choice(pool)[:80].strip(), **({"url": "https://www.bangkoklibrary.go.th"} if n % 2 else {})}
            for n in range(rng.randint(1, 4))
        ],
    }
    if reported == 4:
        quarters["summary"] = _narrative(rng, pool, 1, 3)
        data["result"] = round(target * rng.uniform(0.6, 1.3), 2)
        if rng.random() < 0.5:
            year_end = dt.date(year - 543, 9, 30)
            data["signoff"] = {
                "name": "นางสาวตัวอย่าง ทดสอบระบบ",
                "position": "บรรณารักษ์ชำนาญการ",
                "date": (year_end + dt.timedelta(days=20)).isoformat(),
            }
    return {key: value for key, value in data.items() if value is not None}


def indicator_path(root: Path, data: dict) -> Path:
    return root / "content" / "indicators" / str(data["fiscal_year"]) / f"{data['code']}.yaml"


class _Dumper(yaml.SafeDumper):
    """Multi-line narratives as literal blocks (``|``), as staff write them, instead of folded quoted strings."""


def _text(dumper: yaml.SafeDumper, text: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|" if "\n" in text else None)


_Dumper.add_representer(str, _text)


def write_indicator(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=110)
    path.write_text(SCHEMA_LINE + text, encoding="utf-8")


def make_project(root: Path, count: int, *, seed: int = 1) -> list[Path]:
    """A project at ``root`` with the repository's templates, fonts and site.yaml, the real 08 and ``count - 1``
    synthetic indicators. Returns the synthetic files (the ones the benchmark may change)."""
    if count < 1:
        raise ValueError("count must be at least 1 (the real indicator)")
    root.mkdir(parents=True, exist_ok=True)
    for folder in ("templates", "fonts"):
        shutil.copytree(REPO_ROOT / folder, root / folder, dirs_exist_ok=True)
    (root / "content").mkdir(exist_ok=True)
    shutil.copy2(REPO_ROOT / "content" / "site.yaml", root / "content" / "site.yaml")
    real = root / "content" / "indicators" / "2564" / "08.yaml"
    real.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REAL_INDICATOR, real)
    base = real_indicator()
    written = []
    for index in range(count - 1):
        data = synthetic_indicator(index, seed, base)
        path = indicator_path(root, data)
        write_indicator(path, data)
        written.append(path)
    return written


def change_files(files: list[Path], count: int, *, seed: int = 1, round_: int = 1) -> list[Path]:
    """Edit the content of ``count`` of ``files`` (chosen from the seed), as an editor's correction would."""
    chosen = random.Random(f"change-{seed}-{round_}").sample(files, count)
    for path in chosen:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
        correction = f"แก้ไขครั้งที่ {round_}: ปรับปรุงข้อมูลให้เป็นปัจจุบัน"
        data["supporting_factors"] = f"{data['supporting_factors']}\n\n{correction}"
        write_indicator(path, data)
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="the project folder to create")
    parser.add_argument("-n", "--count", type=int, default=100, help="indicators, the real one included")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    files = make_project(args.root, args.count, seed=args.seed)
    print(f"{len(files) + 1} indicators in {args.root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
