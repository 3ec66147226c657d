# The two commands of the README: `make build` and `make test`. Each sets up everything it needs first:
# Debian packages (only those missing; the machine runs as root, otherwise sudo), the .venv, the Python packages.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# WeasyPrint lays out text with Pango (libthai breaks Thai lines) and HarfBuzz.
RUNTIME_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libthai0 fontconfig
# The tests read the PDFs with poppler and drive the web pages in Debian's Chromium (no browser download).
TEST_PACKAGES := poppler-utils chromium

.PHONY: build test check bench setup setup-test clean

build: setup
	$(PY) -m reportgen build

test: setup-test
	$(PY) -m pytest

check: setup
	$(PY) -m reportgen check

bench: setup-test
	$(PY) benchmarks/bench.py

setup: $(VENV)/.installed .system-runtime
setup-test: $(VENV)/.installed-test .system-runtime .system-test

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

.system-runtime:
	$(call apt_install,$(RUNTIME_PACKAGES))
.system-test:
	$(call apt_install,$(TEST_PACKAGES))
.PHONY: .system-runtime .system-test

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml constraints.txt | $(VENV)/bin/python
	$(VENV)/bin/pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt $(VENV)/.installed
	$(VENV)/bin/pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

clean:
	rm -rf output .output.* $(VENV) *.egg-info .pytest_cache .hypothesis
