#!/usr/bin/env bash
# Installs what this repository needs on a machine that has Node 20.19+ and npm: pnpm, the
# workspace dependencies, and the Debian programs the tests start: Chromium (the docs browser
# test), tmux (the command-line tool in a real terminal) and redis-server (the shared rate limiter).
# Used by the README's Quick start and by .ci/run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

command -v pnpm >/dev/null 2>&1 || npm install -g pnpm@10

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if [ "${#missing[@]}" -gt 0 ]; then
  as_root=()
  [ "$(id -u)" -eq 0 ] || as_root=(sudo)
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

pnpm install --frozen-lockfile
