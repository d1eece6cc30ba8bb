#!/usr/bin/env bash
# Install Debian packages whose command is missing: ensure-tools.sh COMMAND[=PACKAGE] ...
# (the e2e tests' headless browser, the perf scripts' nginx and wrk). Needs root, as on CI.
set -u
missing=()
for item in "$@"; do
  command="${item%%=*}"
  package="${item#*=}"
  command -v "$command" >/dev/null 2>&1 || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "ensure-tools: installing ${missing[*]}"
if [ "$(id -u)" != 0 ]; then
  echo "ensure-tools: not root; run: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null && apt-get install -y -qq "${missing[@]}" >/dev/null || {
  echo "ensure-tools: apt-get install ${missing[*]} failed" >&2
  exit 1
}
