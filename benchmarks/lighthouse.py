"""A built site (``output/html``) → Lighthouse's mobile performance score and layout shift (CLS) of every page.

Serves the site on 127.0.0.1 (a random port, at the sub-path of ``site.base_url`` so relative links resolve as
published) and runs Lighthouse from npm (tests/browser/node_modules, installed by ``make test``) with Debian's
Chromium, its default mobile settings (a mid-range phone, simulated slow 4G and 4× CPU slowdown), once per page,
``--runs`` times, and prints the median of each figure with the worst run's CLS. Nothing here is a test: scores
depend on the machine and on its load (the load average is printed); tests/test_browser.py asserts CLS itself.

    .venv/bin/reportgen build && .venv/bin/python benchmarks/lighthouse.py
    .venv/bin/python benchmarks/lighthouse.py --site output/html --runs 3 --json /tmp/lighthouse.json
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = REPO_ROOT / "tests" / "browser" / "node_modules" / "lighthouse" / "cli" / "index.js"
#: What this machine's Chromium needs: no sandbox as root, and nothing that reaches out to the network.
CHROME_FLAGS = ("--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking"
                " --disable-component-update --disable-sync")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".woff2": "font/woff2",
                      ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm",
                      ".pagefind": "application/octet-stream", ".pf_meta": "application/octet-stream",
                      ".pf_index": "application/octet-stream", ".pf_fragment": "application/octet-stream"}

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


def serve(html: Path, prefix: str) -> tuple[http.server.ThreadingHTTPServer, str, tempfile.TemporaryDirectory]:
    """Serve ``html`` at http://127.0.0.1:PORT/<prefix>/ (a folder of links, so the real sub-path is kept)."""
    holder = tempfile.TemporaryDirectory(prefix="lighthouse-site-")
    root = Path(holder.name)
    target = root / prefix if prefix else root
    target.parent.mkdir(parents=True, exist_ok=True)
    if prefix:
        target.symlink_to(html.resolve(), target_is_directory=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(
        root if prefix else html.resolve())))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/{prefix + '/' if prefix else ''}", holder


def lighthouse(url: str, chromium: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as scratch:
        report = Path(scratch) / "report.json"
        command = ["node", str(LIGHTHOUSE), url, "--only-categories=performance", "--output=json",
                   f"--output-path={report}", "--quiet", f"--chrome-flags={CHROME_FLAGS}"]
        env = os.environ | {"CHROME_PATH": chromium, "TMPDIR": scratch}
        subprocess.run(command, check=True, env=env, timeout=180, stdout=subprocess.DEVNULL)
        data = json.loads(report.read_text(encoding="utf-8"))
    audits = data["audits"]
    return {
        "performance": round(data["categories"]["performance"]["score"] * 100),
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "fcp_ms": audits["first-contentful-paint"]["numericValue"],
        "lcp_ms": audits["largest-contentful-paint"]["numericValue"],
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
        "bytes": audits["total-byte-weight"]["numericValue"],
    }


def site_pages(html: Path) -> list[str]:
    return sorted(path.relative_to(html).as_posix() for path in html.rglob("*.html") if path.name != "404.html")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=REPO_ROOT / "output" / "html", help="the built site")
    parser.add_argument("--prefix", default="kpi", help="the sub-path the site is served at")
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page (the median is shown)")
    parser.add_argument("--json", type=Path, help="write every run's figures here")
    args = parser.parse_args(argv)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not LIGHTHOUSE.is_file() or chromium is None:
        print("Lighthouse or Chromium is missing: run `make setup-test` first", file=sys.stderr)
        return 2
    if not (args.site / "index.html").is_file():
        print(f"no site at {args.site}: run `reportgen build` first", file=sys.stderr)
        return 2
    server, base, holder = serve(args.site, args.prefix.strip("/"))
    results: dict[str, list[dict]] = {}
    try:
        version = subprocess.run(["node", str(LIGHTHOUSE), "--version"], capture_output=True, text=True).stdout.strip()
        print(f"Lighthouse {version}, mobile (default throttling), {args.runs} run(s) per page, Chromium {chromium}, "
              f"load average {os.getloadavg()[0]:.1f}")
        print(f"{'page':28} {'perf':>5} {'CLS':>7} {'worst CLS':>9} {'FCP ms':>7} {'LCP ms':>7} {'TBT ms':>7} "
              f"{'KB':>6}")
        for page in site_pages(args.site):
            runs = results[page] = [lighthouse(base + page, chromium) for _ in range(args.runs)]

            def median(key: str, runs: list[dict] = runs) -> float:
                return statistics.median(run[key] for run in runs)

            print(f"{page:28} {median('performance'):>5.0f} {median('cls'):>7.3f} "
                  f"{max(run['cls'] for run in runs):>9.3f} {median('fcp_ms'):>7.0f} {median('lcp_ms'):>7.0f} "
                  f"{median('tbt_ms'):>7.0f} {median('bytes') / 1024:>6.1f}", flush=True)
    finally:
        server.shutdown()
        holder.cleanup()
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    worst_perf = min(run["performance"] for runs in results.values() for run in runs)
    worst_cls = max(run["cls"] for runs in results.values() for run in runs)
    print(f"worst of all runs: performance {worst_perf} (target >= 95), CLS {worst_cls:.3f} (target < 0.05)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
