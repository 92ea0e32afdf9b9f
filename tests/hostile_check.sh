#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# What the tap, the network or an unlucky operator may send, each a case of
# its own with exact expectations (issue "a hostile world"):
#   hostile_check.sh TAPCENSUS TC_GEN CONFIG WORKDIR [CASE...]
# Every replay is bounded by timeout; every figure checked is computed here
# from what the case wrote, never from tapcensus.
set -euo pipefail
. "$(dirname "$0")/linger.sh"
tapcensus=$1 gen=$2 config=$3 work=$(realpath -m "$4")
shift 4
rm -rf "$work"; mkdir -p "$work"
"$gen" --orgs "$work/orgs.csv"
confdir=$(cd "$(dirname "$config")" && pwd) # its vendors/ catalogue is included
sed -e "s|^organisations:.*|organisations: $work/orgs.csv|" \
    -e "s|include: vendors/|include: $confdir/vendors/|" \
    -e "s|--file-prefix\", \"tapcensus\"|--file-prefix\", \"hostile$$\"|" \
    "$config" > "$work/tapcensus.yaml"
fail=0
failed() { echo "FAIL $*"; fail=1; }

# replay PCAP OUT [options]: an offline replay, its exit status in $rc.
replay() {
    local pcap=$1 out=$2; shift 2
    rc=0
    timeout 120 "$tapcensus" -c "$work/tapcensus.yaml" --pcap "$pcap" --no-summary -o "$out" "$@" \
        > "$work/stdout.txt" 2> "$work/stderr.txt" || rc=$?
}

# sample FILE SERIES: the value of one sample of an exposition.
sample() { grep -v '^#' "$1" | grep -F -- "$2 " | awk '{print $NF}' || true; }

# product_clients_1d PROM TRUTH WHAT: every organisation's product clients
# in the 1-day window as tc_gen's truth counts them.
product_clients_1d() {
    local kind org vendor n got
    while read -r kind org vendor n; do
        [ "$kind" = product_clients ] || continue
        got=$(grep -v '^#' "$1" | grep -F "tapcensus_org_product_clients{org=\"$org\"," |
              grep -F 'window="1d"}' | awk '{print $NF}')
        [ "${got:-0}" = "$n" ] || failed "$3: $org has ${got:-0} product clients (1d), want $n"
    done < "$2"
}

# ---- -o onto a device node, a FIFO and standard output ----
case_output_targets() {
    "$gen" "$work/small.pcap" "$work/small.truth" --sessions 20 > /dev/null
    local pkts; pkts=$(awk '$1=="packets"{print $2}' "$work/small.truth")
    # A copy of /dev/null's node: renaming over it would make it a file.
    mknod "$work/null" c 1 3
    replay "$work/small.pcap" "$work/null"
    [ "$rc" = 0 ] || failed "output: -o NODE exited $rc: $(cat "$work/stderr.txt")"
    [ "$(stat -c %F "$work/null")" = "character special file" ] ||
        failed "output: the node became a $(stat -c %F "$work/null")"
    [ ! -e "$work/null.tmp" ] || failed "output: a $work/null.tmp was left"
    replay "$work/small.pcap" -
    [ "$(sample "$work/stdout.txt" tapcensus_packets_received_total)" = "$pkts" ] ||
        failed "output: -o - did not print the exposition ($pkts packets)"
    mkfifo "$work/fifo"
    timeout 30 cat "$work/fifo" > "$work/fifo.out" &
    local reader=$!
    replay "$work/small.pcap" "$work/fifo"
    wait "$reader" || true
    [ "$(stat -c %F "$work/fifo")" = "fifo" ] || failed "output: the FIFO was replaced"
    [ "$(sample "$work/fifo.out" tapcensus_packets_received_total)" = "$pkts" ] ||
        failed "output: nothing read from the FIFO"
    replay "$work/small.pcap" "$work/small.prom"
    [ -f "$work/small.prom" ] && [ ! -e "$work/small.prom.tmp" ] ||
        failed "output: a regular file was not written whole"
}

