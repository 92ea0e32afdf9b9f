#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Benchmark (not a test): one worker, then two, on a tap-mix pcap replayed by
# net_pcap with infinite_rx, against dpdk-testpmd rxonly on the same files and
# lcores in the same run.  Prints Mpps per worker core, the ratio to testpmd,
# the worker's cycles per packet outside rx_burst, and resident memory.
#   tests/bench.sh BUILD_DIR [SECONDS]
# Mixes: the tap mix (tc_gen), and backbone mixes of 35,000, 256,000 and
# 1,000,000 concurrent flows (tc_mix); TAPCENSUS_BENCH_MIXES picks some.
# 2 MiB hugepages are reserved for the runs where they can be (root), and
# given back after; TAPCENSUS_BENCH_NO_HUGE=1 runs without them;
# TAPCENSUS_BENCH_PARTS=mixes stops after the mixes.
set -euo pipefail
build=$(realpath "$1")
secs=${2:-10}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$build/bench
mkdir -p "$work"

# Memory: 2 MiB hugepages where they can be reserved (as production runs),
# else --no-huge with -m; which one is printed.  Given back at the end.
huge_dir="" huge_before=""
hugepages_get() { # MiB
    local pages=$(( $1 / 2 + 256 ))
    [ "$(id -u)" = 0 ] && [ -w /proc/sys/vm/nr_hugepages ] || return 1
    [ "${TAPCENSUS_BENCH_NO_HUGE:-0}" = 1 ] && return 1
    huge_before=$(cat /proc/sys/vm/nr_hugepages)
    echo "$pages" > /proc/sys/vm/nr_hugepages 2>/dev/null || return 1
    if [ "$(cat /proc/sys/vm/nr_hugepages)" -lt "$pages" ]; then hugepages_put; return 1; fi
    huge_dir=$(mktemp -d /tmp/tapcensus-huge.XXXXXX)
    mount -t hugetlbfs -o pagesize=2M nodev "$huge_dir" || { hugepages_put; return 1; }
}
hugepages_put() {
    if [ -n "$huge_dir" ]; then umount "$huge_dir" 2>/dev/null || true; rmdir "$huge_dir" 2>/dev/null || true; fi
    [ -z "$huge_before" ] || echo "$huge_before" > /proc/sys/vm/nr_hugepages
    huge_dir="" huge_before=""
}
trap hugepages_put EXIT

# Lcores on this machine's CPUs: the main lcore shares CPU 0 with the second
# worker (it sleeps between its once-a-second merges); worker 1 has CPU 1.
lcores=("0@0,1@1" "0@0,1@1,2@0")
workers=("1@1" "1@1, 2@0")
summary=()

# run NAME NWORKERS CAPACITY MEM_MIB: testpmd rxonly (the ceiling: receive
# and free, nothing else) then tapcensus, on the same files ($work/NAME.pcap,
# or its .q0 and .q1 for two workers) and lcores, one RX queue per worker,
# flows.capacity CAPACITY per worker.
run() {
    local name=$1 nw=$2 cap=$3 mem=$4 files=() vdev="" tp_log=$work/testpmd-$1-$2.log tp tp_pps
    local pkts mbufs eal_tp eal_tc tc_log=$work/tapcensus-$1-$2.log
    pkts=$(cat "$work/$name.frames")
    mbufs=$(( pkts + 65536 ))
    if [ "$nw" = 1 ]; then files=("$work/$name.pcap")
    else files=("$work/$name.pcap.q0" "$work/$name.pcap.q1"); fi
    for f in "${files[@]}"; do vdev+="rx_pcap=$f,"; done
    if [ -n "$huge_dir" ]; then
        eal_tp=(--huge-dir "$huge_dir"); eal_tc="\"--huge-dir\", \"$huge_dir\""
    else
        eal_tp=(--no-huge -m "$mem"); eal_tc="\"--no-huge\", \"-m\", \"$mem\""
    fi
    timeout -s INT $(( secs + 60 )) dpdk-testpmd --lcores "${lcores[nw-1]}" --main-lcore 0 \
        "${eal_tp[@]}" --no-pci --file-prefix benchtp$$ --no-telemetry --log-level '*:error' \
        --vdev "net_pcap0,${vdev}infinite_rx=1" -- \
        --forward-mode=rxonly --nb-cores="$nw" --rxq="$nw" --txq="$nw" --total-num-mbufs=$mbufs \
        --stats-period 1 < /dev/null > "$tp_log" 2>&1 &
    tp=$!
    # The file is loaded first (seconds for a million frames): time from
    # the first rate reported.
    # (A testpmd that stopped - no memory for its mbufs - is not waited for.)
    for _ in $(seq 120); do
        grep -q 'Rx-pps' "$tp_log" && break
        kill -0 $tp 2>/dev/null || break
        sleep 1
    done
    kill -0 $tp 2>/dev/null && sleep $(( secs + 3 ))
    kill -INT $tp 2>/dev/null || true
    wait $tp 2>/dev/null || true
    # Rx-pps of every stats period after the warm-up; the median.
    tp_pps=$( { grep -o 'Rx-pps: *[0-9]*' "$tp_log" || true; } | awk '{print $2}' | awk '$1>0' \
             | tail -n +3 | sort -n | awk '{v[NR]=$1} END{if (NR) print v[int((NR+1)/2)]; else print 0}')
    if [ "$tp_pps" -le 0 ]; then
        echo "bench: $name, $nw worker(s): testpmd gave no rate ($tp_log):" >&2
        grep -E 'Cause|Error|error' "$tp_log" | tail -n 3 >&2 || true
        exit 1
    fi

    sed -e "s|^organisations:.*|organisations: $root/config/orgs.csv|" \
        -e "s|\"--no-huge\", \"-m\", \"1024\"|$eal_tc|" \
        -e "s|--file-prefix\", \"tapcensus\"|--file-prefix\", \"benchtc$$\"|" \
        -e "s|^  mbufs:.*|  mbufs: $mbufs|" \
        -e "s|^  main_core:.*|  main_core: 0@0|" \
        -e "s|^  workers:.*|  workers: [${workers[nw-1]}]|" \
        -e "s|^      rx_queues: 1|      rx_queues: $nw|" \
        -e "s|^  capacity: 262144 .*|  capacity: $cap|" \
        -e "s|include: vendors/|include: $root/config/vendors/|" \
        "$root/config/tapcensus.yaml" > "$work/bench-$name-$nw.yaml"
    local pargs=()
    for f in "${files[@]}"; do pargs+=(--pcap "$f"); done
    "$build/control/tapcensus" -c "$work/bench-$name-$nw.yaml" "${pargs[@]}" --infinite \
        -d "$secs" --no-summary > "$tc_log"
    echo "== $name, $nw worker(s), $( [ -n "$huge_dir" ] && echo "2 MiB hugepages" || echo "no hugepages (--no-huge -m $mem)" )"
    cat "$tc_log"
    summary+=("$(awk -v tp="$tp_pps" -v nw="$nw" -v name="$name" '
        /^worker [0-9]+:/ { for (i = 1; i <= NF; i++) { if ($(i+1) == "Mpps,") s += $i
                                                        if ($(i+1) == "cycles/packet") c += $i
                                                        if ($(i+1) == "flows") f += $i } }
        END { printf "%-10s %2d  %6.3f  %6.3f  %5.2f  %6.1f  %9d", name, nw, s / nw, tp / 1e6,
                     s * 1e6 / tp, c / nw, f }' "$tc_log")")
    echo "${summary[-1]}" | awk '{printf "testpmd rxonly ceiling (net_pcap copy, same lcores): %.3f Mpps\n", $4;
        printf "tapcensus: %.3f Mpps per worker core = %s of the ceiling, %s cycles/packet outside rx_burst\n", $3, $5, $6}'
}

