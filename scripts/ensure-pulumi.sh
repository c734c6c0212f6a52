#!/usr/bin/env bash
# Makes the Pulumi CLI and its language hosts (Node.js, YAML) available without any
# download site and prints, as its last line, the directory that holds them.
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
# The Node.js language host runs Pulumi.yaml projects (`pulumi up` in a folder).
# A regular Pulumi install ships it beside `pulumi`. Built from Go modules, it is
# `nodejs/cmd/pulumi-language-nodejs` of github.com/pulumi/pulumi/sdk/v3 at
# v3.68.0, the last release that holds it there (later releases moved it into a
# module of its own, which the Go module proxy here does not serve). It speaks
# the same gRPC protocol to the newer CLI; what it lacks are engine calls added
# since (e.g. RegisterStackTransform), which this package does not use.
set -euo pipefail

PULUMI_VERSION="${PULUMI_AGB_CLI_VERSION:-v3.274.1}"
HOST_VERSION="${PULUMI_AGB_LANGUAGE_HOST_VERSION:-v3.68.0}"
CACHE_ROOT="${PULUMI_AGB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-agb}"
BUILD_DIR="$CACHE_ROOT/pulumi-cli-$PULUMI_VERSION"
BIN_DIR="$BUILD_DIR/bin"
HOST_BUILD_DIR="$CACHE_ROOT/pulumi-language-nodejs-$HOST_VERSION"
YAML_HOST_VERSION="${PULUMI_AGB_YAML_HOST_VERSION:-v1.25.0}"
YAML_HOST_BUILD_DIR="$CACHE_ROOT/pulumi-language-yaml-$YAML_HOST_VERSION"
OUT_DIR="$CACHE_ROOT/bin"
REPO_DIR="$(cd "$(dirname "$0")/.." && pwd)"

log() { printf 'ensure-pulumi: %s\n' "$*" >&2; }

# One run at a time per cache: concurrent runs (two test processes on a new
# machine) built into the same wrapper module and output files and clobbered
# each other. A run that finds everything built holds the lock for a moment.
mkdir -p "$CACHE_ROOT"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CACHE_ROOT/.ensure-pulumi.lock"
  flock 9
fi

# Finds Go, or says why it cannot build.
need_go() {
  if ! command -v go >/dev/null 2>&1; then
    for candidate in /usr/local/go/bin /usr/lib/go/bin; do
      [ -x "$candidate/go" ] && PATH="$candidate:$PATH"
    done
  fi
  command -v go >/dev/null 2>&1 || { log "no Go toolchain to build $1"; exit 1; }
}

# Builds `package` of the module at `version` into `out`, through a tiny wrapper
# module (the CLI's go.mod carries replace directives, so `go install pkg@version`
# refuses it). Extra `go get` arguments follow; GO_BUILD_REPLACE adds replace lines
# that the built module's own go.mod needs (a wrapper does not inherit them).
go_build() {
  local out="$1" package="$2" ldflags="$3"
  shift 3
  local src
  src="$(dirname "$out")/../src"
  mkdir -p "$src" "$(dirname "$out")"
  (
    cd "$src"
    cat > go.mod <<GOMOD
module pulumiagb.local/build

go 1.26

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
${GO_BUILD_REPLACE:-}
GOMOD
    export GOFLAGS=-mod=mod
    go get "$@" >&2
    go build -trimpath -ldflags "$ldflags" -o "$out.$$" "$package" >&2
    mv "$out.$$" "$out"
  )
}

# Links `target` into `dir` under `name`, atomically.
link_into() {
  local dir="$1" target="$2" name="$3"
  mkdir -p "$dir"
  ln -sfn "$target" "$dir/$name.$$" && mv -f "$dir/$name.$$" "$dir/$name"
}

# The CLI: one already on PATH wins (the normal case on a user's machine).
on_path="$(PATH="$(printf '%s' "$PATH" | tr ':' '\n' | grep -vxF "$OUT_DIR" | paste -sd: -)" command -v pulumi || true)"
if [ "${PULUMI_AGB_FORCE_BUILD:-}" != "1" ] && [ -n "$on_path" ]; then
  cli="$on_path"
elif [ -x "$BIN_DIR/pulumi" ] && "$BIN_DIR/pulumi" version >/dev/null 2>&1; then
  cli="$BIN_DIR/pulumi"
else
  need_go "the Pulumi CLI"
  log "building the Pulumi CLI $PULUMI_VERSION from Go modules into $BUILD_DIR (first run only; several minutes)"
  go_build "$BIN_DIR/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi \
    "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" \
    "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@$PULUMI_VERSION" "github.com/pulumi/pulumi/sdk/v3@$PULUMI_VERSION"
  log "built $("$BIN_DIR/pulumi" version)"
  cli="$BIN_DIR/pulumi"
fi
link_into "$OUT_DIR" "$cli" pulumi

# The Node.js language host: the one beside the chosen CLI (a regular install), else the pinned build.
host="$(dirname "$(readlink -f "$cli")")/pulumi-language-nodejs"
if [ ! -x "$host" ]; then
  host="$HOST_BUILD_DIR/bin/pulumi-language-nodejs"
  if [ ! -x "$host" ]; then
    need_go "the Node.js language host"
    log "building the Node.js language host $HOST_VERSION from Go modules into $HOST_BUILD_DIR (first run only; about 90 s)"
    go_build "$host" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs \
      "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$HOST_VERSION" \
      "github.com/pulumi/pulumi/sdk/v3@$HOST_VERSION"
  fi
fi
host="$(readlink -f "$host")"
link_into "$OUT_DIR" "$host" pulumi-language-nodejs

