#!/usr/bin/env bash
# `make bench`: the benchmarks, each with a baseline measured in the same run.
# Not part of `make test`: figures depend on the machine; see docs/benchmarks.md.
set -euo pipefail
build_dir=${1:-build}
contacts=${MAILMARK_BENCH_CONTACTS:-100000}
echo "== outbox path: CSV import + three-email sequence, ${contacts} contacts =="
"./${build_dir}/mailmark" bench --contacts "${contacts}"
