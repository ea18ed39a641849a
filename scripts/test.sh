#!/usr/bin/env bash
# Passes the tests on this machine, installing first what they need: memcached, the Python peers the
# interop tests talk to, openssl (throwaway TLS certificates), libfaketime (Debian and Ubuntu), a
# Chromium for Playwright (on Debian with a font for the Chinese pages), a Node >= 22.18 (and the
# other of Node 22 and 24, for the consumer test), the npm dependencies. The README's "Test it" command.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# The tests run the peers with /usr/bin/python3, so that is the Python they must import from.
py_has () { echo "/usr/bin/python3 -c 'import $1'"; }
PIP='/usr/bin/python3 -m pip install --user'
require 'command -v memcached' memcached 'brew install memcached'
require 'command -v openssl' openssl 'brew install openssl'
require "$(py_has memcache)" python3-memcache "$PIP python-memcached"
require "$(py_has pylibmc)" python3-pylibmc "brew install libmemcached && $PIP pylibmc"
require "$(py_has tornado)" python3-tornado "$PIP tornado"
# playwright.config.ts uses Debian's /usr/bin/chromium when present; Ubuntu ships Chromium only as a
# snap and macOS not at all, so there Playwright fetches its own (after npm ci, below).
. /etc/os-release 2>/dev/null || ID=unknown
debian_chromium=false
if [ "$ID" = debian ]; then
  debian_chromium=true
  require '[ -x /usr/bin/chromium ]' chromium ''
  # The Chinese pages (e2e/language.spec.ts photographs them): a font with CJK glyphs, else boxes.
  require '[ -n "$(fc-list :lang=zh 2>/dev/null)" ]' fonts-wqy-zenhei ''
fi
# One e2e check (the cluster page with a node up for hours, e2e/pages-a11y.spec.ts) runs a real
# memcached under libfaketime (tools/aged-clock.ts). Installed where apt-get is; elsewhere that
# check skips, saying why.
has_libfaketime () {
  local lib
  for lib in /usr/lib/*-linux-gnu/faketime/libfaketime.so.1 /usr/lib/faketime/libfaketime.so.1 /usr/lib64/faketime/libfaketime.so.1 /usr/local/lib/faketime/libfaketime.so.1; do
    [ -e "$lib" ] && return 0
  done
  return 1
}
if command -v apt-get >/dev/null 2>&1; then
  require has_libfaketime faketime ''
fi
install_missing
ensure_node
# The consumer test (test/packages/consumer.test.ts) runs the packed packages under Node 22 and 24:
# whichever of the two this Node is not is fetched from the npm registry (as lib.sh fetches Node 24),
# once, into .ci/.node22 or .ci/.node24. At most 5 minutes; a failure only makes the test skip it.
current_major="$(node -p 'process.versions.node.split(".")[0]')"
bounded=""
command -v timeout >/dev/null 2>&1 && bounded="timeout 300"
for line in 22 24; do
  [ "$current_major" = "$line" ] && continue
  [ -x "$ROOT/.ci/.node$line/node_modules/.bin/node" ] && continue
  [ "$line" = 24 ] && [ -x "$FETCHED_NODE/node_modules/.bin/node" ] && continue
  say "fetching Node $line from the npm registry into .ci/.node$line (the consumer test runs the packages under Node 22 and 24)"
  $bounded npm install --prefix "$ROOT/.ci/.node$line" --no-audit --no-fund --no-save "node@$line" >&2 ||
    say "could not fetch Node $line: the consumer test will skip it"
done
ensure_dependencies
cd "$ROOT"
if [ "$debian_chromium" = false ] && ! node -e '
  const { chromium } = require("playwright-core")
  process.exit(require("node:fs").existsSync(chromium.executablePath()) ? 0 : 1)'; then
  # --with-deps would fetch the browser into root's cache: the libraries it needs come through
  # apt as root, the browser itself into this user's cache.
  if [ "$(uname -s)" = Linux ] && sudo="$(as_root)"; then
    say "installing the libraries Playwright's Chromium needs: npx playwright install-deps chromium"
    $sudo env "PATH=$PATH" npx playwright install-deps chromium >&2
  fi
  say "installing Playwright's Chromium: npx playwright install chromium"
  npx playwright install chromium >&2
fi
exec npm test
