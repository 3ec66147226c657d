#!/usr/bin/env bash
# Main-branch job "publish-server" of the department's CI (.github/workflows/kpi.yml): the signed site (output/html,
# handed over by the sign job) published to the department's web server with `reportgen publish`: uploaded as a new
# release beside the last ones, then switched to in one step (a link renamed over the old one), so that a reader never
# sees half a site and yesterday's site stays one command away (`reportgen publish --to … --rollback`).
#
# Environment (CI variables and the one secret of the protected environment "web-server"; nothing is printed):
#   REPORTGEN_PUBLISH_TARGET         user@host:/path of the served folder (e.g. deploy@www.bangkoklibrary.go.th:
#                                    /var/www/bangkoklibrary.go.th/kpi), or a local folder
#   REPORTGEN_PUBLISH_SSH_KEY        the deploy key (a private key that may only write there), for a remote target
#   REPORTGEN_PUBLISH_KNOWN_HOSTS    the server's host key line(s) (`ssh-keyscan host`, checked by hand once): ssh
#                                    refuses any other server
#   REPORTGEN_PUBLISH_KEEP           optional: how many releases to keep (default 5)
set -euo pipefail

target="${REPORTGEN_PUBLISH_TARGET:?set the CI variable REPORTGEN_PUBLISH_TARGET (user@host:/path of the served folder)}"
publish_args=(--to "$target")
if [ -n "${REPORTGEN_PUBLISH_KEEP:-}" ]; then
  publish_args+=(--keep "$REPORTGEN_PUBLISH_KEEP")
fi
if [[ "$target" == *:* && ! -e "$target" ]]; then
  secrets_dir="$(mktemp -d)"
  trap 'rm -rf "$secrets_dir"' EXIT
  umask 077
  printf '%s\n' "${REPORTGEN_PUBLISH_SSH_KEY:?set the secret REPORTGEN_PUBLISH_SSH_KEY of the environment web-server}" \
    >"$secrets_dir/key"
  printf '%s\n' "${REPORTGEN_PUBLISH_KNOWN_HOSTS:?set the variable REPORTGEN_PUBLISH_KNOWN_HOSTS (ssh-keyscan, checked)}" \
    >"$secrets_dir/known_hosts"
  unset REPORTGEN_PUBLISH_SSH_KEY
  publish_args+=(--rsh "ssh -i $secrets_dir/key -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=$secrets_dir/known_hosts")
fi
reportgen publish "${publish_args[@]}"
