#!/usr/bin/env bash
# Installs the Debian packages shegong needs to build, test and benchmark,
# only those missing, so that a fresh Debian 12 machine needs nothing else.
# Usage: scripts/install-deps.sh [build|test|bench]   (default: build)
set -euo pipefail

build_pkgs=(build-essential cmake pkg-config git
  libh2o-evloop-dev libssl-dev libsqlite3-dev sqlite3 libjansson-dev
  libsodium-dev liboath-dev libqrencode-dev libcsv-dev libcmocka-dev
  libopencc-dev libopencc-data libcairo2-dev libpango1.0-dev fonts-noto-cjk
  libxlsxwriter-dev libzip-dev libexpat1-dev
  nodejs npm)
test_pkgs=(chromium fonts-noto-cjk curl poppler-utils zbar-tools)
bench_pkgs=(wrk nginx-light hyperfine time sqlite3)

want=("${build_pkgs[@]}")
case "${1:-build}" in
  test) want+=("${test_pkgs[@]}") ;;
  bench) want+=("${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
esac

missing=()
for p in "${want[@]}"; do
  # nodejs/npm may come from elsewhere (e.g. a preinstalled Node): accept the command
  case "$p" in
    nodejs) command -v node >/dev/null && continue ;;
    npm) command -v npm >/dev/null && continue ;;
  esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
    || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing missing packages: ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
  echo "shegong: run as root (or install these with sudo apt-get install): ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
