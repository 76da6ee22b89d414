#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server on 127.0.0.1 for the integration tests and prints its URL.
# Usage: scripts/start-test-postgres.sh [PORT]   (stop it with: pg_ctl -D "$PGDATA_DIR" stop)
set -euo pipefail
port="${1:-55432}"
bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
base="${EMBARGO_PG_DIR:-/tmp/embargo-pg-$port}"
run_as() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
# A server left from an earlier run on this directory would hold the port: stop it first.
if [ -f "$base/data/postmaster.pid" ]; then run_as "$bin/pg_ctl" -D "$base/data" stop -m immediate >/dev/null 2>&1 || true; fi
rm -rf "$base"
mkdir -p "$base/sock"
[ "$(id -u)" = 0 ] && chown -R postgres:postgres "$base"
run_as "$bin/initdb" -D "$base/data" -U postgres --auth=trust -E UTF8 >"$base/initdb.log" 2>&1
run_as "$bin/pg_ctl" -D "$base/data" -l "$base/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $base/sock -c max_connections=200 -c fsync=on" start >/dev/null
echo "postgres://postgres@127.0.0.1:$port/postgres"
