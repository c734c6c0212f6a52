#!/usr/bin/env bash
# Builds codegen/sdkgen (the SDK generator on pkg/v3's codegen, pinned in its go.mod at the CLI's version)
# into the cache outside the checkout, once per version of its sources, and prints the binary's path.
#   bash scripts/ensure-sdkgen.sh            # prints e.g. ~/.cache/pulumi-agb/sdkgen-<hash>/sdkgen
set -euo pipefail

REPO_DIR="$(cd "$(dirname "$0")/.." && pwd)"
SRC="$REPO_DIR/codegen/sdkgen"
CACHE_ROOT="${PULUMI_AGB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-agb}"

if ! command -v go >/dev/null 2>&1; then
  for candidate in /usr/local/go/bin /usr/lib/go/bin; do
    [ -x "$candidate/go" ] && PATH="$candidate:$PATH"
  done
fi
command -v go >/dev/null 2>&1 || { echo "ensure-sdkgen: no Go toolchain to build codegen/sdkgen" >&2; exit 1; }

# The sources and the pins are the cache key: an edit to either builds afresh.
key="$(cat "$SRC/go.mod" "$SRC/go.sum" "$SRC"/*.go | sha256sum | cut -c1-16)"
out="$CACHE_ROOT/sdkgen-$key/sdkgen"
if [ ! -x "$out" ]; then
  echo "ensure-sdkgen: building codegen/sdkgen into $(dirname "$out") (first run only; about 80 s)" >&2
  mkdir -p "$(dirname "$out")"
  (cd "$SRC" && GOFLAGS=-mod=readonly go build -trimpath -ldflags "-s -w" -o "$out.$$" .)
  mv -f "$out.$$" "$out"
fi
printf '%s\n' "$out"
