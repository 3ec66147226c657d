"""How ``reportgen import`` scales with the export's size: `python benchmarks/import_size.py`.

Reads the reference export (``../shared/reference/kpi-08-form.txt``) with one of its parts grown to N lines, and
times ``bmaimport.parse_export`` on it (the reading of the export, not the YAML writing or the loading that
follow, which are the content loader's). Three shapes of growth, each a way a hostile or damaged export can be
large: one paragraph of N continued lines (section 3), N numbered items (section 7), and N evidence lines
(section 9). Time should grow with N, not N².
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from reportgen.authoring.bmaimport import parse_export

REFERENCE = ROOT.parent / "shared" / "reference" / "kpi-08-form.txt"
LINE = "ห้องสมุดมีชีวิต หมายถึง ห้องสมุดที่มีพื้นที่ให้บริการกิจกรรมที่หลากหลาย"


def grown(text: str, shape: str, lines: int) -> str:
    """The reference export with ``lines`` more lines of ``shape`` under its section."""
    if shape == "paragraph":
        extra = "".join(f"\n{LINE} {index}\n" for index in range(lines))
        return text.replace("4. วิธีการคำนวณ", extra + "\n4. วิธีการคำนวณ", 1)
    if shape == "items":
        extra = "".join(f"\n{index % 90 + 1}. {LINE}\n\n{LINE}\n" for index in range(lines // 2))
        return text.replace("8. อุปสรรค", extra + "\n8. อุปสรรค", 1)
    extra = "".join(f"\n- :: - {LINE} {index}\n\n{LINE}\n" for index in range(lines // 2))
    return text.replace("9. หลักฐานอ้างอิง :", "9. หลักฐานอ้างอิง :\n" + extra, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,4000,8000,16000", help="line counts, comma-separated")
    args = parser.parse_args()
    reference = REFERENCE.read_text(encoding="utf-8")
    print(f"{'shape':10} {'lines':>7} {'bytes':>10} {'seconds':>8}")
    for shape in ("paragraph", "items", "evidence"):
        for lines in (int(size) for size in args.sizes.split(",")):
            text = grown(reference, shape, lines)
            started = time.perf_counter()
            parse_export(text, Path("export.txt"), year=2569, agency="สำนักวัฒนธรรม กีฬา และการท่องเที่ยว")
            seconds = time.perf_counter() - started
            print(f"{shape:10} {lines:>7} {len(text.encode()):>10} {seconds:>8.3f}", flush=True)


if __name__ == "__main__":
    main()