# ---- Frames longer than 64 KiB (GRO, BIG TCP): net_pcap's chain holds
# caplen mod 64 KiB of them; they are counted as oversize, never read ----
case_oversize() {
    python3 - "$work/big.pcap" <<'PY'
import struct, sys
f = open(sys.argv[1], 'wb')
f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
arp = b'\xff' * 6 + b'\x02' * 6 + b'\x08\x06' + bytes(28)
def frame(data, t):
    f.write(struct.pack('<IIII', 1793491200 + t, 0, len(data), len(data)) + data)
frame(arp, 1)
for n in (70000, 200000, 65536 + 60):
    frame(b'\x02' * 12 + b'\x08\x00\x45' + bytes(n - 15), 2)
frame(arp, 3)
PY
    replay "$work/big.pcap" "$work/big.prom"
    [ "$rc" = 0 ] || failed "oversize: exit $rc: $(tail -3 "$work/stderr.txt")"
    [ "$(sample "$work/big.prom" tapcensus_packets_received_total)" = 5 ] ||
        failed "oversize: received $(sample "$work/big.prom" tapcensus_packets_received_total), want 5"
    # 70000 and 200000 bytes: cut chains; 65596 bytes: chained whole by
    # net_pcap, read (its IPv4 header of zeros is malformed).
    [ "$(sample "$work/big.prom" 'tapcensus_packets_dropped_total{reason="oversize"}')" = 2 ] ||
        failed "oversize: $(sample "$work/big.prom" 'tapcensus_packets_dropped_total{reason="oversize"}') oversize, want 2"
    [ "$(sample "$work/big.prom" 'tapcensus_packets_dropped_total{reason="l3_malformed"}')" = 1 ] ||
        failed "oversize: the whole 65596-byte frame was not read"
    [ "$(sample "$work/big.prom" 'tapcensus_packets_processed_total{outcome="not_ip"}')" = 2 ] ||
        failed "oversize: the frames around them not counted"
}

# ---- The state directory: a FIFO named state, a damaged state alone ----
case_state() {
    local conf=$work/state.yaml
    "$gen" "$work/small.pcap" "$work/small.truth" --sessions 20 > /dev/null
    mkdir -p "$work/st"
    cp "$work/tapcensus.yaml" "$conf"
    printf 'persistence:\n  dir: %s\n' "$work/st" >> "$conf"
    mkfifo "$work/st/state"
    rc=0
    timeout 30 "$tapcensus" -c "$conf" --pcap "$work/small.pcap" --no-summary \
        > /dev/null 2> "$work/state.err" || rc=$?
    [ "$rc" = 2 ] || failed "state: a FIFO named state: exit $rc, want 2 (refused at once)"
    grep -q "$work/st/state: not a regular file" "$work/state.err" ||
        failed "state: no message naming the FIFO: $(tail -2 "$work/state.err")"
    rm -f "$work/st/state"
    # persistence.dir naming a file: the configuration line says so.
    sed -i "s|  dir: $work/st|  dir: $work/small.truth|" "$conf"
    rc=0
    timeout 30 "$tapcensus" -c "$conf" --pcap "$work/small.pcap" --no-summary \
        > /dev/null 2> "$work/state.err" || rc=$?
    [ "$rc" = 2 ] && grep -q "persistence.dir: $work/small.truth exists and is not a directory" \
        "$work/state.err" || failed "state: persistence.dir a file: exit $rc, $(tail -1 "$work/state.err")"
}

