#!/usr/bin/env bash
# Pull-request job of the department's CI (.github/workflows/kpi.yml, and the GitLab CI in the README):
# check the content, with problems shown on the changed lines, then build the draft forms to download and read.
# Runs in the project folder (the current directory) with `reportgen` on PATH; tests/test_workflow.py runs it too.
set -euo pipefail

# GitHub shows `::error file=…,line=…::` lines on the pull request's diff; elsewhere plain text reads better.
check_format="${REPORTGEN_CHECK_FORMAT:-github}"

# Date the drafts by the commit, so the same commit builds the same bytes (reproducible builds convention).
if [ -z "${SOURCE_DATE_EPOCH:-}" ] && git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  SOURCE_DATE_EPOCH="$(git log -1 --format=%ct)"
  export SOURCE_DATE_EPOCH
fi

reportgen check --format "$check_format"
reportgen build
