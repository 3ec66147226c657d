#!/usr/bin/env bash
# Main-branch jobs of the department's CI (.github/workflows/kpi.yml, and the GitLab CI in docs/development.md), one
# stage per call, so that the signing key reaches `reportgen sign` and nothing else:
#
#   ci/kpi-release.sh build    build the release (it checks the content itself; only signed-off forms, PDF/A-3b);
#                              no secret
#   ci/kpi-release.sh sign     sign every PDF of output/ (the only stage that reads the key and its password)
#   ci/kpi-release.sh verify   verify what was signed; output/html/ (the site, with its signed PDFs) is then ready
#
# Any failure stops before publishing. Runs in the project folder (the current directory) with `reportgen` on PATH;
# tests/test_workflow.py runs each stage and checks which of them saw the key.
#
# Environment (CI secrets and variables; nothing here is ever printed or written to disk):
#   REPORTGEN_SIGNING_KEY       sign: the PKCS#12 signing key and certificate, base64 (base64 -w0 key.p12)
#   REPORTGEN_SIGNING_PASSWORD  sign: its password
#   TSA_URL                     sign, optional: an RFC 3161 timestamp authority (the signatures become PAdES B-T)
#   REPORTGEN_TRUST_PEM         verify, optional: the issuing CA's certificate (PEM text); verify then checks the chain
set -euo pipefail

signing_variables=(REPORTGEN_SIGNING_KEY REPORTGEN_SIGNING_PASSWORD)

case "${1:-}" in
  build)
    # Should a CI pass the key to this stage all the same, no program run here (the content checks, WeasyPrint,
    # the Pagefind binary) inherits it.
    unset "${signing_variables[@]}"
    if [ -z "${SOURCE_DATE_EPOCH:-}" ] && git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
      SOURCE_DATE_EPOCH="$(git log -1 --format=%ct)"
      export SOURCE_DATE_EPOCH
    fi
    # No separate `reportgen check`: one officer's broken file must not stop everyone's forms. The release build
    # checks everything itself, publishes every form that may be published and lists each one left out with its
    # reason; it fails only when nothing may be published or a site-wide file (site.yaml, dictionary.txt, a
    # template) is broken.
    reportgen build --release
    ;;
  sign)
    sign_args=(--key-env REPORTGEN_SIGNING_KEY --password-env REPORTGEN_SIGNING_PASSWORD)
    if [ -n "${TSA_URL:-}" ]; then
      sign_args+=(--timestamp-url "$TSA_URL")
    fi
    reportgen sign "${sign_args[@]}"
    ;;
  verify)
    unset "${signing_variables[@]}"
    verify_args=()
    if [ -n "${REPORTGEN_TRUST_PEM:-}" ]; then
      trust_file="$(mktemp)"
      trap 'rm -f "$trust_file"' EXIT
      printf '%s\n' "$REPORTGEN_TRUST_PEM" >"$trust_file"
      verify_args+=(--trust "$trust_file")
    fi
    # Folders, not output/pdf/**/*.pdf: the shell's ** needs globstar, and the site's copies must hold too.
    reportgen verify "${verify_args[@]}" output/pdf output/html
    ;;
  *)
    echo "usage: ci/kpi-release.sh build|sign|verify (one stage per CI step; see the comments above)" >&2
    exit 2
    ;;
esac
