#!/usr/bin/env bash
# Runs every benchmark and prints one result line each; see bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(date -u +%F)"
bench/http_health.sh "${HEALTH_SECONDS:-10}" "${HEALTH_ROUNDS:-3}"
bench/regions_load.sh
bench/worker_search.sh
bench/import.sh
bench/dashboard.sh
bench/coverage.sh
