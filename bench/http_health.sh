#!/usr/bin/env bash
# Throughput of GET /api/v1/health against nginx serving the same reply
# (same body, same security headers) on the same machine, with wrk and 64
# connections. Rounds alternate between the two servers so that a noisy
# neighbour hurts both alike; the result is the ratio of the medians.
#
# usage: bench/http_health.sh [seconds-per-round] [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
rounds=${2:-3}
bin=${SHEGONG_BIN:-build/shegong}
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT

port_sg=18181 port_ng=18182
"$bin" --db "$tmp/b.db" init >/dev/null
"$bin" --db "$tmp/b.db" serve --port $port_sg --web "$tmp/none" 2>"$tmp/sg.log" &

body='{"status":"ok","service":"shegong","version":"0.1.0"}'
csp="default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
cat >"$tmp/nginx.conf" <<CONF
worker_processes 2;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  server_tokens off;
  client_body_temp_path $tmp;
  server {
    listen 127.0.0.1:$port_ng;
    location = /api/v1/health {
      default_type "application/json; charset=utf-8";
      add_header cache-control no-store always;
      add_header content-security-policy "$csp" always;
      add_header x-content-type-options nosniff always;
      add_header x-frame-options DENY always;
      add_header referrer-policy no-referrer always;
      add_header cross-origin-opener-policy same-origin always;
      add_header permissions-policy "camera=(), microphone=(), geolocation=()" always;
      return 200 '$body';
    }
  }
}
CONF
nginx -c "$tmp/nginx.conf" -g 'daemon off;' &
sleep 1
curl -sf "http://127.0.0.1:$port_sg/api/v1/health" >/dev/null
curl -sf "http://127.0.0.1:$port_ng/api/v1/health" >/dev/null

rps() { wrk -t2 -c64 -d"${secs}s" "http://127.0.0.1:$1/api/v1/health" | awk '/Requests\/sec/ {print $2}'; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

sg=() ng=()
for ((i = 1; i <= rounds; i++)); do
  sg+=("$(rps $port_sg)")
  ng+=("$(rps $port_ng)")
  echo "round $i: shegong ${sg[-1]} req/s, nginx ${ng[-1]} req/s" >&2
done
msg=$(printf '%s\n' "${sg[@]}" | median)
mng=$(printf '%s\n' "${ng[@]}" | median)
ratio=$(awk -v a="$msg" -v b="$mng" 'BEGIN {printf "%.2f", a / b}')
echo "health throughput: shegong $msg req/s, nginx $mng req/s, ratio $ratio (target >= 0.8)"
