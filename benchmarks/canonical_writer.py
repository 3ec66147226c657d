"""The canonical writer (``authoring/canonical.py``) against ruamel.yaml's round trip: which keeps values exact, and
how long each takes for the real indicator file. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/canonical_writer.py            # the project's writer only
    PYTHONPATH=/path/with/ruamel .venv/bin/python benchmarks/canonical_writer.py   # and ruamel.yaml beside it

"Exact" means reportgen's own parser reads the written text back as the very string given (``0E0`` stays the text
"0E0", not the number 0): what a formatter must never change. ruamel.yaml decides quoting by YAML 1.2's rules (or
1.1's when told), reportgen reads plain ``1e3``/``0E0`` as numbers and ``yes``/``on`` as booleans (YAML 1.1, as
``check`` always did), so only a writer that asks reportgen's parser can be exact for both.
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path, PurePosixPath

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reportgen.authoring.canonical import canonical_text
from reportgen.content.parse import parse_document

REAL = Path(__file__).resolve().parents[1] / "content" / "indicators" / "2564" / "08.yaml"
SOURCE = PurePosixPath("content/indicators/2564/08.yaml")
TRICKY = [
    "0E0", "1e3", "yes", "no", "on", "off", "y", "n", "true", "null", "~", "1_000", ".5", "036", "0x24", "0o17",
    "1:30", "2569-10-01", "+1", "-.5e3", ".inf", ".nan", "= x", "ทดสอบ", "'quoted'", "a: b", "# x", "- item",
]  # fmt: skip


def reads_as(text: str, value: str) -> bool:
    doc = parse_document(text, SOURCE)
    return not doc.problems and isinstance(doc.data, dict) and doc.data.get("name") == value


def median_ms(run, repeat: int = 30) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    real = REAL.read_text(encoding="utf-8")
    exact = 0
    for value in TRICKY:
        text = real.replace("name: จำนวนห้องสมุด", f"name: {_json(value)}  # was: จำนวนห้องสมุด", 1)
        canonical = canonical_text(text, source=SOURCE) if reads_as(text, value) else ""
        exact += reads_as(canonical, value)
    print(f"project writer: {exact}/{len(TRICKY)} tricky texts exact; "
          f"{median_ms(lambda: canonical_text(real, source=SOURCE)):.1f} ms per file (median, 08.yaml, verified)")
    try:
        from ruamel.yaml import YAML
    except ImportError:
        print("ruamel.yaml: not importable here (PYTHONPATH to try it)")
        return
    for version in ("1.2", "1.1"):
        yaml = YAML()  # round trip: keeps comments and styles
        if version == "1.1":
            yaml.version = (1, 1)
        exact = 0
        wrong = []
        for value in TRICKY:
            data = yaml.load(real)
            data["name"] = value
            out = io.StringIO()
            yaml.dump(data, out)
            if reads_as(out.getvalue(), value):
                exact += 1
            else:
                wrong.append(value)

        def round_trip(yaml=yaml) -> None:
            out = io.StringIO()
            yaml.dump(yaml.load(real), out)

        print(f"ruamel.yaml {version} round trip: {exact}/{len(TRICKY)} exact (changed: {', '.join(wrong)}); "
              f"{median_ms(round_trip):.1f} ms per file (median, 08.yaml, load + dump, no reordering)")


def _json(value: str) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


if __name__ == "__main__":
    main()