# ---- Captures of other link types: raw IP (101, 228, 229), Linux cooked
# v1 (113) and v2 (276) of the same traffic count what the Ethernet capture
# counts; a link type the parser does not read is refused (exit 2) ----
case_link_types() {
    "$gen" "$work/eth.pcap" "$work/eth.truth" --sessions 60 --kinds tls,http,dns --encap 0 \
        > /dev/null
    replay "$work/eth.pcap" "$work/eth.prom"
    python3 - "$work/eth.pcap" "$work" <<'PY'
import struct, sys
src, out = sys.argv[1], sys.argv[2]
data = open(src, 'rb').read()
magic, vmaj, vmin, tz, sig, snap, link = struct.unpack('<IHHiIII', data[:24])
frames, o = [], 24
while o < len(data):
    ts, us, cap, wire = struct.unpack('<IIII', data[o:o + 16])
    frames.append((ts, us, data[o + 16:o + 16 + cap]))
    o += 16 + cap
def ip_of(f):
    off, et = 12, None
    while off + 2 <= len(f):
        et = f[off] << 8 | f[off + 1]
        if et in (0x8100, 0x88a8, 0x9100):
            off += 4
            continue
        break
    return (et, f[off + 2:]) if et in (0x0800, 0x86dd) else (None, None)
for name, lt in (('raw', 101), ('ipv4', 228), ('ipv6', 229), ('sll', 113), ('sll2', 276)):
    w = open('%s/%s.pcap' % (out, name), 'wb')
    w.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 262144, lt))
    n = 0
    for ts, us, f in frames:
        et, ip = ip_of(f)
        if et is None or (name == 'ipv4' and et != 0x0800) or (name == 'ipv6' and et != 0x86dd):
            continue
        if name == 'sll':
            hdr = struct.pack('>HHH8sH', 0, 1, 6, b'\x02' * 6 + b'\0\0', et)
        elif name == 'sll2':
            hdr = struct.pack('>HHIHBB8s', et, 0, 2, 1, 0, 6, b'\x02' * 6 + b'\0\0')
        else:
            hdr = b''
        rec = hdr + ip
        w.write(struct.pack('<IIII', ts, us, len(rec), len(rec)) + rec)
        n += 1
    open('%s/%s.count' % (out, name), 'w').write('%d\n' % n)
# One link type nobody reads: 802.11.
w = open('%s/wifi.pcap' % out, 'wb')
w.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 262144, 105))
w.write(struct.pack('<IIII', 1, 0, 24, 24) + bytes(24))
PY
    local want; want=$(grep -v '^#' "$work/eth.prom" | grep -E '^tapcensus_org_(sessions_total|unique_clients)' | sort)
    for l in raw sll sll2; do
        replay "$work/$l.pcap" "$work/$l.prom"
        [ "$rc" = 0 ] || { failed "link $l: exit $rc: $(tail -2 "$work/stderr.txt")"; continue; }
        [ "$(sample "$work/$l.prom" tapcensus_packets_received_total)" = "$(cat "$work/$l.count")" ] ||
            failed "link $l: received $(sample "$work/$l.prom" tapcensus_packets_received_total)"
        [ "$(grep -v '^#' "$work/$l.prom" | grep -E '^tapcensus_org_(sessions_total|unique_clients)' | sort)" = "$want" ] ||
            failed "link $l: sessions or clients differ from the Ethernet capture's"
    done
    # IPv4 and IPv6 apart (LINKTYPE_IPV4, _IPV6): together, every session.
    replay "$work/ipv4.pcap" "$work/ipv4.prom"
    local v4; v4=$(sample "$work/ipv4.prom" 'tapcensus_packets_received_total')
    [ "$rc" = 0 ] && [ "$v4" = "$(cat "$work/ipv4.count")" ] || failed "link ipv4: exit $rc, received $v4"
    replay "$work/ipv6.pcap" "$work/ipv6.prom"
    [ "$rc" = 0 ] || failed "link ipv6: exit $rc"
    local s4 s6 se
    s4=$(grep -v '^#' "$work/ipv4.prom" | grep '^tapcensus_org_sessions_total' | awk '{s+=$NF} END{print s+0}')
    s6=$(grep -v '^#' "$work/ipv6.prom" | grep '^tapcensus_org_sessions_total' | awk '{s+=$NF} END{print s+0}')
    se=$(grep -v '^#' "$work/eth.prom" | grep '^tapcensus_org_sessions_total' | awk '{s+=$NF} END{print s+0}')
    [ $(( s4 + s6 )) = "$se" ] && [ "$se" -gt 0 ] || failed "link ipv4+ipv6: $s4 + $s6 sessions, want $se"
    replay "$work/wifi.pcap" "$work/wifi.prom"
    [ "$rc" = 2 ] && grep -q "wifi.pcap: link type IEEE802_11 (105) is not read" "$work/stderr.txt" ||
        failed "link 802.11: exit $rc, $(tail -1 "$work/stderr.txt")"
}

