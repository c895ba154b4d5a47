#!/usr/bin/env bash
# make demo: first run creates ./data/shegong.db with the real region tree
# and prints the admin's one-time password; later runs keep the data.
set -euo pipefail
bin=$1 db=$2 regions=$3 bind=$4 port=$5

if [ ! -f "$db" ]; then
  "$bin" --db "$db" init
  "$bin" --db "$db" regions load "$regions"
else
  "$bin" --db "$db" init >/dev/null
  echo "using the existing database $db (delete it to start over)"
fi
echo
echo "shegong is starting at http://$bind:$port/  (Ctrl-C stops it; data is kept in $db)"
exec "$bin" --db "$db" serve --bind "$bind" --port "$port" --access-log "$(dirname "$db")/access.log"
