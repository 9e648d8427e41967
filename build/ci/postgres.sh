#!/usr/bin/env bash
# A private PostgreSQL server on loopback for the trial-storage tests.
#   build/ci/postgres.sh start   initdb + start on 127.0.0.1 (a free port) + create database mlext_tests;
#                                prints the Npgsql connection string on stdout (everything else goes to stderr)
#   build/ci/postgres.sh stop    stop the server and delete its folder
# Usage in a script:  MLEXT_POSTGRES=$(build/ci/postgres.sh start) && export MLEXT_POSTGRES; trap 'build/ci/postgres.sh stop' EXIT
# Installs Debian's postgresql package when no PostgreSQL binaries are found. The server trusts local connections
# only (it listens on 127.0.0.1 and a socket in its own folder) and lives in $MLEXT_PG_DIR (default /tmp/mlext-postgres-ci).
set -euo pipefail
dir=${MLEXT_PG_DIR:-/tmp/mlext-postgres-ci}
log() { echo "postgres.sh: $*" >&2; }

find_bin() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

# Runs a command as the server's owner: initdb and postgres refuse to run as root.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

stop() {
  local bin
  if [ -f "$dir/data/postmaster.pid" ] && bin=$(find_bin); then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >&2 || true
  fi
  rm -rf "$dir"
}

start() {
  local bin port
  if ! bin=$(find_bin); then
    log "no PostgreSQL binaries: installing Debian's postgresql package"
    if [ "$(id -u)" -ne 0 ]; then log "need root to install postgresql"; exit 1; fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
    bin=$(find_bin) || { log "postgresql installed but initdb not found"; exit 1; }
  fi
  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir "$dir" --shell /usr/sbin/nologin postgres
  fi
  stop
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
  chmod 700 "$dir"
  as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --no-instructions >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  for port in $(seq 55432 55532); do
    (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue   # in use
    if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
         -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off -c max_connections=100" start >&2; then
      as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres mlext_tests >&2
      log "server on 127.0.0.1:$port (folder $dir)"
      echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=mlext_tests"
      return 0
    fi
    tail -n 5 "$dir/server.log" >&2 || true
  done
  log "no free port in 55432-55532"
  exit 1
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