# ---- A reload that would wipe the counts: an empty table and one losing
# five of six organisations are refused, unless forced; organisations that
# leave are parked with their counters, through a restart, and come back ----
case_reload_loss() {
    local conf=$work/loss.yaml st=$work/loss-state pid port
    org_sessions() { # FILE: "id total" per exported organisation, sorted
        grep -v '^#' "$1" | grep '^tapcensus_org_sessions_total{' |
            sed 's/.*{org="\([^"]*\)".* \([0-9]*\)$/\1 \2/' |
            awk '{s[$1]+=$2} END{for (o in s) if (o != "unattributed") print o, s[o]}' | sort
    }
    "$gen" "$work/loss.pcap" "$work/loss.truth" --sessions 300 > /dev/null
    python3 -c "import struct,sys; open(sys.argv[1],'wb').write(struct.pack('<IHHiIII',0xa1b2c3d4,2,4,0,0,65535,1))" "$work/empty.pcap"
    cp "$work/orgs.csv" "$work/live.csv"
    rm -rf "$st"
    sed -e "s|^organisations:.*|organisations: $work/live.csv|" -e "s|^  port:.*|  port: 0|" \
        "$work/tapcensus.yaml" > "$conf"
    printf 'persistence:\n  dir: %s\n  interval: 1\n' "$st" >> "$conf"
    "$tapcensus" -c "$conf" --pcap "$work/loss.pcap" --linger --no-summary \
        > /dev/null 2> "$work/loss.err" &
    pid=$!
    port=$(linger_port "$work/loss.err") || { failed "reload_loss: no port"; kill "$pid"; return; }
    local pk; pk=$(awk '$1=="packets"{print $2}' "$work/loss.truth")
    for _ in $(seq 300); do
        [ "$(linger_metric "$port" tapcensus_packets_received_total)" = "$pk" ] && break
        sleep 0.1
    done
    sleep 1.5 # a render after the last packet
    curl -sf "$LINGER_BASE:$port/metrics" > "$work/loss0.prom"
    org_sessions "$work/loss0.prom" > "$work/before.txt"
    [ "$(wc -l < "$work/before.txt")" = 6 ] || failed "reload_loss: $(wc -l < "$work/before.txt") organisations with sessions, want 6"
    : > "$work/live.csv"
    curl -s -X POST "$LINGER_BASE:$port/-/reload" -o "$work/r1.txt" -w '%{http_code}' > "$work/r1.code" || true
    [ "$(cat "$work/r1.code")" = 400 ] && grep -q "no prefix in the table" "$work/r1.txt" ||
        failed "reload_loss: empty table answered $(cat "$work/r1.code"): $(cat "$work/r1.txt")"
    grep -E '^(prefix|192\.0\.2\.0/26|2001:db8:100::/48),' "$work/orgs.csv" > "$work/live.csv"
    curl -s -X POST "$LINGER_BASE:$port/-/reload" -o "$work/r2.txt" -w '%{http_code}' > "$work/r2.code" || true
    [ "$(cat "$work/r2.code")" = 400 ] && grep -q "5 of the 6 organisations would leave the table" "$work/r2.txt" ||
        failed "reload_loss: losing 5 of 6 answered $(cat "$work/r2.code"): $(cat "$work/r2.txt")"
    curl -s -X POST "$LINGER_BASE:$port/-/reload?force=1" -o "$work/r3.txt" -w '%{http_code}' > "$work/r3.code" || true
    [ "$(cat "$work/r3.code")" = 200 ] && grep -q "5 gone, 0 new, 0 back; 5 parked" "$work/r3.txt" ||
        failed "reload_loss: forced reload answered $(cat "$work/r3.code"): $(cat "$work/r3.txt")"
    sleep 1.5
    [ "$(linger_metric "$port" tapcensus_organisations_parked)" = 5 ] ||
        failed "reload_loss: $(linger_metric "$port" tapcensus_organisations_parked) parked, want 5"
    sleep 2 # two state writes
    kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
    # A restart with the one-organisation table: the state's five others are
    # parked at the start; then one with the whole table: every count is back.
    timeout 60 "$tapcensus" -c "$conf" --pcap "$work/empty.pcap" --no-summary -o "$work/loss1.prom" \
        2> "$work/loss1.err" || failed "reload_loss: restart exited $?"
    grep -q "5 organisations of the state are not in" "$work/loss1.err" ||
        failed "reload_loss: the restart did not park the five: $(tail -2 "$work/loss1.err")"
    [ "$(sample "$work/loss1.prom" tapcensus_organisations_parked)" = 5 ] ||
        failed "reload_loss: after the restart $(sample "$work/loss1.prom" tapcensus_organisations_parked) parked"
    cp "$work/orgs.csv" "$work/live.csv"
    timeout 60 "$tapcensus" -c "$conf" --pcap "$work/empty.pcap" --no-summary -o "$work/loss2.prom" \
        2> "$work/loss2.err" || failed "reload_loss: second restart exited $?"
    org_sessions "$work/loss2.prom" > "$work/after.txt"
    cmp -s "$work/before.txt" "$work/after.txt" ||
        failed "reload_loss: sessions per organisation changed: $(diff "$work/before.txt" "$work/after.txt" | tr '\n' ' ')"
}

