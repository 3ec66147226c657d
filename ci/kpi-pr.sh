#!/usr/bin/env bash
# Pull-request job of the department's CI (.github/workflows/kpi.yml, and the GitLab CI in docs/development.md):
# check the content, with problems shown on the changed lines, then build the draft forms to download and read.
# Runs in the project folder (the current directory) with `reportgen` on PATH; tests/test_workflow.py runs it too.
set -euo pipefail

# GitHub shows `::error file=…,line=…::` lines on the pull request's diff; elsewhere plain text reads better.
check_format="${REPORTGEN_CHECK_FORMAT:-github}"

# Drafts carry no date (unless SOURCE_DATE_EPOCH is set), so they are reproducible as they are; dating them by
# the commit would change every draft's bytes on every commit and defeat the build cache a CI cache step restores.

reportgen check --format "$check_format"
reportgen build
