#!/usr/bin/env bash
# Runs the app on this machine (http://localhost:9999), installing first what it lacks: memcached,
# a Node >= 22.18, the npm dependencies. The README's "Run it" command.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

require 'command -v memcached' memcached 'brew install memcached'
install_missing
ensure_node
ensure_dependencies
cd "$ROOT"
exec npm start
