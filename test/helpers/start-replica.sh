#!/usr/bin/env bash
# Starts a streaming replica (hot standby) of the PostgreSQL on 127.0.0.1:5432 as a second cluster on
# 127.0.0.1:PORT, for the read-replica tests (test/read-replica.test.ts: TEST_REPLICA_URL).
#
#   test/helpers/start-replica.sh DIR [PORT]   # PORT defaults to 5433
#   test/helpers/stop-replica.sh DIR           # stops it and deletes DIR
#
# DIR must be new or empty; it ends up holding data/ (pg_basebackup -R -X stream of the primary),
# sock/ (the replica's own unix socket directory) and log. Everything runs as the postgres OS user.
# The primary must accept physical replication connections from 127.0.0.1 (pg_hba.conf:
# `host replication postgres 127.0.0.1/32 trust`); without it this script stops and says so.
set -euo pipefail

DIR="${1:?usage: start-replica.sh DIR [PORT]}"
PORT="${2:-5433}"
PRIMARY_PORT=5432
BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"

as_pg() { runuser -u postgres -- "$@"; }
fail() { echo "start-replica: $*" >&2; exit 1; }

pg_isready -h 127.0.0.1 -p "$PRIMARY_PORT" -q || fail "the primary on 127.0.0.1:$PRIMARY_PORT is not accepting connections"
if pg_isready -h 127.0.0.1 -p "$PORT" -q; then fail "something already answers on 127.0.0.1:$PORT (a replica left running? test/helpers/stop-replica.sh DIR)"; fi

# Physical replication must be allowed from 127.0.0.1 without a password: probe it for real.
# (Retried a few seconds: a pg_hba.conf line just added is live once the server has reloaded.)
probe_replication() { psql "host=127.0.0.1 port=$PRIMARY_PORT user=postgres replication=true" -Atc IDENTIFY_SYSTEM 2>&1; }
for _ in 1 2 3 4 5; do probe=$(probe_replication) && break; sleep 1; done
if ! probe=$(probe_replication); then
  hba=$(psql -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -Atc 'show hba_file' 2>/dev/null || echo pg_hba.conf)
  fail "the primary refuses replication connections from 127.0.0.1 ($probe).
Add this line to $hba, then reload (psql -h 127.0.0.1 -U postgres -c 'select pg_reload_conf()'):
  host replication postgres 127.0.0.1/32 trust"
fi

mkdir -p "$DIR"
[ -z "$(ls -A "$DIR")" ] || fail "$DIR is not empty"
chown postgres: "$DIR"
chmod 700 "$DIR"
as_pg mkdir -m 700 "$DIR/sock"

# -R writes standby.signal and primary_conninfo; -X stream copies the WAL written during the backup.
as_pg "$BIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$DIR/data" -R -X stream -c fast

# Debian keeps the configuration outside the data directory, so the copy has none: give it its own.
# A hot standby needs these limits at least as high as the primary's.
setting() { psql -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -Atc "show $1"; }
as_pg tee "$DIR/data/postgresql.conf" >/dev/null <<EOF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$DIR/sock'
hot_standby = on
hot_standby_feedback = on
shared_buffers = 32MB
max_connections = $(setting max_connections)
max_worker_processes = $(setting max_worker_processes)
max_wal_senders = $(setting max_wal_senders)
max_prepared_transactions = $(setting max_prepared_transactions)
max_locks_per_transaction = $(setting max_locks_per_transaction)
fsync = off
logging_collector = off
EOF
as_pg tee "$DIR/data/pg_hba.conf" >/dev/null <<EOF
local all all trust
host all all 127.0.0.1/32 trust
EOF
as_pg touch "$DIR/data/pg_ident.conf"

as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w -t 60 start >/dev/null ||
  fail "the replica did not start; its log: $(tail -n 20 "$DIR/log" 2>/dev/null)"
for _ in $(seq 1 60); do
  if pg_isready -h 127.0.0.1 -p "$PORT" -q &&
    [ "$(psql -h 127.0.0.1 -p "$PORT" -U postgres -Atc 'select pg_is_in_recovery()' 2>/dev/null)" = t ]; then
    echo "start-replica: hot standby of 127.0.0.1:$PRIMARY_PORT on 127.0.0.1:$PORT (data in $DIR/data)"
    exit 0
  fi
  sleep 1
done
fail "the replica on 127.0.0.1:$PORT did not accept connections within 60 s; its log: $(tail -n 20 "$DIR/log")"
