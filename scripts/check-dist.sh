#!/usr/bin/env bash
# Fails when dist/ is not what a fresh build of the sources produces.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$root"
node scripts/build.ts "$tmp/dist" >/dev/null
if ! diff -r "$tmp/dist" dist >/dev/null; then
  echo "dist/ is stale: run 'npm run build' and commit dist/" >&2
  diff -rq "$tmp/dist" dist >&2 || true
  exit 1
fi
echo "dist/ matches a fresh build"
