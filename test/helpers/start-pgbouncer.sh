#!/usr/bin/env bash
# Starts Debian's PgBouncer (1.18) in transaction pooling mode in front of the local PostgreSQL, for
# the multi-node tests (test/helpers/multi-node-env.ts). Usage:
#   test/helpers/start-pgbouncer.sh [port]      (default 6432; prints the temp dir holding pid and log)
# Stop it with: kill "$(cat <dir>/pgbouncer.pid)".
#
# - listen 127.0.0.1:<port>, `* = host=127.0.0.1 port=5432`: any database name goes to the same one
#   on the server (the tests create throwaway databases).
# - auth_type = trust: the server trusts 127.0.0.1 and PgBouncer forwards the user name; no
#   password anywhere.
# - pool_mode = transaction: a server connection is lent per transaction, so session state (session
#   advisory locks, LISTEN, SET, prepared statements) does not survive; the gateway sends those over
#   DATABASE_DIRECT_URL and runs with LOWROUTER_PG_PREPARE=false.
# - default_pool_size 40 per database/user pair, max_client_conn 400: several gateway processes with
#   10-connection pools plus the test's own connections.
# - no ignore_startup_parameters: postgres.js sends only user, database, client_encoding and
#   application_name, which PgBouncer knows. The gateway's one other startup parameter
#   (synchronous_commit on the async-commit pool) would be refused, so that pool uses the direct URL
#   (DATABASE_DIRECT_URL) rather than have PgBouncer drop the setting silently.
# PgBouncer refuses to run as root: when root, it is started as the postgres user (runuser), which
# also owns the temp dir with its log and pid file.
set -euo pipefail
PORT="${1:-6432}"
DIR="$(mktemp -d /tmp/pgbouncer.XXXXXX)"
cat >"$DIR/pgbouncer.ini" <<INI
[databases]
* = host=127.0.0.1 port=5432

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PORT
unix_socket_dir =
auth_type = trust
auth_file = $DIR/userlist.txt
pool_mode = transaction
default_pool_size = 40
max_client_conn = 400
logfile = $DIR/pgbouncer.log
pidfile = $DIR/pgbouncer.pid
admin_users = postgres
INI
echo '"postgres" ""' >"$DIR/userlist.txt"
if [ "$(id -u)" = 0 ]; then
  chown -R postgres "$DIR"
  runuser -u postgres -- /usr/sbin/pgbouncer -d "$DIR/pgbouncer.ini"
else
  /usr/sbin/pgbouncer -d "$DIR/pgbouncer.ini"
fi
for _ in $(seq 1 50); do
  pg_isready -h 127.0.0.1 -p "$PORT" -q && break
  sleep 0.1
done
pg_isready -h 127.0.0.1 -p "$PORT" -q || { cat "$DIR/pgbouncer.log" >&2; exit 1; }
echo "$DIR"