# ---- Python language host (issue 20) -------------------------------------------------------------
# `pulumi-language-python` of sdk/v3 at the pinned host version, with the script
# `pulumi-language-python-exec` it runs from the same module beside it (the host looks for it on
# PATH and beside itself). sdk/v3's go.mod has `replace golang.org/x/text => v0.3.6`, which
# `go install` refuses and a wrapper module does not inherit, so the wrapper copies it.
# The host ignores `runtime.options.virtualenv` under CLI 3.274: a Python program runs with the
# virtualenv's bin first on PATH and VIRTUAL_ENV set.
PY_HOST_BUILD_DIR="$CACHE_ROOT/pulumi-language-python-$HOST_VERSION"
py_host="$(dirname "$(readlink -f "$cli")")/pulumi-language-python"
if [ ! -x "$py_host" ] || [ ! -x "$(dirname "$py_host")/pulumi-language-python-exec" ]; then
  py_host="$PY_HOST_BUILD_DIR/bin/pulumi-language-python"
  if [ ! -x "$py_host" ] || [ ! -x "$PY_HOST_BUILD_DIR/bin/pulumi-language-python-exec" ]; then
    need_go "the Python language host"
    log "building the Python language host $HOST_VERSION from Go modules into $PY_HOST_BUILD_DIR (first run only; about 30 s)"
    GO_BUILD_REPLACE="replace golang.org/x/text => golang.org/x/text v0.3.6" \
      go_build "$py_host" github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python \
      "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$HOST_VERSION" \
      "github.com/pulumi/pulumi/sdk/v3@$HOST_VERSION"
    exec_src="$(cd "$PY_HOST_BUILD_DIR/src" && GOFLAGS=-mod=mod go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)/python/cmd/pulumi-language-python-exec"
    cp "$exec_src" "$PY_HOST_BUILD_DIR/bin/pulumi-language-python-exec.$$"
    chmod 755 "$PY_HOST_BUILD_DIR/bin/pulumi-language-python-exec.$$"
    mv -f "$PY_HOST_BUILD_DIR/bin/pulumi-language-python-exec.$$" "$PY_HOST_BUILD_DIR/bin/pulumi-language-python-exec"
  fi
fi
py_host="$(readlink -f "$py_host")"
py_exec="$(dirname "$py_host")/pulumi-language-python-exec"
link_into "$OUT_DIR" "$py_host" pulumi-language-python
link_into "$OUT_DIR" "$py_exec" pulumi-language-python-exec
# ---- end of the Python language host ------------------------------------------------------------

# ---- The Pulumi YAML language host ------------------------------------------
# Runs Pulumi.yaml projects with `runtime: yaml` (examples/yaml-environment, the
# agb plugin's programs). A regular Pulumi install ships it beside `pulumi`;
# otherwise it is built once from github.com/pulumi/pulumi-yaml, whose go.mod
# has no replace directives, so a plain `go install` builds it (about 2 min cold).
yaml_host="$(dirname "$(readlink -f "$cli")")/pulumi-language-yaml"
if [ ! -x "$yaml_host" ]; then
  yaml_host="$YAML_HOST_BUILD_DIR/bin/pulumi-language-yaml"
  if [ ! -x "$yaml_host" ]; then
    need_go "the Pulumi YAML language host"
    log "building the Pulumi YAML language host $YAML_HOST_VERSION from Go modules into $YAML_HOST_BUILD_DIR (first run only; about 2 min)"
    mkdir -p "$YAML_HOST_BUILD_DIR/bin.tmp"
    GOBIN="$YAML_HOST_BUILD_DIR/bin.tmp" go install -trimpath \
      -ldflags "-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=$YAML_HOST_VERSION" \
      "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@$YAML_HOST_VERSION" >&2
    mkdir -p "$YAML_HOST_BUILD_DIR/bin"
    mv "$YAML_HOST_BUILD_DIR/bin.tmp/pulumi-language-yaml" "$yaml_host"
    rmdir "$YAML_HOST_BUILD_DIR/bin.tmp"
  fi
fi
yaml_host="$(readlink -f "$yaml_host")"
link_into "$OUT_DIR" "$yaml_host" pulumi-language-yaml
# ---- end of the Pulumi YAML language host -------------------------------------

# The dynamic-provider plugin ships inside @pulumi/pulumi: copied so that one directory on PATH is enough.
plugin="$REPO_DIR/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
if [ -f "$plugin" ]; then
  cp "$plugin" "$OUT_DIR/pulumi-resource-pulumi-nodejs.$$"
  chmod +x "$OUT_DIR/pulumi-resource-pulumi-nodejs.$$"
  mv -f "$OUT_DIR/pulumi-resource-pulumi-nodejs.$$" "$OUT_DIR/pulumi-resource-pulumi-nodejs"
else
  log "warning: $plugin not found; run npm install first"
fi

# The CLI expects plugins beside its own (resolved) executable and warns when PATH gives it another copy:
# beside the CLI this script built, the host and the plugin sit as in a regular install, and that folder is
# the one to put on PATH.
if [ "$cli" = "$BIN_DIR/pulumi" ]; then
  link_into "$BIN_DIR" "$host" pulumi-language-nodejs
  link_into "$BIN_DIR" "$py_host" pulumi-language-python # Python language host (issue 20)
  link_into "$BIN_DIR" "$py_exec" pulumi-language-python-exec # Python language host (issue 20)
  link_into "$BIN_DIR" "$yaml_host" pulumi-language-yaml
  [ -f "$OUT_DIR/pulumi-resource-pulumi-nodejs" ] && link_into "$BIN_DIR" "$(readlink -f "$OUT_DIR/pulumi-resource-pulumi-nodejs")" pulumi-resource-pulumi-nodejs
  printf '%s\n' "$BIN_DIR"
else
  printf '%s\n' "$OUT_DIR"
fi
