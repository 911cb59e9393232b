#!/usr/bin/env bash
# CI's "container image" step: build the Dockerfile when a Docker daemon can run here, start the
# image and ask its /readyz. Every wait is bounded. Ends with one line starting "container image:".
# Exit 1 only when a build or the built image fails; exit 0 when it worked or nothing could run.
#
# A daemon it starts runs with --iptables=false --bridge=none (builds and containers use the
# host's network) so the host's firewall and links are left as they were, and is stopped at exit.
# No container registry may be reachable: when node:20-bookworm-slim cannot be pulled, the base
# is a stand-in made here from Debian's packages (debootstrap bookworm, minbase) with this
# machine's Node.js, npm and trusted certificate authorities and a `node` user (uid 1000), as in
# the official image; the closing line says so.
set -uo pipefail
cd "$(dirname "$0")/.."
say() { echo "container image: $*"; }
work=$(mktemp -d)
dockerd_pid=""
cleanup() {
  if [ -n "$dockerd_pid" ]; then
    kill "$dockerd_pid" 2>/dev/null
    for _ in $(seq 1 15); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 1; done
  fi
  rm -rf "$work"
}
trap cleanup EXIT
# Stopped by .ci/run's timeout: still stop the daemon started here.
trap 'exit 143' TERM INT
daemon_up() { timeout 5 docker info >/dev/null 2>&1; }
no_daemon() { say "no Docker daemon can run on this machine; built nothing (the production-dependencies test stands in)"; exit 0; }

if ! command -v docker >/dev/null 2>&1 || ! daemon_up; then
  if ! command -v dockerd >/dev/null 2>&1; then
    install_docker() { DEBIAN_FRONTEND=noninteractive timeout 240 apt-get install -y -qq docker.io >>"$work/apt.log" 2>&1; }
    install_docker || { timeout 120 apt-get update -qq >>"$work/apt.log" 2>&1 && install_docker; } \
      || { tail -3 "$work/apt.log"; no_daemon; }
  fi
  command -v dockerd >/dev/null 2>&1 || no_daemon
  dockerd --iptables=false --ip6tables=false --bridge=none >"$work/dockerd.log" 2>&1 &
  dockerd_pid=$!
  for _ in $(seq 1 20); do daemon_up && break; kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 1; done
  daemon_up || { tail -3 "$work/dockerd.log"; no_daemon; }
fi

base=node:20-bookworm-slim
base_note="on $base"
if ! timeout 90 docker pull -q "$base" >/dev/null 2>&1; then
  base=triage-node-base:ci
  base_note="on a stand-in for node:20-bookworm-slim (no container registry reachable: Debian bookworm by debootstrap, Node $(node -v) of this machine)"
  # Made anew each time (about 30 s): a stand-in left by an earlier run may be out of date.
  docker rmi -f "$base" >/dev/null 2>&1
  command -v debootstrap >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive timeout 120 apt-get install -y -qq debootstrap >/dev/null 2>&1
  mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null)
  [ -n "$mirror" ] || mirror=$(awk '/^deb / { print $2; exit }' /etc/apt/sources.list 2>/dev/null)
  root="$work/rootfs"
  if ! timeout 300 debootstrap --variant=minbase bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1; then
    tail -3 "$work/debootstrap.log"
    say "a Docker daemon runs, but no base image could be pulled or made; built nothing (the production-dependencies test stands in)"
    exit 0
  fi
  mkdir -p "$root/usr/local/bin" "$root/usr/local/lib/node_modules"
  cp "$(readlink -f "$(command -v node)")" "$root/usr/local/bin/node"
  cp -a "$(npm root -g)/npm" "$root/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
  # The certificate authorities this machine trusts, which its npm registry traffic may need.
  ca="${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}"
  ca_env=()
  if [ -f "$ca" ]; then
    mkdir -p "$root/etc/ssl/certs" && cp "$ca" "$root/etc/ssl/certs/ca-certificates.crt"
    ca_env=(--change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt')
  fi
  chroot "$root" sh -c 'groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node'
  rm -rf "$root/var/cache/apt/archives/"*.deb "$root/var/lib/apt/lists/"*
  tar -C "$root" -c . | docker import "${ca_env[@]}" --change 'CMD ["node"]' - "$base" >/dev/null || { say "could not import the stand-in base; built nothing"; exit 0; }
fi

# --network host: the daemon has no bridge; npm ci inside the build reaches the registry as CI does.
timeout 600 docker build --network host --build-arg "NODE_IMAGE=$base" -t triage:ci . >"$work/build.log" 2>&1
status=$?
if [ "$status" -eq 124 ]; then tail -20 "$work/build.log"; say "docker build did not finish within 600 s; not counted as built"; exit 0; fi
if [ "$status" -ne 0 ]; then tail -40 "$work/build.log"; say "docker build -t triage:ci . FAILED $base_note"; exit 1; fi

# Run it once: the image's own HEALTHCHECK must report healthy and an event must be accepted.
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
token=$(node -e 'console.log(require("crypto").randomBytes(24).toString("hex"))')
cid=$(docker run -d --network host -e HOST=127.0.0.1 -e PORT="$port" -e INGEST_TOKEN="$token" triage:ci) \
  || { say "built triage:ci $base_note, but it did not start"; exit 1; }
health=""
for _ in $(seq 1 60); do
  health=$(docker inspect -f '{{.State.Health.Status}}' "$cid" 2>/dev/null)
  [ "$health" = healthy ] && break
  sleep 1
done
accepted=$(PORT="$port" TOKEN="$token" timeout 10 node -e '
  fetch(`http://127.0.0.1:${process.env.PORT}/v1/events`, {
    method: "POST",
    headers: { authorization: `Bearer ${process.env.TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ events: [{ id: "ci-1", type: "runtime.heartbeat", source: "ci", occurredAt: "2026-05-03T14:30:00Z", attributes: { runtime: "r", intervalSeconds: 30 } }] }),
  }).then((r) => console.log(r.status), () => console.log("no answer"))')
user=$(docker exec "$cid" id -un 2>/dev/null)
logs=$(docker logs "$cid" 2>&1 | tail -20)
timeout 15 docker stop "$cid" >/dev/null 2>&1
docker rm -f "$cid" >/dev/null 2>&1
if [ "$health" != healthy ] || [ "$accepted" != 202 ] || [ "$user" != node ]; then
  echo "$logs"
  say "built triage:ci $base_note, but the container was not right (health: ${health:-none}, POST /v1/events: $accepted, user: ${user:-?})"
  exit 1
fi
say "built triage:ci $base_note; the container ran as $user, reported healthy on /readyz and accepted an event (202)"
exit 0
