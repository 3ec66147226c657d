# The two commands of the README: `make build` and `make test`. Each sets up everything it needs first:
# Debian packages (only those missing; the machine runs as root, otherwise sudo), the .venv, the Python packages.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# WeasyPrint lays out text with Pango (libthai breaks Thai lines) and HarfBuzz, and subsets the embedded fonts with
# HarfBuzz's subsetter: without libharfbuzz-subset0 it falls back to fontTools, twice as slow (reportgen warns).
RUNTIME_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libthai0 fontconfig
# The tests read the PDFs with poppler and drive the web pages in Debian's Chromium (no browser download).
# Release PDFs: qpdf checks their structure, PDFBox's preflight (on the machine's Java) their PDF/A basics, and
# faketime runs a build years later to prove builds reproducible; rsync is what `reportgen publish` uploads with.
TEST_PACKAGES := poppler-utils chromium qpdf faketime default-jre-headless libpdfbox2-java libactivation-java libjaxb-api-java rsync
# The site's checkers, from npm (tests/browser/package-lock.json): axe-core, and the Nu HTML Checker that runs on
# the machine's Java. --ignore-scripts: vnu-jar's install script would download a JDK of its own.
BROWSER_TOOLS := tests/browser/node_modules/.installed

.PHONY: build test test-fast lint check bench guide-images setup setup-test lock clean

build: setup
	$(PY) -m reportgen build
	$(PY) -m reportgen book

# The tests run on every core (pytest-xdist; PYTEST_XDIST_AUTO_NUM_WORKERS=N to choose). `make test` runs both tiers;
# `make test-fast` only the fast one: reportgen called in-process, no browser, no fresh process, no signing, no PDF
# checker (the end-to-end tier is marked e2e). Costly fixtures are made once a run whatever the worker
# (tests/projects.py: shared_folder).
PYTEST_PARALLEL := -n auto

test: setup-test
	$(PY) -m pytest $(PYTEST_PARALLEL)

test-fast: setup-test
	$(PY) -m pytest $(PYTEST_PARALLEL) -m "not e2e"

# The linter and the type checker, as configured in pyproject.toml ([tool.ruff], [tool.mypy]); `.ci/run` runs it
# before the tests. `ruff check --fix` repairs most of what it reports.
lint: setup-test
	$(VENV)/bin/ruff check reportgen tests benchmarks
	$(VENV)/bin/mypy

check: setup
	$(PY) -m reportgen check

# `make bench BENCH_ARGS=--quick` tries it on 20 forms; the full run (100 and 1000 forms) takes about 10 minutes.
bench: setup-test
	$(PY) benchmarks/bench.py $(BENCH_ARGS)

# The Thai user guide's pictures and quoted command output (docs/guide-th.md), remade from the real build and the
# real commands (pdftoppm, headless Chromium): see docs/make_screenshots.py.
guide-images: setup-test
	$(PY) docs/make_screenshots.py

setup: $(VENV)/.installed .system-runtime
setup-test: $(VENV)/.installed-test .system-runtime .system-test $(BROWSER_TOOLS)

define apt_install
	@missing=""; for package in $(1); do \
	  dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
endef

# A command the tests need, and the Debian package that provides it when the machine has none (a machine may
# already have Java or Node.js from elsewhere; a second copy from Debian could conflict with it).
define apt_install_command
	@command -v $(1) >/dev/null || { echo "Installing Debian package: $(2)"; $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(2) >/dev/null; }
endef

.system-runtime:
	$(call apt_install,$(RUNTIME_PACKAGES))
.system-test:
	$(call apt_install,$(TEST_PACKAGES))
	$(call apt_install_command,java,default-jre-headless)
	$(call apt_install_command,npm,npm)
.PHONY: .system-runtime .system-test

# Python packages come from the lock in requirements/ (made by `make lock`, below): every package pinned, with the
# hashes of its files, installed with --require-hashes, so a file that is not the one locked is refused. pip itself
# is locked too (the venv's own pip, from Python, installs it, checking its hashes). --only-binary: building a
# source package would fetch its build tools unchecked. reportgen itself is installed from this folder without
# build isolation, with the locked setuptools.
PIP_INSTALL := $(VENV)/bin/python -m pip install --quiet --require-hashes --only-binary :all:

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.pip: requirements/pip.txt | $(VENV)/bin/python
	$(VENV)/bin/python -m pip install --quiet --require-hashes -r requirements/pip.txt
	touch $@

$(VENV)/.installed: pyproject.toml requirements/build.txt $(VENV)/.pip
	$(PIP_INSTALL) -r requirements/build.txt
	$(VENV)/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml requirements/test.txt $(VENV)/.installed
	$(PIP_INSTALL) -r requirements/test.txt
	touch $@

# The lock, remade after a change of the dependencies in pyproject.toml (or requirements/*.in): uv resolves them for
# every platform and Python 3.11+, keeping the versions already locked where they still fit (`make lock
# LOCK_ARGS=--upgrade` takes the newest allowed), and writes each with the hashes of all its files. The test lock
# first; the build lock is held to the same versions. uv itself comes from the lock (requirements/lock-tools.txt).
LOCK := $(VENV)/bin/uv pip compile --universal --python-version 3.11 --generate-hashes --quiet \
	--custom-compile-command "make lock" $(LOCK_ARGS)

lock: $(VENV)/.pip
	$(PIP_INSTALL) -r requirements/lock-tools.txt
	$(LOCK) pyproject.toml requirements/build-system.in --extra test -o requirements/test.txt
	$(LOCK) pyproject.toml requirements/build-system.in -c requirements/test.txt -o requirements/build.txt
	$(LOCK) requirements/pip.in -o requirements/pip.txt
	$(LOCK) requirements/lock-tools.in -o requirements/lock-tools.txt

$(BROWSER_TOOLS): tests/browser/package.json tests/browser/package-lock.json | .system-test
	cd tests/browser && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

clean:
	rm -rf output .output.* $(VENV) *.egg-info .pytest_cache .hypothesis tests/browser/node_modules
