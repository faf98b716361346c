#!/usr/bin/env bash
# `make fuzz`: builds the libFuzzer targets of tests/fuzz in their own folder (clang, ASan +
# UBSan on every library) and runs each in turn for FUZZ_SECONDS, starting from its committed
# seeds. New inputs go to <build>/fuzz/corpus/<target>, crashes to <build>/fuzz/artifacts/.
# A crash fails the run; copy its input into tests/fuzz/<target>/ with the fix, so that the
# replay tests of `make test` keep trying it.
#
#   FUZZ_SECONDS (60)   per target          FUZZ_TARGETS  "csv render" runs only those
#   FUZZ_NICE (10)      niceness of a run   FUZZ_FLAGS    more libFuzzer flags (-jobs=2, -max_len=…)
#   JOBS (nproc)        build parallelism
set -euo pipefail

build=${1:-build-fuzz}
seconds=${FUZZ_SECONDS:-60}
jobs=${JOBS:-$(nproc)}
cxx=${FUZZ_CXX:-clang++}

cmake -S . -B "$build" -G Ninja -DMAILMARK_FUZZ=ON -DMAILMARK_WERROR=OFF \
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" >/dev/null
cmake --build "$build" --target fuzz_targets -j "$jobs"

status=0
summary=()
for seeds in "$build"/fuzz/*.seeds; do
  name=$(basename "$seeds" .seeds)
  if [[ -n "${FUZZ_TARGETS:-}" && " $FUZZ_TARGETS " != *" $name "* ]]; then continue; fi
  work="$build/fuzz/corpus/$name"
  artifacts="$build/fuzz/artifacts/$name"
  log="$build/fuzz/$name.log"
  mkdir -p "$work" "$artifacts"
  mapfile -t dirs <"$seeds"
  echo "== $name: ${seconds}s"
  rc=0
  # shellcheck disable=SC2086
  nice -n "${FUZZ_NICE:-10}" "$build/fuzz/${name}_fuzz" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/" ${FUZZ_FLAGS:-} \
    "$work" "${dirs[@]}" >"$log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)
  corpus=$(find "$work" -type f | wc -l)
  if [[ $rc -ne 0 ]]; then
    status=1
    summary+=("$name: FAILED (exit $rc) after ${execs:-?} executions, see $log and $artifacts")
  else
    summary+=("$name: ${execs:-?} executions, ${cov:-cov: ?}, corpus $corpus, no crash")
  fi
done
printf '%s\n' "${summary[@]}"
exit $status
