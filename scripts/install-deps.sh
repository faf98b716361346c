#!/usr/bin/env bash
# Installs the Debian packages Mailmark needs to build, run and test.
# Quick when everything is present: it only calls apt-get for what is missing.
set -euo pipefail

packages=(
  # build
  cmake ninja-build g++ pkg-config make clang-format
  # libraries
  libboost1.81-dev libcpp-httplib-dev nlohmann-json3-dev libsqlite3-dev libgmime-3.0-dev
  libcli11-dev libtomlplusplus-dev libspdlog-dev libfmt-dev libsodium-dev
  libssl-dev libetpan-dev libidn2-dev libhowardhinnant-date-dev tzdata
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev python3 curl openssl
  # `make fuzz`: clang with libFuzzer and the sanitizer runtimes
  clang libclang-rt-14-dev
  # real mail servers the tests start on 127.0.0.1 (smtp-sink, smtp-source, aiosmtpd)
  postfix python3-aiosmtpd dovecot-core dovecot-imapd
  # browser tests of the web UI (tests/ui-e2e): headless Chromium and fonts for readable screenshots
  chromium fonts-dejavu-core fonts-liberation
)

# The web UI builds with Node.js >= 20.19 and npm (Vite 7). Debian 12's own nodejs is 18, so a
# newer one already on the machine is kept; without any, Debian's is installed and the build
# says what is missing.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
fi

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
# Postfix must install without configuring a system mail server: the tests run private
# instances with their own configuration, and nothing here touches /etc/postfix.
echo "postfix postfix/main_mailer_type select No configuration" | $sudo debconf-set-selections
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
node_version=$(node --version 2>/dev/null || echo none)
case "$node_version" in
  v2[0-9].* | v[3-9][0-9].*) ;;
  *) echo "warning: the web UI needs Node.js >= 20.19 (found ${node_version})" >&2 ;;
esac
