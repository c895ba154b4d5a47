#!/usr/bin/env bash
# make demo: first run creates ./data/shegong.db with the real region tree
# and prints the admin's one-time password; later runs keep the data.
set -euo pipefail
bin=$1 db=$2 regions=$3 bind=$4 port=$5

login=""
if [ ! -f "$db" ]; then
  init_out=$("$bin" --db "$db" init)
  echo "$init_out"
  "$bin" --db "$db" regions load "$regions"
  login=$(grep -o 'login admin, one-time password [^ ]*' <<<"$init_out" || true)
else
  "$bin" --db "$db" init >/dev/null
  echo "using the existing database $db (delete it, and the .key beside it, to start over)"
fi
echo
echo "================================================================"
echo " shegong 社会工作人才信息平台: http://$bind:$port/"
[ -n "$login" ] && echo " first sign-in: ${login#login } (change it at first sign-in)"
echo " data is kept in $db; Ctrl-C stops the server"
echo "================================================================"
exec "$bin" --db "$db" serve --bind "$bind" --port "$port" --access-log "$(dirname "$db")/access.log"
