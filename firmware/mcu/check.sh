#!/bin/sh
# Rebuilds the firmware into a temporary directory and fails if it differs from the committed hex.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$here/build.sh" "$tmp" >/dev/null
if cmp -s "$tmp/communs-firmata.hex" "$here/communs-firmata.hex"; then
  echo "firmware/mcu/communs-firmata.hex matches its sources"
else
  echo "firmware/mcu/communs-firmata.hex is stale: run \`npm run firmware:build\` and commit it" >&2
  exit 1
fi
