#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Benchmark (not a test): one worker, then two, on a tap-mix pcap replayed by
# net_pcap with infinite_rx, against dpdk-testpmd rxonly on the same files and
# lcores in the same run.  Prints Mpps per worker core, the ratio to testpmd,
# the worker's cycles per packet outside rx_burst, and resident memory.
#   tests/bench.sh BUILD_DIR [SECONDS]
set -euo pipefail
build=$(realpath "$1")
secs=${2:-10}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$build/bench
mkdir -p "$work"

# About 95% bulk payload of long flows, a few percent handshakes and DNS;
# frames average about 800 bytes.  Also split in two as a symmetric RSS key
# would split it, for two workers.
if [ ! -f "$work/tapmix.pcap.q1" ]; then
    "$build/tests/tc_gen" "$work/tapmix.pcap" "$work/tapmix.truth" --seed 3 --sessions 700 \
        --bulk 150 --queues 2
fi
pkts=$(awk '$1=="packets"{print $2}' "$work/tapmix.truth")
bytes=$(( $(stat -c %s "$work/tapmix.pcap") - 24 - 16 * pkts ))
mbufs=$(( pkts * 2 + 16384 ))
echo "bench: tap mix $pkts packets, $(( bytes / pkts )) bytes per frame on average"
# Lcores on this machine's CPUs: the main lcore shares CPU 0 with the second
# worker (it sleeps between its once-a-second merges); worker 1 has CPU 1.
lcores=("0@0,1@1" "0@0,1@1,2@0")
workers=("1@1" "1@1, 2@0")

# run NWORKERS: testpmd rxonly (the ceiling: receive and free, nothing else)
# then tapcensus, on the same files and lcores, one RX queue per worker.
run() {
    local nw=$1 files=() vdev="" tp_log=$work/testpmd$1.log tp tp_pps tc_sum
    if [ "$nw" = 1 ]; then files=("$work/tapmix.pcap")
    else files=("$work/tapmix.pcap.q0" "$work/tapmix.pcap.q1"); fi
    for f in "${files[@]}"; do vdev+="rx_pcap=$f,"; done
    timeout -s INT $(( secs + 15 )) dpdk-testpmd --lcores "${lcores[nw-1]}" --main-lcore 0 \
        --no-huge -m 2048 --no-pci --file-prefix benchtp$$ --no-telemetry --log-level '*:error' \
        --vdev "net_pcap0,${vdev}infinite_rx=1" -- \
        --forward-mode=rxonly --nb-cores="$nw" --rxq="$nw" --txq="$nw" --total-num-mbufs=$mbufs \
        --stats-period 1 < /dev/null > "$tp_log" 2>&1 &
    tp=$!
    sleep $(( secs + 5 ))
    kill -INT $tp 2>/dev/null || true
    wait $tp 2>/dev/null || true
    # Rx-pps of every stats period after the warm-up; the median.
    tp_pps=$(grep -o 'Rx-pps: *[0-9]*' "$tp_log" | awk '{print $2}' | awk '$1>0' | tail -n +3 \
             | sort -n | awk '{v[NR]=$1} END{if (NR) print v[int((NR+1)/2)]; else print 0}')
    [ "$tp_pps" -gt 0 ] || { echo "bench: testpmd gave no rate; see $tp_log"; exit 1; }

    sed -e "s|^organisations:.*|organisations: $root/config/orgs.csv|" \
        -e "s|\"-m\", \"1024\"|\"-m\", \"2048\"|" \
        -e "s|--file-prefix\", \"tapcensus\"|--file-prefix\", \"benchtc$$\"|" \
        -e "s|^  mbufs:.*|  mbufs: $mbufs|" \
        -e "s|^  main_core:.*|  main_core: 0@0|" \
        -e "s|^  workers:.*|  workers: [${workers[nw-1]}]|" \
        -e "s|^      rx_queues: 1|      rx_queues: $nw|" \
        -e "s|include: vendors/|include: $root/config/vendors/|" \
        "$root/config/tapcensus.yaml" > "$work/bench$nw.yaml"
    local pargs=()
    for f in "${files[@]}"; do pargs+=(--pcap "$f"); done
    "$build/control/tapcensus" -c "$work/bench$nw.yaml" "${pargs[@]}" --infinite \
        -d "$secs" --no-summary > "$work/tapcensus$nw.log"
    echo "== $nw worker(s)"
    cat "$work/tapcensus$nw.log"
    tc_sum=$(awk '/^worker [0-9]+:/{for(i=1;i<=NF;i++) if ($(i+1)=="Mpps,") s+=$i} END{print s}' \
             "$work/tapcensus$nw.log")
    awk -v tc="$tc_sum" -v tp="$tp_pps" -v nw="$nw" 'BEGIN{
        printf "testpmd rxonly ceiling (net_pcap copy, same lcores): %.3f Mpps\n", tp/1e6;
        printf "tapcensus: %.3f Mpps in all, %.3f per worker core = %.2f of the ceiling\n",
               tc, tc/nw, tc*1e6/tp }'
}
run 1
run 2

# Memory and per-packet cost with a million concurrent flows in one worker.
"$build/tests/bench_flows" 1048576
# The XDP prefilter: ns per packet by outcome, and what it drops of the tap mix.
"$build/tests/bench_pf" "$work/tapmix.pcap"
