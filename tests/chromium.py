"""Debian's Chromium for the browser tests: where it is and the flags every test starts it with (``make test``
installs it). ``conftest.py`` gives each test module one browser driven by Playwright (the ``browser`` fixture)."""

from __future__ import annotations

import shutil

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
#: What the brief of every browser test says: no sandbox as root, and nothing that reaches out to the network.
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--hide-scrollbars"]
