#!/usr/bin/env bash
# make demo: first run creates ./data/shegong.db with the real region tree
# and the demo city, Qingyuan (清远市, 4418), loaded through the import path
# from files made by the synthetic data generator (tools/gen_data.c), and
# prints the admin's one-time password; later runs keep the data.
#
# The demo city's people are synthetic: the setting demo_data = 1 makes the
# UI show a banner saying so.
set -euo pipefail
bin=$1 db=$2 regions=$3 bind=$4 port=$5
gen=$(dirname "$bin")/shegong-gen-data

# Generate the Qingyuan files and import them, each kind in strict mode (a
# bad row would leave that kind empty rather than half-loaded). A kind the
# binary cannot import yet is skipped with a message.
load_demo_city() {
  local dir kind out imported=0 skipped=()
  dir="$(dirname "$db")/demo-qingyuan"
  if [ ! -x "$gen" ]; then
    cmake --build "$(dirname "$bin")" --target shegong-gen-data >/dev/null
  fi
  "$gen" --shape qingyuan --seed 2019 --regions-dir "$regions" --out "$dir" 2>/dev/null
  echo "demo city: 清远市 (4418), synthetic people shaped like the published 2019 figures ($dir)"
  for kind in population orgs workers stations posts employment; do
    if out=$("$bin" --db "$db" import "$kind" "$dir/$kind.csv" --mode strict 2>&1); then
      echo "  imported $kind: $(tail -n 1 <<<"$out")"
      imported=$((imported + 1))
    elif grep -qiE "unknown (import )?(command|kind)|not (a )?(known|supported)|usage: shegong \[--db" <<<"$out"; then
      skipped+=("$kind")
    else
      echo "  import of $kind FAILED: $(tail -n 3 <<<"$out")" >&2
    fi
  done
  if [ ${#skipped[@]} -gt 0 ]; then
    echo "  skipped (this build has no importer for them yet): ${skipped[*]}"
  fi
  if [ "$imported" -gt 0 ]; then
    "$bin" --db "$db" settings set demo_data 1 >/dev/null
  fi
}

login=""
if [ ! -f "$db" ]; then
  init_out=$("$bin" --db "$db" init)
  echo "$init_out"
  "$bin" --db "$db" regions load "$regions"
  login=$(grep -o 'login admin, one-time password [^ ]*' <<<"$init_out" || true)
  load_demo_city
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
