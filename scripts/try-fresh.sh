#!/usr/bin/env bash
# Tries the README's two commands as a newcomer would, in a fresh container that has what a new
# machine of ours has (Debian 12, Node 20 and npm, python3, git, curl; no memcached, no Chromium,
# nothing of the project's): clones this checkout's HEAD into it, runs scripts/start.sh and a
# session write through http://127.0.0.1:9999, then scripts/test.sh. `try-fresh.sh compose` runs
# npm run test:compose there instead (podman inside the container). Needs root and podman (as the
# compose check sets up); the container image is built once (localhost/fresh-debian:node20).
set -euo pipefail
cd "$(dirname "$0")/.."
IMAGE=localhost/fresh-debian:node20
export CONTAINERS_CONF="$PWD/scripts/compose/containers.conf"
say () { echo "[try-fresh] $*" >&2; }

if ! podman image exists "$IMAGE"; then
  say "building $IMAGE"
  work="$(mktemp -d /var/tmp/try-fresh.XXXXXX)"
  trap 'rm -rf "$work"' EXIT
  debootstrap --variant=minbase --cache-dir=/var/cache/memcache-session-standins \
    --include=python3,git,curl,ca-certificates bookworm "$work/root" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >"$work/log" 2>&1 ||
    { tail -20 "$work/log" >&2; exit 1; }
  # Node 20 and its npm, from the npm registry, where a machine's own package would put them.
  npm install --prefix "$work/fetch" --no-audit --no-fund --no-save node@20 npm@10 >&2
  install -m 755 "$work/fetch/node_modules/node/bin/node" "$work/root/usr/bin/node"
  mkdir -p "$work/root/usr/lib/node_modules"
  cp -a "$work/fetch/node_modules/npm" "$work/root/usr/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$work/root/usr/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$work/root/usr/bin/npx"
  cp /etc/ssl/certs/ca-certificates.crt "$work/root/etc/ssl/certs/ca-certificates.crt"
  rm -rf "$work/root"/var/cache/apt/archives/*.deb
  tar -C "$work/root" -c . | podman import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
    --change 'CMD ["bash"]' - "$IMAGE" >/dev/null
  rm -rf "$work"
fi

bundle="$(mktemp /var/tmp/try-fresh.XXXXXX.bundle)"
trap 'rm -f "$bundle"' EXIT
git bundle create "$bundle" HEAD 2>/dev/null

if [ "${1:-}" = compose ]; then
  # The compose check on a fresh machine: podman inside this container (privileged), its storage on
  # a volume (overlay on overlay is refused), everything else installed by the scripts themselves.
  say "in a fresh $IMAGE (privileged, for podman inside): git clone, npm run test:compose"
  podman run --rm --privileged -e CI=true -v "$bundle:/src.bundle:ro" -v /var/lib/containers \
    "$IMAGE" bash -c '
    set -euo pipefail
    git clone -q /src.bundle /app && cd /app
    started=$SECONDS
    scripts/test-compose.sh </dev/null
    echo "[try-fresh] npm run test:compose passed in $((SECONDS - started)) s"'
  exit
fi

say "in a fresh $IMAGE: git clone, scripts/start.sh and a session write, then scripts/test.sh"
podman run --rm -e CI=true -v "$bundle:/src.bundle:ro" "$IMAGE" bash -c '
  set -euo pipefail
  git clone -q /src.bundle /app && cd /app
  echo "[try-fresh] $(node --version) on the machine; scripts/start.sh:"
  started=$SECONDS
  scripts/start.sh </dev/null >start.log 2>&1 &
  app=$!
  until curl -fsS http://127.0.0.1:9999/readyz >/dev/null 2>&1; do
    [ $((SECONDS - started)) -lt 600 ] || { tail -30 start.log; echo "[try-fresh] not ready in 600 s"; exit 1; }
    sleep 0.5
  done
  grep "^\[setup\]" start.log
  echo "[try-fresh] scripts/start.sh: serving after $((SECONDS - started)) s; /readyz: $(curl -fsS http://127.0.0.1:9999/readyz)"
  token=$(curl -fsS -c jar -b jar http://127.0.0.1:9999/ | grep -o "name=\"_csrf\" value=\"[^\"]*\"" | head -1 | cut -d\" -f4)
  curl -fsS -o /dev/null -w "[try-fresh] session write: %{http_code}\n" -c jar -b jar -d "_csrf=$token&action=set&key=name&val=Ada" http://127.0.0.1:9999/
  curl -fsS -b jar http://127.0.0.1:9999/ | grep -q "<td>Ada</td>" && echo "[try-fresh] the page shows name = Ada"
  kill $app; wait $app || true
  echo "[try-fresh] scripts/test.sh:"
  started=$SECONDS
  scripts/test.sh </dev/null
  echo "[try-fresh] scripts/test.sh passed in $((SECONDS - started)) s"
'