# ---- Slow clients: 70 connections from ten loopback addresses and 8 from
# the scraper's own, each sending its request head a byte a second, must
# not keep scrapes out; each is cut when its head has taken 5 s ----
case_slow_clients() {
    local conf=$work/slow.yaml pid port
    "$gen" "$work/slow.pcap" "$work/slow.truth" --sessions 20 > /dev/null
    sed -e "s|^  port:.*|  port: 0|" "$work/tapcensus.yaml" > "$conf"
    "$tapcensus" -c "$conf" --pcap "$work/slow.pcap" --linger --no-summary \
        > /dev/null 2> "$work/slow.err" &
    pid=$!
    port=$(linger_port "$work/slow.err") || { failed "slow: no port"; kill "$pid"; return; }
    python3 - "$port" > "$work/slow.out" <<'PY' &
import socket, sys, time
port = int(sys.argv[1])
conns = []
for a in range(2, 12):
    for _ in range(7):
        s = socket.socket()
        s.bind(('127.0.0.%d' % a, 0))
        s.connect(('127.0.0.1', port))
        conns.append(s)
for _ in range(8):
    s = socket.socket()
    s.connect(('127.0.0.1', port))
    conns.append(s)
head = b'GET /metrics HTTP/1.1\r\nHost: x\r\n'
start, cut = time.time(), {}
# A byte a second from each, for 12 s at most; note when the server ends one.
for i in range(12):
    for k, s in enumerate(conns):
        if k in cut:
            continue
        try:
            s.send(head[i:i + 1])
        except OSError:
            cut[k] = time.time() - start
    time.sleep(1)
    for k, s in enumerate(conns):
        if k in cut:
            continue
        s.setblocking(False)
        try:
            if s.recv(1) == b'':
                cut[k] = time.time() - start
        except BlockingIOError:
            pass
        except OSError:
            cut[k] = time.time() - start
        s.setblocking(True)
print(len(conns), len(cut), max(cut.values()) if cut else -1)
PY
    local slow=$!
    sleep 2 # the slow clients are in
    local ok=0 t0; t0=$(date +%s)
    for _ in $(seq 20); do # a scrape from the loaded address, 10 s at most
        if curl -sf --max-time 2 "$LINGER_BASE:$port/metrics" -o "$work/slow.prom"; then ok=1; break; fi
        sleep 0.5
    done
    [ "$ok" = 1 ] && grep -q '^tapcensus_packets_received_total ' "$work/slow.prom" ||
        failed "slow: no scrape answered within 10 s under 78 slow clients"
    wait "$slow" || true
    read -r n ncut last < "$work/slow.out" || true
    [ "${n:-0}" = 78 ] && [ "${ncut:-0}" = 78 ] && [ "${last%.*}" -le 8 ] ||
        failed "slow: of ${n:-?} slow connections ${ncut:-?} were cut, the last after ${last:-?} s (want all, by 8 s)"
    kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
}

