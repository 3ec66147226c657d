"""How long ``verify`` takes on each hostile PDF of tests/attacks.py, and its verdict: `python
benchmarks/verify_attacks.py [--subprocess]`.

In-process: ``signing.verify_pdf`` on the file's bytes, median of three runs. With ``--subprocess``, the real command
line (``python -m reportgen verify``) in a process of its own, with a time limit (``--limit``, default 60 s), so that
the figures of an older reportgen, which runs for years on some of them, can be taken too: the line then says
"killed". The first column is the size of the file.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import attacks

from reportgen import signing


def cases() -> dict[str, tuple[bytes, str]]:
    made = {name: (make(attacks.signed_blank()), expected) for name, (make, expected) in attacks.SIGNED_ATTACKS.items()}
    made.update((name, (make(), expected)) for name, (make, expected) in attacks.SOURCE_ATTACKS.items())
    made.update((name, (make(), expected)) for name, (make, expected) in attacks.NOT_PDFS.items())
    return made


def in_process(pdf: bytes) -> tuple[float, str]:
    times, status = [], ""
    for _ in range(3):
        started = time.perf_counter()
        status = signing.verify_pdf(pdf).status
        times.append(time.perf_counter() - started)
    return statistics.median(times), status


def in_subprocess(pdf: bytes, limit: float) -> tuple[float | None, str]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "attack.pdf"
        path.write_bytes(pdf)
        started = time.perf_counter()
        try:
            done = subprocess.run([sys.executable, "-m", "reportgen", "verify", "--lang", "en", str(path)],
                                  capture_output=True, text=True, timeout=limit, cwd=ROOT)  # fmt: skip
        except subprocess.TimeoutExpired:
            return None, "killed"
        seconds = time.perf_counter() - started
    if done.returncode == 3 or "internal error" in done.stderr:
        return seconds, "internal error"
    return seconds, f"exit {done.returncode}: " + (done.stdout.strip().split(": ", 1)[-1][:70])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subprocess", action="store_true", help="time the command line, each in its own process")
    parser.add_argument("--limit", type=float, default=60.0, help="seconds before a subprocess is killed")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    print("| attack | bytes | seconds | verdict | expected |\n| --- | ---: | ---: | --- | --- |")
    for name, (pdf, expected) in cases().items():
        if args.subprocess:
            seconds, verdict = in_subprocess(pdf, args.limit)
        else:
            seconds, verdict = in_process(pdf)
        shown = f"> {args.limit:.0f}" if seconds is None else f"{seconds:.3f}"
        print(f"| {name} | {len(pdf):,} | {shown} | {verdict} | {expected} |", flush=True)


if __name__ == "__main__":
    main()
