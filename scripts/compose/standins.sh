#!/usr/bin/env bash
# Builds local stand-ins for the two public base images the project names, for machines that reach
# no image registry (our CI reaches only the npm registry and Debian's mirror): from a Debian root
# file system (debootstrap), imported into podman under the very names docker-compose.yml and the
# Dockerfile use, so both run unchanged. An image already present is kept: nothing is rebuilt.
#   memcached:1.6-alpine    Debian's memcached (1.6), run as the `memcache` user like the official
#                           image; busybox's nc, which the compose health check runs, as Alpine's.
#   node:24-bookworm-slim   a Node 24 binary from the npm registry (its `node` package) and npm, in
#                           /usr/local like the official image, a `node` user (uid 1000); plus this
#                           machine's CA bundle, so the build's npm ci trusts what the machine trusts.
set -euo pipefail
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
CACHE=/var/cache/memcache-session-standins   # debootstrap's downloaded packages, kept between runs
CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
say () { echo "[standins] $*" >&2; }

WORK="$(mktemp -d /var/tmp/standins.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
# An imported file system carries no configuration: the PATH official images set.
PATH_ENV='ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

rootfs () { # rootfs DIR [extra packages]: a minimal Debian 12, trimmed of what no container needs
  mkdir -p "$CACHE"
  debootstrap --variant=minbase --cache-dir="$CACHE" ${2:+--include="$2"} bookworm "$1" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 ||
    { tail -20 "$WORK/debootstrap.log" >&2; say "debootstrap failed (log above)"; exit 1; }
  rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/* "$1"/usr/share/{doc,man,info,locale}
}

have () { podman image exists "$1"; }

if have memcached:1.6-alpine; then
  say "memcached:1.6-alpine: present, reused"
else
  say "building memcached:1.6-alpine (stand-in: Debian 12 + memcached)"
  rootfs "$WORK/memcached" memcached,busybox
  ln -s /bin/busybox "$WORK/memcached/usr/local/bin/nc"
  tar -C "$WORK/memcached" -c . | podman import --change "$PATH_ENV" \
    --change 'USER memcache' --change 'EXPOSE 11211' --change 'CMD ["memcached"]' \
    - memcached:1.6-alpine >/dev/null
fi

if have node:24-bookworm-slim; then
  say "node:24-bookworm-slim: present, reused"
else
  say "building node:24-bookworm-slim (stand-in: Debian 12 + Node 24 from the npm registry)"
  rootfs "$WORK/node"
  npm install --prefix "$WORK/fetch" --no-audit --no-fund --no-save node@24 npm@11 >&2
  root="$WORK/node"
  install -m 755 "$WORK/fetch/node_modules/node/bin/node" "$root/usr/local/bin/node"
  mkdir -p "$root/usr/local/lib/node_modules" "$root/usr/local/etc"
  cp -a "$WORK/fetch/node_modules/npm" "$root/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
  cp "$CA_BUNDLE" "$root/etc/ssl/certs/ca-certificates.crt" 2>/dev/null ||
    { mkdir -p "$root/etc/ssl/certs"; cp "$CA_BUNDLE" "$root/etc/ssl/certs/ca-certificates.crt"; }
  echo "cafile=/etc/ssl/certs/ca-certificates.crt" >"$root/usr/local/etc/npmrc"
  chroot "$root" groupadd --gid 1000 node
  chroot "$root" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  version="$("$root/usr/local/bin/node" --version)"
  tar -C "$root" -c . | podman import --change "$PATH_ENV" \
    --change "ENV NODE_VERSION=${version#v}" \
    --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
    --change 'CMD ["node"]' \
    - node:24-bookworm-slim >/dev/null
  say "node:24-bookworm-slim: Node $version"
fi
