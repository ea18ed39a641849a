#!/usr/bin/env bash
# npm run test:compose: `docker compose up` for real with the project's own docker-compose.yml and
# Dockerfile (test/compose/stack.check.ts says what is checked). Uses the Docker engine when one
# answers; otherwise (our CI: no Docker, no image registry) Debian's podman, driven by Debian's
# docker-compose through podman's Docker-compatible API, with stand-in base images built here
# (scripts/compose/standins.sh). Needs port 9999 free.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

# The check asks the real python-memcached where a session id belongs.
require "/usr/bin/python3 -c 'import memcache'" python3-memcache '/usr/bin/python3 -m pip install --user python-memcached'
install_missing
ensure_node
ensure_dependencies

engine_answers () {
  node -e 'require("node:http").get({ socketPath: process.argv[1], path: "/_ping", timeout: 5000 },
    (res) => process.exit(res.statusCode === 200 ? 0 : 1)).on("error", () => process.exit(1))' "$1"
}

# docker-compose.yml publishes the app on 9999: something else there would answer the checks.
if node -e 'require("node:net").connect(9999, "127.0.0.1").on("connect", () => process.exit(0)).on("error", () => process.exit(1))'; then
  die "port 9999 is in use; docker-compose.yml publishes the app there: stop what listens on it (ss -ltnp 'sport = 9999')"
fi

socket="${DOCKER_HOST:-unix:///var/run/docker.sock}"
if engine_answers "${socket#unix://}"; then
  say "using the container engine on $socket"
  if [ -z "${COMPOSE:-}" ] && docker compose version >/dev/null 2>&1; then export COMPOSE="docker compose"; fi
else
  require 'command -v podman' podman ''
  require 'command -v docker-compose' docker-compose ''
  require 'command -v debootstrap' debootstrap ''
  # netavark (not the older CNI plugins) with aardvark-dns: service names resolve between containers;
  # netavark 1.4 sets up the port mappings with iptables.
  require '[ -x /usr/lib/podman/netavark ]' netavark ''
  require '[ -x /usr/lib/podman/aardvark-dns ]' aardvark-dns ''
  require 'command -v iptables' iptables ''
  # The container runtime scripts/compose/containers.conf names (crun refuses hybrid cgroups).
  require 'command -v runc' runc ''
  [ "$(uname -s)" = Linux ] || die "no Docker engine answers on $socket: start Docker Desktop (or set DOCKER_HOST), then run this again"
  install_missing
  [ "$(id -u)" = 0 ] || die "no Docker engine answers on $socket, and the podman fallback runs rootful: run as root, or start Docker"
  export CONTAINERS_CONF="$ROOT/scripts/compose/containers.conf"
  scripts/compose/standins.sh

  run_dir="$(mktemp -d /run/memcache-session-podman.XXXXXX)"
  export DOCKER_HOST="unix://$run_dir/podman.sock"
  # Its log (full of complaints about the missing systemd) is shown only when the check fails.
  podman system service --time=0 "$DOCKER_HOST" 2>"$run_dir/service.log" &
  service=$!
  # podman runs health checks from systemd timers, which these machines lack: run them here.
  while sleep 2; do
    for name in $(podman ps --filter label=com.docker.compose.project --format '{{.Names}}'); do
      podman healthcheck run "$name" >/dev/null 2>&1 &
    done
    wait
  done &
  healthchecks=$!
  trap 'kill $healthchecks $service 2>/dev/null; wait $service 2>/dev/null; rm -rf "$run_dir"' EXIT
  for _ in $(seq 100); do engine_answers "$run_dir/podman.sock" && break; sleep 0.1; done
  engine_answers "$run_dir/podman.sock" || die "podman system service did not answer on $DOCKER_HOST"
  say "podman $(podman --version | cut -d' ' -f3) through its Docker API on $DOCKER_HOST, $(docker-compose version --short)"
fi

node --test --test-reporter=spec test/compose/stack.check.ts || {
  [ -n "${run_dir:-}" ] && { say "podman system service, last lines:"; tail -30 "$run_dir/service.log" >&2; }
  exit 1
}
