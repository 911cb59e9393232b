#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 on a free loopback port and prints its URL on stdout.
# Usage: eval "$(scripts/throwaway-postgres.sh)"   → sets PG_URL, PG_DIR; stop with pg_stop.
# Fsync stays on unless PG_FSYNC=off: the intake benchmark needs production-like durability.
set -euo pipefail
PGBIN=/usr/lib/postgresql/15/bin
if [ ! -x "$PGBIN/initdb" ]; then
  echo "installing postgresql-15 from Debian's packages" >&2
  apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends postgresql-15 >&2
fi
dir=$(mktemp -d /tmp/triage-pg.XXXXXX)
chown postgres "$dir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
runuser -u postgres -- "$PGBIN/initdb" -D "$dir/data" -A trust --no-sync -U postgres >/dev/null
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$dir/data" -w -l "$dir/log" start \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=${PG_FSYNC:-on} -c max_connections=200" >/dev/null
runuser -u postgres -- "$PGBIN/createdb" -h 127.0.0.1 -p "$port" -U postgres triage
echo "PG_URL=postgres://postgres@127.0.0.1:$port/triage; PG_DIR=$dir; pg_stop() { cd / && runuser -u postgres -- $PGBIN/pg_ctl -D $dir/data -w -m fast stop >/dev/null; rm -rf $dir; }"
