#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Benchmark (not a test): one worker core on a tap-mix pcap replayed by
# net_pcap with infinite_rx, against dpdk-testpmd rxonly on the same file and
# core in the same run.  Prints Mpps per worker core, the ratio to testpmd,
# the worker's cycles per packet outside rx_burst, and resident memory.
#   tests/bench.sh BUILD_DIR [SECONDS]
set -euo pipefail
build=$(realpath "$1")
secs=${2:-10}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$build/bench
mkdir -p "$work"

# About 95% bulk payload of long flows, a few percent handshakes and DNS;
# frames average about 900 bytes.
if [ ! -f "$work/tapmix.pcap" ]; then
    "$build/tests/tc_gen" "$work/tapmix.pcap" "$work/tapmix.truth" --seed 3 --sessions 700 --bulk 150
fi
pkts=$(awk '$1=="packets"{print $2}' "$work/tapmix.truth")
bytes=$(( $(stat -c %s "$work/tapmix.pcap") - 24 - 16 * pkts ))
mbufs=$(( pkts * 2 + 8192 ))
echo "bench: tap mix $pkts packets, $(( bytes / pkts )) bytes per frame on average"

# The ceiling: testpmd receiving and freeing, nothing else.
tp_log=$work/testpmd.log
timeout -s INT $(( secs + 15 )) dpdk-testpmd -l 0,1 --no-huge -m 2048 --no-pci \
    --file-prefix benchtp$$ --no-telemetry --log-level '*:error' \
    --vdev "net_pcap0,rx_pcap=$work/tapmix.pcap,infinite_rx=1" -- \
    --forward-mode=rxonly --nb-cores=1 --rxq=1 --txq=1 --total-num-mbufs=$mbufs \
    --stats-period 1 < /dev/null > "$tp_log" 2>&1 &
tp=$!
sleep $(( secs + 5 ))
kill -INT $tp 2>/dev/null || true
wait $tp 2>/dev/null || true
# Rx-pps of every stats period after the warm-up; the median.
tp_pps=$(grep -o 'Rx-pps: *[0-9]*' "$tp_log" | awk '{print $2}' | awk '$1>0' | tail -n +3 | sort -n \
         | awk '{v[NR]=$1} END{if (NR) print v[int((NR+1)/2)]; else print 0}')
[ "$tp_pps" -gt 0 ] || { echo "bench: testpmd gave no rate; see $tp_log"; exit 1; }

sed -e "s|^organisations:.*|organisations: $root/config/orgs.csv|" \
    -e "s|\"-m\", \"1024\"|\"-m\", \"2048\"|" \
    -e "s|--file-prefix\", \"tapcensus\"|--file-prefix\", \"benchtc$$\"|" \
    -e "s|^  mbufs:.*|  mbufs: $mbufs|" \
    "$root/config/tapcensus.yaml" > "$work/bench.yaml"
"$build/control/tapcensus" -c "$work/bench.yaml" --pcap "$work/tapmix.pcap" --infinite \
    -d "$secs" --no-summary > "$work/tapcensus.log"
cat "$work/tapcensus.log"
tc_mpps=$(awk '/^worker 0:/{for(i=1;i<=NF;i++) if ($(i+1)=="Mpps,") print $i}' "$work/tapcensus.log")
awk -v tc="$tc_mpps" -v tp="$tp_pps" 'BEGIN{
    printf "testpmd rxonly ceiling (net_pcap copy, same core): %.3f Mpps\n", tp/1e6;
    printf "tapcensus: %.3f Mpps per worker core = %.2f of the ceiling\n", tc, tc*1e6/tp }'

# Memory and per-packet cost with a million concurrent flows in one worker.
"$build/tests/bench_flows" 1048576
