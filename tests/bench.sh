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

# The organisation table at national and world scale (issue figures before:
# rte_lpm, 1.15 M rows of the world in 112.5 s, 3.70 GB).  The world from
# Debian's location database, then a synthetic 1.2 M-row CSV (1 M IPv4,
# 200,000 IPv6, 100,000 organisations): load, tables, resident.
orgbench() { # NAME ORGANISATIONS_YAML_BLOCK
    local name=$1 block=$2
    sed -e "s|^organisations:.*|$block|" -e "s|\"-m\", \"1024\"|\"-m\", \"3072\"|" \
        -e "s|--file-prefix\", \"tapcensus\"|--file-prefix\", \"benchorg$$\"|" \
        -e "s|include: vendors/|include: $root/config/vendors/|" \
        "$root/config/tapcensus.yaml" > "$work/org-$name.yaml"
    printf '8.8.8.8\n2001:db8::1\n' > "$work/org-addrs.txt"
    /usr/bin/time -f "bench: $name: process peak resident %M KiB, %e s to exit" \
        "$build/control/tapcensus" -c "$work/org-$name.yaml" --lookup "$work/org-addrs.txt" \
        2>&1 >/dev/null | grep -E "organisations:|bench:" | sed "s|^tapcensus: |bench: $name: |"
}
if [ -r /usr/share/libloc-location/location.db ]; then
    orgbench world 'organisations:\n  sources:\n    - libloc: /usr/share/libloc-location/location.db'
fi
if [ ! -f "$work/synthetic-1.2M.csv" ]; then
    /usr/bin/python3 - "$work/synthetic-1.2M.csv" <<'PY'
import random, sys
r = random.Random(7); seen = set(); out = open(sys.argv[1], "w")
out.write("prefix,org_id,name,country,sector,government\n")
cc = "US DE GB FR NL JP BR IN PL CA".split(); sec = "telecom finance government education health technology".split()
def org(i): return 'org%d,"Organisation %d",%s,%s,%s' % (i, i, cc[i % 10], sec[i % 6], "true" if i % 97 == 0 else "false")
n = 0
while n < 1000000:
    l = r.choice([24] * 8 + [16, 20, 22, 23, 25, 26, 28]); a = (r.randrange(1 << 24) << 8) & ~((1 << (32 - l)) - 1) & 0xffffffff
    if (4, a, l) in seen: continue
    seen.add((4, a, l)); n += 1
    out.write("%d.%d.%d.%d/%d,%s\n" % (a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255, l, org(r.randrange(100000))))
n = 0
while n < 200000:
    l = r.choice([32, 48, 48, 48, 40, 44, 36, 29])
    v = (r.choice([0x2001, 0x2a00, 0x2400, 0x2600, 0x2800, 0x2c00]) << 112) | (r.randrange(1 << 32) << 80)
    v &= ~((1 << (128 - l)) - 1)
    if (6, v, l) in seen: continue
    seen.add((6, v, l)); n += 1; h = "%032x" % v
    out.write("%s/%d,%s\n" % (":".join(h[i:i + 4] for i in range(0, 32, 4)), l, org(r.randrange(100000))))
PY
fi
orgbench synthetic "organisations: $work/synthetic-1.2M.csv"

# /metrics at 20,000 active organisations of 100,000 (render time, size).
"$build/tests/bench_metrics" 100000 20000

# The longest pause of a worker between bursts while the world's table is
# reloaded three times (live mode: net_pcap infinite_rx as a port, so no
# replay's back-pressure), and the worker's involuntary context switches.
if [ -r /usr/share/libloc-location/location.db ]; then
    sed -e "s|^organisations:.*|organisations:\n  sources:\n    - libloc: /usr/share/libloc-location/location.db|" \
        -e "s|\"-m\", \"1024\"|\"-m\", \"3072\"|" \
        -e "s|--file-prefix\", \"tapcensus\"|--file-prefix\", \"benchgap$$\"|" \
        -e "s|rx_iface=eth0|rx_pcap=$work/tapmix.pcap,infinite_rx=1|" \
        -e "s|^  mbufs:.*|  mbufs: $mbufs|" -e "s|^  port:.*|  port: 0|" \
        -e "s|include: vendors/|include: $root/config/vendors/|" \
        "$root/config/tapcensus.yaml" > "$work/gap.yaml"
    "$build/control/tapcensus" -c "$work/gap.yaml" -d 60 --no-summary > /dev/null 2> "$work/gap.log" &
    gp=$!
    port=""
    for _ in $(seq 300); do
        sleep 0.1
        port=$(sed -n 's|.*metrics on http://[^:]*:\([0-9]*\)/metrics.*|\1|p' "$work/gap.log")
        [ -n "$port" ] && break
    done
    if [ -n "$port" ]; then
        sleep 5
        gap() { curl -s "http://127.0.0.1:$port/metrics" | awk '/^tapcensus_worker_burst_gap_max_seconds\{/{print $2*1000}'; }
        wtask=$(grep -l rte-worker /proc/$gp/task/*/comm | head -1 | xargs dirname)
        sw() { awk '/nonvoluntary/{print $2}' "$wtask/status"; }
        echo "bench: worker's longest gap between bursts, 5 s before any reload: $(gap) ms"
        for k in 1 2 3; do
            s0=$(sw)
            msg=$(curl -s -X POST "http://127.0.0.1:$port/-/reload")
            sleep 2
            echo "bench: world reload $k ($msg): longest gap since it began $(gap) ms," \
                 "$(( $(sw) - s0 )) involuntary switches of the worker"
        done
        grep -E "reloaded" "$work/gap.log" | sed 's/^tapcensus: /bench: /'
    fi
    kill -INT $gp 2>/dev/null || true
    wait $gp 2>/dev/null || true
fi
