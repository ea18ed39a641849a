# Shared by scripts/start.sh and scripts/test.sh (sourced, not run): find what this machine lacks,
# install it where we can (Debian/Ubuntu, as root or through sudo), otherwise stop and say exactly
# what to install. Nothing is installed when everything is already there.

MIN_NODE=22.18
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FETCHED_NODE="$ROOT/.ci/.node"   # where a Node fetched from the npm registry goes (git-ignored)

say () { echo "[setup] $*" >&2; }
die () { echo "[setup] $*" >&2; exit 1; }

# `require TEST DEBIAN-PACKAGE MACOS-HINT`: remember a missing requirement when TEST fails.
missing_apt=()
missing_mac=()
require () {
  if ! eval "$1" >/dev/null 2>&1; then
    missing_apt+=("$2")
    missing_mac+=("$3")
  fi
}

node_ok () {
  command -v node >/dev/null 2>&1 && node -e '
    const [major, minor] = process.versions.node.split(".").map(Number)
    const [wantMajor, wantMinor] = process.argv[1].split(".").map(Number)
    process.exit(major > wantMajor || (major === wantMajor && minor >= wantMinor) ? 0 : 1)' "$MIN_NODE"
}

# How to run a command as root: directly, through sudo (without a password prompt when there is no
# terminal, as in CI), or not at all (prints nothing and fails).
as_root () {
  if [ "$(id -u)" = 0 ]; then return 0; fi
  if command -v sudo >/dev/null 2>&1; then
    if sudo -n true 2>/dev/null || [ -t 0 ]; then echo sudo; return 0; fi
  fi
  return 1
}

# Installs what `require` found missing, or stops with the command that would install it.
install_missing () {
  [ ${#missing_apt[@]} -eq 0 ] && return 0
  if [ "$(uname -s)" = Darwin ]; then
    die "missing: ${missing_apt[*]}. Install with: $(IFS=';'; echo "${missing_mac[*]}" | sed 's/;/; /g')"
  fi
  command -v apt-get >/dev/null 2>&1 ||
    die "missing: ${missing_apt[*]} (Debian/Ubuntu package names); install them with your package manager"
  local sudo
  sudo="$(as_root)" ||
    die "missing: ${missing_apt[*]}. Install with: sudo apt-get install -y ${missing_apt[*]}"
  say "installing with apt-get: ${missing_apt[*]}"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
  # stdin from /dev/null: no prompt can wait for an answer (CI has no stdin).
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing_apt[@]}" </dev/null >&2
  missing_apt=()
  missing_mac=()
}

# Puts a Node >= MIN_NODE first on PATH: the machine's, one fetched before, or Node 24 from the npm
# registry (its `node` package carries the binary; npm comes along so the pair matches). Any npm
# can fetch it, Debian's is enough.
ensure_node () {
  if ! node_ok && [ -x "$FETCHED_NODE/node_modules/.bin/node" ]; then
    export PATH="$FETCHED_NODE/node_modules/.bin:$PATH"
  fi
  if ! node_ok; then
    command -v npm >/dev/null 2>&1 || {
      require false npm "brew install node"
      install_missing
    }
    say "node $(node --version 2>/dev/null || echo missing) is older than $MIN_NODE: fetching Node 24 from the npm registry into .ci/.node"
    npm install --prefix "$FETCHED_NODE" --no-audit --no-fund --no-save node@24 npm@11 >&2
    export PATH="$FETCHED_NODE/node_modules/.bin:$PATH"
    node_ok || die "could not get Node >= $MIN_NODE; install it from https://nodejs.org"
  fi
  say "node $(node --version) ($(command -v node)), npm $(npm --version)"
}

# npm ci when node_modules is missing or older than the lockfile; otherwise what is there is used.
ensure_dependencies () {
  if [ ! -f "$ROOT/node_modules/.package-lock.json" ] || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
    say "npm ci"
    (cd "$ROOT" && npm ci --no-audit --no-fund >&2)
  fi
}
