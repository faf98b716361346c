#!/usr/bin/env bash
# `make bench`: the benchmarks, each next to a baseline measured in the same run.
# Not part of `make test`: figures depend on the machine; see docs/benchmarks.md.
set -euo pipefail
build_dir=${1:-build}
contacts=${MAILMARK_BENCH_CONTACTS:-100000}
mailmark="./${build_dir}/mailmark"

echo "== 1. outbox: CSV import + three-email sequence, ${contacts} contacts =="
"$mailmark" bench --contacts "$contacts"
echo

echo "== 2. SMTP: the same run delivered to Postfix's smtp-sink on 127.0.0.1 =="
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sink_user=()
[ "$(id -u)" -eq 0 ] && sink_user=(-u nobody)
/usr/sbin/smtp-sink "${sink_user[@]}" -m 1000 "127.0.0.1:${port}" 1024 &
sink=$!
trap 'kill "$sink" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/${port}") 2>/dev/null && break
  sleep 0.05
done
out=$(mktemp)
"$mailmark" bench --contacts "$contacts" --smtp "127.0.0.1:${port}" | tee "$out"
rate=$(awk '/emails\/s:/ {print $2}' "$out")
rm -f "$out"

# The ceiling: Postfix's own load generator against the same sink, reused connections,
# 20 sessions, messages of the size Mailmark sends (about 960 bytes).
messages=$((3 * contacts))
start=$(date +%s.%N)
/usr/sbin/smtp-source -d -s 20 -l 960 -m "$messages" "127.0.0.1:${port}"
end=$(date +%s.%N)
/usr/bin/python3 - "$rate" "$messages" "$start" "$end" <<'PY'
import sys
rate, messages, start, end = float(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
ceiling = messages / (end - start)
print(f"  smtp-source -d -s 20:   {ceiling:.0f} emails/s (the ceiling, same sink, same run)")
print(f"  ratio:                  {rate / ceiling:.2f} of the ceiling")
PY
