#!/usr/bin/env bash
# Stops the replica test/helpers/start-replica.sh started in DIR and deletes DIR. Safe to call when it
# never started (or DIR is gone).
#
#   test/helpers/stop-replica.sh DIR
set -uo pipefail

DIR="${1:?usage: stop-replica.sh DIR}"
BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"

if [ -f "$DIR/data/postmaster.pid" ]; then
  runuser -u postgres -- "$BIN/pg_ctl" -D "$DIR/data" -m fast -w -t 60 stop >/dev/null ||
    echo "stop-replica: pg_ctl stop failed for $DIR/data" >&2
fi
rm -rf -- "$DIR"
