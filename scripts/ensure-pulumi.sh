#!/usr/bin/env bash
# Makes the Pulumi CLI available without any download site and prints, as its
# last line, the directory that holds `pulumi`.
#
# 1. A `pulumi` already on PATH wins (the normal case on a user's machine).
# 2. Otherwise the official CLI is built from its Go modules into a cache
#    directory outside the work tree, and reused on later runs.
# Either way the printed directory holds `pulumi` and the dynamic-provider
# plugin `pulumi-resource-pulumi-nodejs` (which ships inside @pulumi/pulumi), so
# putting that one directory on PATH is enough.
#
# The CLI's go.mod carries `replace` directives (sdk/v3 => ../sdk), so
# `go install pkg@version` refuses it; a tiny wrapper module that requires
# pkg/v3 and sdk/v3 at the same version builds it instead.
#
# The Node.js language host (sdk/nodejs/cmd/pulumi-language-nodejs/v3) is not
# served by the module proxy here, so the tests and the demo run programs
# through Pulumi's Automation API (inline programs), whose language runtime is
# served from the Node.js process itself and needs only the CLI.
set -euo pipefail

PULUMI_VERSION="${PULUMI_AGB_CLI_VERSION:-v3.274.1}"
CACHE_ROOT="${PULUMI_AGB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-agb}"
BUILD_DIR="$CACHE_ROOT/pulumi-cli-$PULUMI_VERSION"
BIN_DIR="$BUILD_DIR/bin"
OUT_DIR="$CACHE_ROOT/bin"
REPO_DIR="$(cd "$(dirname "$0")/.." && pwd)"

log() { printf 'ensure-pulumi: %s\n' "$*" >&2; }

# Links the chosen CLI and the plugin into OUT_DIR and prints it.
publish() {
  local cli="$1"
  local plugin="$REPO_DIR/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
  mkdir -p "$OUT_DIR"
  ln -sfn "$cli" "$OUT_DIR/pulumi.$$" && mv -f "$OUT_DIR/pulumi.$$" "$OUT_DIR/pulumi"
  if [ -f "$plugin" ]; then
    cp "$plugin" "$OUT_DIR/pulumi-resource-pulumi-nodejs.$$"
    chmod +x "$OUT_DIR/pulumi-resource-pulumi-nodejs.$$"
    mv -f "$OUT_DIR/pulumi-resource-pulumi-nodejs.$$" "$OUT_DIR/pulumi-resource-pulumi-nodejs"
  else
    log "warning: $plugin not found; run npm install first"
  fi
  printf '%s\n' "$OUT_DIR"
}

on_path="$(PATH="$(printf '%s' "$PATH" | tr ':' '\n' | grep -vxF "$OUT_DIR" | paste -sd: -)" command -v pulumi || true)"
if [ "${PULUMI_AGB_FORCE_BUILD:-}" != "1" ] && [ -n "$on_path" ]; then
  publish "$on_path"
  exit 0
fi

if [ -x "$BIN_DIR/pulumi" ] && "$BIN_DIR/pulumi" version >/dev/null 2>&1; then
  publish "$BIN_DIR/pulumi"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  for candidate in /usr/local/go/bin /usr/lib/go/bin; do
    [ -x "$candidate/go" ] && PATH="$candidate:$PATH"
  done
fi
command -v go >/dev/null 2>&1 || { log "no pulumi on PATH and no Go toolchain to build it"; exit 1; }

log "building the Pulumi CLI $PULUMI_VERSION from Go modules into $BUILD_DIR (first run only; several minutes)"
mkdir -p "$BUILD_DIR/src" "$BIN_DIR"
cd "$BUILD_DIR/src"
cat > go.mod <<GOMOD
module pulumiagb.local/clibuild

go 1.26

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
GOMOD
export GOFLAGS=-mod=mod
go get "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@$PULUMI_VERSION" "github.com/pulumi/pulumi/sdk/v3@$PULUMI_VERSION" >&2
go build -trimpath \
  -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" \
  -o "$BIN_DIR/pulumi.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >&2
mv "$BIN_DIR/pulumi.tmp" "$BIN_DIR/pulumi"
log "built $("$BIN_DIR/pulumi" version)"
publish "$BIN_DIR/pulumi"
