#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Run every libFuzzer target for SECONDS each, seeded from the generator.
#   tests/fuzz/run.sh FUZZ_BUILD_DIR [SECONDS]
# Long runs: tests/fuzz/run.sh build-fuzz 14400   (four hours each; the corpus
# under FUZZ_BUILD_DIR/corpus grows across runs, crashes land in .../crashes).
set -euo pipefail
build=$(realpath "$1")
secs=${2:-20}
work=$build/fuzzwork
mkdir -p "$work/crashes"
if [ ! -d "$work/corpus/quic" ]; then
    "$build/tests/tc_gen" "$work/seed.pcap" "$work/seed.truth" --seed 5 --sessions 600 --bulk 1 --encap 40
    "$build/tests/fuzz/fuzz_seed" "$work/seed.pcap" "$work/corpus"
fi
fail=0
# Regression inputs kept with the sources (tests/fuzz/corpus/TARGET), read
# as a second corpus: new finds go to the first.
kept=$(cd "$(dirname "$0")" && pwd)/corpus
for t in l2l4 tls http dns dnsans quic; do
    extra=()
    [ -d "$kept/$t" ] && extra=("$kept/$t")
    if "$build/tests/fuzz/fuzz_$t" -max_total_time="$secs" -timeout=5 -rss_limit_mb=2048 \
        -artifact_prefix="$work/crashes/$t-" -print_final_stats=1 "$work/corpus/$t" "${extra[@]}" \
        > "$work/$t.log" 2>&1; then
        echo "fuzz $t: $(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/$t.log" | awk '{print $2}') inputs, no failure"
    else
        echo "fuzz $t: FAILED, see $work/$t.log and $work/crashes"; tail -20 "$work/$t.log"; fail=1
    fi
done
exit $fail
