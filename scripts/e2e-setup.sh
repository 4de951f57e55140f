#!/usr/bin/env bash
# Idempotent setup for the end-to-end tests (test/e2e/run.mjs).
#
# What it does (see docs in the repo / real-vscode notes):
#   1. installs the Debian packages code-server's native modules and the test need
#      (only those missing; apt-get update runs at most once, only if something is missing);
#   2. installs code-server@4.100.3 (the newest release that runs on Node 20) into a
#      cache folder OUTSIDE the project:
#        $PNOTE_E2E_HOME, default ${XDG_CACHE_HOME:-$HOME/.cache}/policy-notes-e2e
#      so it survives `git clean` / fresh clones on the same machine and CI caches can
#      keep it (cache key: the code-server version + Node major version).
#   Its postinstall downloads ripgrep from the internet, so it is installed with
#   --ignore-scripts and the needed native modules are rebuilt by hand.
#
# Each step leaves a marker in $PNOTE_E2E_HOME/.steps/; a finished install leaves
# $PNOTE_E2E_HOME/.setup-complete and the script then exits in well under a second.
# Set PNOTE_E2E_FORCE=1 to redo everything.
set -euo pipefail

CODE_SERVER_VERSION="4.100.3"
# neovim: the test of the server with another editor's LSP client (test/e2e/neovim.mjs)
APT_PACKAGES=(libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config ripgrep chromium neovim)

E2E_HOME="${PNOTE_E2E_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/policy-notes-e2e}"
NODE_MAJOR="$(node -p 'process.versions.node.split(".")[0]')"
STAMP="code-server@${CODE_SERVER_VERSION} node${NODE_MAJOR}"
MARKER="$E2E_HOME/.setup-complete"
STEPS="$E2E_HOME/.steps"

T0=$SECONDS
log() { printf '[e2e-setup %4ss] %s\n' "$((SECONDS - T0))" "$*"; }
die() { log "ERROR: $*"; exit 1; }

# step NAME CMD...: run CMD once (skipped if its marker exists), timing it.
step() {
  local name="$1"; shift
  if [[ -f "$STEPS/$name" ]]; then log "skip  $name (done before)"; return 0; fi
  log "start $name"
  local t=$SECONDS
  "$@"
  touch "$STEPS/$name"
  log "done  $name ($((SECONDS - t))s)"
}

if [[ "$NODE_MAJOR" != "20" ]]; then
  log "WARNING: Node $(node -v); code-server ${CODE_SERVER_VERSION} declares Node 20 (native modules are built for the running Node)."
fi

# ---------------------------------------------------------------- apt packages
apt_missing=()
for p in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    apt_missing+=("$p")
  fi
done
# build tools for node-gyp (normally present; only installed if absent)
for tool in make:make g++:g++ python3:python3; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || apt_missing+=("${tool##*:}")
done
if ((${#apt_missing[@]})); then
  SUDO=""
  if [[ "$(id -u)" != "0" ]]; then
    command -v sudo >/dev/null 2>&1 || die "need root or sudo to apt-get install: ${apt_missing[*]}"
    SUDO="sudo"
  fi
  log "apt: installing ${apt_missing[*]}"
  t=$SECONDS
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${apt_missing[@]}" >/dev/null
  log "apt: done ($((SECONDS - t))s)"
else
  log "apt: all packages present"
fi
[[ -x /usr/bin/rg ]] || die "/usr/bin/rg missing after apt install (package ripgrep)"
[[ -x /usr/bin/chromium ]] || die "/usr/bin/chromium missing after apt install (package chromium)"

# ---------------------------------------------------------------- code-server
if [[ -z "${PNOTE_E2E_FORCE:-}" && -f "$MARKER" && "$(cat "$MARKER")" == "$STAMP" \
      && -f "$E2E_HOME/node_modules/code-server/out/node/entry.js" ]]; then
  log "code-server: $STAMP already set up in $E2E_HOME"
  log "setup finished in $((SECONDS - T0))s"
  exit 0
fi
if [[ -n "${PNOTE_E2E_FORCE:-}" || ( -f "$MARKER" && "$(cat "$MARKER")" != "$STAMP" ) ]]; then
  log "code-server: (re)installing from scratch in $E2E_HOME"
  rm -rf "$E2E_HOME/node_modules" "$E2E_HOME/package.json" "$E2E_HOME/package-lock.json" "$STEPS" "$MARKER"
fi
mkdir -p "$E2E_HOME" "$STEPS"
log "code-server: installing $STAMP into $E2E_HOME"

# Runs outside the project: its own package.json so npm does not walk up to a parent project.
[[ -f "$E2E_HOME/package.json" ]] || printf '{ "name": "policy-notes-e2e-cache", "private": true }\n' > "$E2E_HOME/package.json"

# node-gyp downloads Node's headers unless told where they are; on offline machines use the
# headers installed next to the running node when their version matches.
if [[ -z "${npm_config_nodedir:-}" && -z "$(npm config get nodedir 2>/dev/null | grep -v '^undefined$' || true)" ]]; then
  node_prefix="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
  hdr="$node_prefix/include/node/node_version.h"
  if [[ -f "$hdr" ]]; then
    hv="$(awk '/#define NODE_(MAJOR|MINOR|PATCH)_VERSION/ {printf "%s.", $3}' "$hdr")"
    if [[ "v${hv%.}" == "$(node -v)" ]]; then
      export npm_config_nodedir="$node_prefix"
      log "node-gyp: using local headers in $node_prefix/include/node"
    fi
  fi
fi

CS="$E2E_HOME/node_modules/code-server"
VS="$CS/lib/vscode"
NPM_QUIET=(--no-audit --no-fund --loglevel=error)

do_install() {
  (cd "$E2E_HOME" && npm install "code-server@${CODE_SERVER_VERSION}" --ignore-scripts "${NPM_QUIET[@]}")
}
do_vscode_deps() {
  (cd "$VS" && npm install --omit=dev --ignore-scripts "${NPM_QUIET[@]}")
}
do_vscode_rebuild() {
  (cd "$VS" && npm_config_yes=true npm rebuild kerberos @parcel/watcher @vscode/deviceid \
      @vscode/spdlog native-watchdog node-pty "${NPM_QUIET[@]}")
}
do_links() {
  mkdir -p "$VS/node_modules/@vscode/ripgrep/bin"
  ln -sfn /usr/bin/rg "$VS/node_modules/@vscode/ripgrep/bin/rg"
  (cd "$VS" && ln -sfn node_modules node_modules.asar)
  (cd "$VS/bin/remote-cli" && ln -sfn code-linux.sh code-server)
}
do_argon2() {
  (cd "$E2E_HOME" && npm_config_yes=true npm rebuild argon2 "${NPM_QUIET[@]}")
}
do_check() {
  # keep code-server from writing ~/.config/code-server and ~/.local/share/code-server
  XDG_DATA_HOME="$E2E_HOME/xdg-data" node "$CS/out/node/entry.js" --config "$E2E_HOME/config.yaml" --version 2>&1 \
    | grep -v 'Wrote default config'
}

step 1-npm-install-code-server do_install
step 2-vscode-npm-install      do_vscode_deps
step 3-vscode-native-rebuild   do_vscode_rebuild
step 4-links                   do_links
step 5-argon2-rebuild          do_argon2
rm -f "$STEPS/6-version-check" # always re-check
step 6-version-check           do_check

echo "$STAMP" > "$MARKER"
log "setup finished in $((SECONDS - T0))s (code-server in $CS)"