# mix NAME FLOWS FRAMES_PER_FLOW: the capture (made once), its frame count.
mix() {
    if [ ! -f "$work/$1.frames" ]; then
        "$build/tests/tc_mix" "$work/$1.pcap" --flows "$2" --frames-per-flow "$3" --queues 2 \
            --seed 5 | tee "$work/$1.made"
        awk '{print $2}' "$work/$1.made" > "$work/$1.frames"
    fi
}

# The tap mix (tc_gen: about 95% bulk payload of long flows, a few percent
# handshakes and DNS; frames of about 800 bytes), also split in two as a
# symmetric RSS key would split it, for two workers.
if [ ! -f "$work/tapmix.pcap.q1" ]; then
    "$build/tests/tc_gen" "$work/tapmix.pcap" "$work/tapmix.truth" --seed 3 --sessions 700 \
        --bulk 150 --queues 2
fi
awk '$1=="packets"{print $2}' "$work/tapmix.truth" > "$work/tapmix.frames"
# Backbone mixes (tc_mix): N concurrent long-lived flows joined mid-stream,
# both directions, interleaved at random, 5% handshakes of new flows; 945
# bytes a frame.
mix flows35k 35000 9
mix flows256k 256000 2
mix flows1m 1000000 2
# TAPCENSUS_BENCH_MIXES=tapmix,flows1m: some of them only.
read -r -a mixes <<< "${TAPCENSUS_BENCH_MIXES:-tapmix flows35k flows256k flows1m}"
mixes=(${mixes[@]//,/ })
# The largest: a million frames' mbufs (2.2 KiB each) and two flow tables.
mem=$(( ($(cat "$work/flows1m.frames") + 65536) * 2432 / 1048576 + 2 * 1310720 * 400 / 1048576 + 512 ))
used="no hugepages (--no-huge -m per run)"
if hugepages_get "$mem"; then used="2 MiB hugepages"; fi
for m in "${mixes[@]}"; do
    case $m in
        flows1m) cap=1310720 ;;
        flows256k) cap=393216 ;;
        *) cap=262144 ;;
    esac
    m_mem=$(( ($(cat "$work/$m.frames") + 65536) * 2432 / 1048576 + 2 * cap * 400 / 1048576 + 512 ))
    run "$m" 1 "$cap" "$m_mem"
    run "$m" 2 "$cap" "$m_mem"
done
hugepages_put
echo "== summary: $used; Mpps per worker core, the testpmd ceiling and the ratio, cycles a packet outside rx_burst, flows held at the end"
printf '%-10s %2s  %6s  %6s  %5s  %6s  %9s\n' mix wk "Mpps/w" ceil ratio cyc/pk "flows"
printf '%s\n' "${summary[@]}"
# TAPCENSUS_BENCH_PARTS=mixes: the mixes alone.
[ "${TAPCENSUS_BENCH_PARTS:-all}" != mixes ] || exit 0

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
