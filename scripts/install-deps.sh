#!/usr/bin/env bash
# Installs the Debian packages Mailmark needs to build, run and test.
# Quick when everything is present: it only calls apt-get for what is missing.
set -euo pipefail

packages=(
  # build
  cmake ninja-build g++ pkg-config make
  # libraries
  libcpp-httplib-dev nlohmann-json3-dev libsqlite3-dev libgmime-3.0-dev
  libcli11-dev libtomlplusplus-dev libspdlog-dev libfmt-dev libsodium-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev python3 curl
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = "installed" ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "Installing missing packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