# ---- Spoofed clients: 2,000 one-packet ClientHellos from 2,000 addresses
# (no exchange: unverified) fill a 1,024-entry client table and the state
# file; after a restart, real traffic's clients count exactly ----
case_spoofed() {
    local conf=$work/spoof.yaml st=$work/spoof-state
    python3 - "$work/spoof.pcap" <<'PY'
import struct, sys
def hello(sni):
    n = sni.encode()
    ext = struct.pack('>HHHBH', 0, len(n) + 5, len(n) + 3, 0, len(n)) + n
    body = b'\x03\x03' + bytes(32) + b'\x00' + b'\x00\x02\x13\x01' + b'\x01\x00'
    body += struct.pack('>H', len(ext)) + ext
    hs = b'\x01' + struct.pack('>I', len(body))[1:] + body
    return b'\x16\x03\x01' + struct.pack('>H', len(hs)) + hs
f = open(sys.argv[1], 'wb')
f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
pl = hello('dnl-05.geo.kaspersky.com')
for i in range(2000):
    src = bytes.fromhex('20010db80100') + struct.pack('>H', i) + bytes(7) + b'\x01'
    dst = bytes.fromhex('20010db85e00000000000000000000' + '09')
    tcp = struct.pack('>HHIIBBHHH', 40000 + i % 20000, 443, 1000, 0, 5 << 4, 0x18, 65535, 0, 0)
    ip = struct.pack('>IHBB', 6 << 28, len(tcp) + len(pl), 6, 64) + src + dst
    fr = b'\x02' * 6 + b'\x02\x00\x00\x00\x00\x01' + b'\x86\xdd' + ip + tcp + pl
    f.write(struct.pack('<IIII', 1793491200 + i // 100, 0, len(fr), len(fr)) + fr)
PY
    "$gen" "$work/real.pcap" "$work/real.truth" --sessions 200 > /dev/null
    rm -rf "$st"
    cp "$work/tapcensus.yaml" "$conf"
    printf 'persistence:\n  dir: %s\n' "$st" >> "$conf"
    sed -i -e 's|^  capacity: 1048576 |  capacity: 1024 |' "$conf"
    grep -q '^  capacity: 1024 ' "$conf" || { failed "spoofed: no clients.capacity to set"; return; }
    timeout 60 "$tapcensus" -c "$conf" --pcap "$work/spoof.pcap" --no-summary -o "$work/spoof.prom" \
        2> "$work/spoof.err" || failed "spoofed: exit $?: $(tail -2 "$work/spoof.err")"
    local treas='tapcensus_org_unique_clients{org="us-treasury",org_name="Department of the Treasury (sample)",country="US",sector="government",government="true",vendor="kaspersky",role="update",window="1d"}'
    [ "$(sample "$work/spoof.prom" "$treas")" = 0 ] ||
        failed "spoofed: spoofed sources counted as $(sample "$work/spoof.prom" "$treas") clients"
    [ "$(sample "$work/spoof.prom" 'tapcensus_unverified_clients{vendor="kaspersky",role="update",window="1d"}')" = 1024 ] ||
        failed "spoofed: $(sample "$work/spoof.prom" 'tapcensus_unverified_clients{vendor="kaspersky",role="update",window="1d"}') unverified, want 1024 (the table)"
    timeout 60 "$tapcensus" -c "$conf" --pcap "$work/real.pcap" --no-summary -o "$work/real.prom" \
        2> "$work/real.err" || failed "spoofed: the restart exited $?"
    # Every organisation's product clients as the generator counted them.
    product_clients_1d "$work/real.prom" "$work/real.truth" "spoofed: after the restart"
}

# ---- Capture time: stamps no capture holds are dropped and counted, one
# frame far ahead does not move the clock (the 1-day figures stay) ----
case_capture_time() {
    "$gen" "$work/ct.pcap" "$work/ct.truth" --sessions 200 > /dev/null
    python3 - "$work/ct.pcap" "$work/ct-bad.pcap" <<'PY'
import struct, sys
data = open(sys.argv[1], 'rb').read()
out = open(sys.argv[2], 'wb')
out.write(data[:24])
recs, o = [], 24
while o < len(data):
    ts, us, cap, wire = struct.unpack('<IIII', data[o:o + 16])
    recs.append((ts, data[o:o + 16 + cap]))
    o += 16 + cap
arp = b'\xff' * 6 + b'\x02' * 6 + b'\x08\x06' + bytes(28)
def rec(ts, us=0):
    return struct.pack('<IIII', ts, us, len(arp), len(arp)) + arp
first = recs[0][0]
bad = [rec(0),                    # all-zero stamp: 1970
       rec(4102444800),           # 2100-01-01: libpcap reads it negative
       rec(2177452800)]           # 2039-01-01: past 2^31 seconds, and the future
# Microsecond fields of 10^6 and of 2^31 (libpcap reads the latter as
# negative: 36 minutes early): only the records themselves tell them.
usec = [rec(first, 1000000), rec(first + 1, 2 ** 31)]
for i, (ts, r) in enumerate(recs):
    if i == len(recs) // 2:
        out.write(b''.join(bad + usec))
    out.write(r)
# Last (the clock the windows are read at): in range, 24 days ahead (held),
# then the bogus ones again.
out.write(rec(first + 24 * 86400) + b''.join(bad))
PY
    replay "$work/ct-bad.pcap" "$work/ct.prom"
    [ "$rc" = 0 ] || { failed "capture time: exit $rc: $(tail -3 "$work/stderr.txt")"; return; }
    local pkts; pkts=$(awk '$1=="packets"{print $2}' "$work/ct.truth")
    local notip; notip=$(awk '$1=="outcome" && $2=="not_ip"{print $3}' "$work/ct.truth")
    [ "$(sample "$work/ct.prom" tapcensus_packets_received_total)" = $((pkts + 9)) ] ||
        failed "capture time: received $(sample "$work/ct.prom" tapcensus_packets_received_total), want $((pkts + 9))"
    [ "$(sample "$work/ct.prom" 'tapcensus_packets_dropped_total{reason="capture_time"}')" = 8 ] ||
        failed "capture time: $(sample "$work/ct.prom" 'tapcensus_packets_dropped_total{reason="capture_time"}') dropped for their stamp, want 8"
    grep -q "ct-bad.pcap: 2 records hold a microsecond field of 10^6 or more (the first: record $(( $(awk '$1=="packets"{print $2}' "$work/ct.truth") / 2 + 4 )))" "$work/stderr.txt" ||
        failed "capture time: the damaged microsecond fields are not told: $(grep -i microsecond "$work/stderr.txt")"
    [ "$(sample "$work/ct.prom" tapcensus_capture_time_held_total)" = 1 ] ||
        failed "capture time: $(sample "$work/ct.prom" tapcensus_capture_time_held_total) held, want 1"
    [ "$(sample "$work/ct.prom" 'tapcensus_packets_processed_total{outcome="not_ip"}')" = $((notip + 1)) ] ||
        failed "capture time: the held frame not followed"
    # The 1-day figures as the generator counted them: no frame emptied them.
    product_clients_1d "$work/ct.prom" "$work/ct.truth" "capture time"
}

cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(output_targets oversize state link_types reload_loss slow_clients spoofed
                                  capture_time)
for c in "${cases[@]}"; do
    "case_$c"
done
[ "$fail" = 0 ] && echo "PASS hostile: ${cases[*]}"
exit "$fail"
