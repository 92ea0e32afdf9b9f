#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Live capture end to end: real clients and servers in two network
# namespaces, the servers' link mirrored (tc mirred) onto a veth that
# tapcensus reads through DPDK's net_af_xdp with the XDP prefilter in front.
#
#   client ns tcl$$: c0 192.0.2.10-13/24  <-veth->  server ns tsv$$: s0 192.0.2.1/24
#   servers (on lo of tsv$$): 198.51.100.53 dnsmasq, 198.51.100.80:443 and
#   198.51.100.90:443 openssl s_server, 203.0.113.197:443 openssl s_server (a
#   configured server prefix), 198.51.100.90:8080 python3 http.server (bulk)
#   tap: s0 ingress and egress mirrored to m0 (tsv$$) -> m1 (root ns) -> XDP
#
# .12 also curls https://agent.ksc.kaspersky.com:23150 (the management role's
# Cloud Console range, passed by the sample's prefilter.tcp_ports 23100-23199).
# Clients: .10 asks dnsmasq for edge.geo.kaspersky.com (a name in no role of
# the catalogue: role other) and connects
# to the answer with openssl s_client, sending no name (learned-ip); .11 runs gnutls-cli to the configured
# server prefix (server-ip); .12 curls https://updates.kaspersky-labs.com on
# an address nobody taught (tls-sni); .13 asks for www.example.org and
# downloads 24 MB over plain HTTP from an unrelated server.  tapcensus must
# count exactly those sessions and three clients, and the prefilter's
# counters must show the download dropped in the kernel.
#   live_check.sh TAPCENSUS CONFIG WORKDIR
set -euo pipefail
tapcensus=$1 config=$2 work=$(realpath -m "$3")
. "$(dirname "$0")/linger.sh"
rm -rf "$work"; mkdir -p "$work/www"
C=tcl$$ S=tsv$$
tc_pid="" pids=()
cleanup() {
    [ -z "$tc_pid" ] || kill "$tc_pid" 2>/dev/null || true
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    ip netns del "$C" 2>/dev/null || true
    ip netns del "$S" 2>/dev/null || true
    ip link del m1 2>/dev/null || true
}
trap cleanup EXIT
fail=0

# ---- The network: namespaces, links, the mirror ----
ip netns add "$C"
ip netns add "$S"
ip link add c0 netns "$C" type veth peer name s0 netns "$S"
ip link add m1 type veth peer name m0 netns "$S"
ip -n "$C" link set lo up
ip -n "$S" link set lo up
for a in 10 11 12 13; do ip -n "$C" addr add "192.0.2.$a/24" dev c0; done
ip -n "$S" addr add 192.0.2.1/24 dev s0
for a in 198.51.100.53/32 198.51.100.80/32 198.51.100.90/32 203.0.113.197/32; do
    ip -n "$S" addr add "$a" dev lo
done
ip -n "$C" link set c0 up
ip -n "$S" link set s0 up
ip -n "$S" link set m0 up
ip link set m1 up
ip -n "$C" route add default via 192.0.2.1
# gnutls-cli has no source-address option: this route gives it .11.
ip -n "$C" route add 203.0.113.197/32 via 192.0.2.1 src 192.0.2.11
# Frames as a tap sees them: no segmentation or coalescing offloads.
ip netns exec "$C" ethtool -K c0 tso off gso off gro off > /dev/null 2>&1 || true
ip netns exec "$S" ethtool -K s0 tso off gso off gro off > /dev/null 2>&1 || true
sysctl -qw net.ipv6.conf.m1.disable_ipv6=1 || true
ip netns exec "$S" sysctl -qw net.ipv6.conf.m0.disable_ipv6=1 || true
tc -n "$S" qdisc add dev s0 clsact
tc -n "$S" filter add dev s0 ingress protocol all u32 match u32 0 0 action mirred egress mirror dev m0
tc -n "$S" filter add dev s0 egress protocol all u32 match u32 0 0 action mirred egress mirror dev m0

# ---- Servers ----
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj /CN=test.example -keyout "$work/key.pem" -out "$work/cert.pem" 2> /dev/null
ip netns exec "$S" dnsmasq --no-daemon --no-resolv --no-hosts --bind-interfaces \
    --listen-address=198.51.100.53 --address=/edge.geo.kaspersky.com/198.51.100.80 \
    --address=/www.example.org/198.51.100.90 --local-ttl=300 --pid-file="$work/dnsmasq.pid" --user=root \
    > "$work/dnsmasq.log" 2>&1 &
pids+=($!)
for a in 198.51.100.80 198.51.100.90 203.0.113.197; do
    ip netns exec "$S" openssl s_server -accept "$a:443" -cert "$work/cert.pem" \
        -key "$work/key.pem" -www -quiet > "$work/s_server.$a.log" 2>&1 &
    pids+=($!)
done
ip netns exec "$S" openssl s_server -accept "198.51.100.90:23150" -cert "$work/cert.pem" \
    -key "$work/key.pem" -www -quiet > "$work/s_server.23150.log" 2>&1 &
pids+=($!)
head -c 24000000 /dev/urandom > "$work/www/big.bin"
ip netns exec "$S" python3 -m http.server 8080 --bind 198.51.100.90 --directory "$work/www" \
    > "$work/http.log" 2>&1 &
pids+=($!)

# What the mirror really carried to or from the learned and the configured
# server (m0's outgoing frames, each one the tap sees), counted by a raw
# socket: the prefilter's pass_server must equal it (retransmits included).
cat > "$work/sniff.py" <<'PY'
import os, signal, socket, sys, time
want = {socket.inet_aton(a) for a in sys.argv[2:]}
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
s.bind((sys.argv[1], 0))
s.settimeout(0.1)
n, out, end = 0, sys.stdout, time.time() + 300   # bounded: 5 minutes at most
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
while time.time() < end:
    try:
        f, addr = s.recvfrom(65535)
    except socket.timeout:
        f = None
    if f is not None and addr[2] == socket.PACKET_OUTGOING and f[12:14] == b'\x08\x00' and \
            (f[26:30] in want or f[30:34] in want):
        n += 1
    with open(sys.argv[0] + '.count.tmp', 'w') as c:
        c.write('%d\n' % n)
    os.replace(sys.argv[0] + '.count.tmp', sys.argv[0] + '.count')
PY
ip netns exec "$S" python3 "$work/sniff.py" m0 198.51.100.80 203.0.113.197 &
pids+=($!)
for _ in $(seq 50); do [ -f "$work/sniff.py.count" ] && break; sleep 0.1; done

# ---- tapcensus on m1 through net_af_xdp ----
cat > "$work/orgs.csv" <<CSV
prefix,org_id,name,country,sector,government
192.0.2.0/24,lab-clients,Lab Clients,DE,education,false
CSV
confdir=$(cd "$(dirname "$config")" && pwd) # its vendors/ catalogue is included
sed -e "s|^organisations:.*|organisations: $work/orgs.csv|" \
    -e "s|include: vendors/|include: $confdir/vendors/|" \
    -e "s|--file-prefix\", \"tapcensus\"|--file-prefix\", \"live$$\"|" \
    -e "s|name: net_pcap0|name: net_af_xdp0|" \
    -e "s|args: \"rx_iface=eth0\"|args: \"iface=m1,start_queue=0,queue_count=1\"|" \
    -e "s|^  port:.*|  port: 0|" "$config" > "$work/tapcensus.yaml"
# Full stacks for LeakSanitizer, so that tests/lsan.supp can tell the
# net_af_xdp driver's own allocations by its frame.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0" \
    "$tapcensus" -c "$work/tapcensus.yaml" > "$work/summary.txt" 2> "$work/tapcensus.err" &
tc_pid=$!
port=$(linger_port "$work/tapcensus.err") ||
    { echo "FAIL: tapcensus did not start"; cat "$work/tapcensus.err"; exit 1; }

# ---- Clients (every command bounded in time) ----
inc() { ip netns exec "$C" timeout 20 "$@"; }
for _ in $(seq 50); do # the servers up, 5 s at most
    # (not to .80 or .197, whose every packet the server check counts below)
    inc bash -c 'exec 3<>/dev/tcp/198.51.100.90/443' 2> /dev/null && break
    sleep 0.1
done
inc dig +tries=1 +time=3 -b 192.0.2.10 @198.51.100.53 edge.geo.kaspersky.com A > "$work/dig.out"
grep -q '198.51.100.80' "$work/dig.out" || { echo "FAIL dig: no answer"; fail=1; }
sleep 0.5 # the answer learned before the connection, as a round trip would ensure
# A ClientHello without a name (a name, when there is one, decides the flow
# by itself): the address learned from the answer decides it.
inc openssl s_client -bind 192.0.2.10:0 -noservername -connect 198.51.100.80:443 \
    < /dev/null > "$work/s_client.out" 2>&1 || true
grep -q '^CONNECTED' "$work/s_client.out" || { echo "FAIL s_client learned"; fail=1; }
inc gnutls-cli --insecure -p 443 203.0.113.197 < /dev/null \
    > "$work/gnutls.out" 2>&1 || true
grep -q 'Handshake was completed' "$work/gnutls.out" || { echo "FAIL gnutls-cli"; fail=1; }
inc curl -sk --interface 192.0.2.12 --resolve updates.kaspersky-labs.com:443:198.51.100.90 \
    -o /dev/null https://updates.kaspersky-labs.com/ || { echo "FAIL curl sni"; fail=1; }
for _ in $(seq 50); do # the range's server up, 5 s at most
    inc bash -c 'exec 3<>/dev/tcp/198.51.100.90/23150' 2> /dev/null && break
    sleep 0.1
done
inc curl -sk --interface 192.0.2.12 --resolve agent.ksc.kaspersky.com:23150:198.51.100.90 \
    -o /dev/null https://agent.ksc.kaspersky.com:23150/ || { echo "FAIL curl management"; fail=1; }
inc dig +tries=1 +time=3 -b 192.0.2.13 @198.51.100.53 www.example.org A > /dev/null
inc curl -s --interface 192.0.2.13 -o "$work/big.out" http://198.51.100.90:8080/big.bin ||
    { echo "FAIL bulk download"; fail=1; }
cmp -s "$work/big.out" "$work/www/big.bin" || { echo "FAIL bulk download: bytes differ"; fail=1; }

# ---- What tapcensus counted ----
# sample SERIES: its value in the last scrape (label values hold spaces).
scrape() { curl -sf "$LINGER_BASE:$port/metrics" > "$work/metrics.prom" || true; }
sample() { grep -v '^#' "$work/metrics.prom" | grep -F -- "$1 " | awk '{print $NF}' || true; }
org='{org="lab-clients",org_name="Lab Clients",country="DE",sector="education",government="false",vendor="kaspersky",role="other"'
want_dns=1 want_learned=1 want_server=1 want_sni=1 want_clients=3
got=""
for _ in $(seq 100); do # counted within 10 s
    sleep 0.1
    scrape
    got="$(sample "tapcensus_org_sessions_total${org},signal=\"dns\"}") $(sample "tapcensus_org_sessions_total${org},signal=\"learned-ip\"}") $(sample "tapcensus_org_sessions_total${org},signal=\"server-ip\"}") $(sample "tapcensus_org_sessions_total${org},signal=\"tls-sni\"}") $(sample "tapcensus_org_unique_clients${org},window=\"all\"}")"
    # The download's drops too: the exposition is rendered once a second,
    # so the prefilter's counters may lag the sessions by that much.
    drop_by=$(sample 'tapcensus_prefilter_bytes_total{reason="drop_tcp"}')
    [ "$got" = "$want_dns $want_learned $want_server $want_sni $want_clients" ] &&
        [ "${drop_by:-0}" -ge 24000000 ] && break
done
[ "$got" = "$want_dns $want_learned $want_server $want_sni $want_clients" ] ||
    { echo "FAIL sessions dns learned-ip server-ip tls-sni, clients: got [$got], want [$want_dns $want_learned $want_server $want_sni $want_clients]"; fail=1; }
# The ClientHello on TCP 23150 passed the prefilter (a port of a range) and
# its name decided: one management session.
mgmt=${org/role=\"other\"/role=\"management\"}
n=$(sample "tapcensus_org_sessions_total${mgmt},signal=\"tls-sni\"}")
[ "${n:-0}" = 1 ] || { echo "FAIL management session on TCP 23150: ${n:-none}, want 1"; fail=1; }
for s in quic-sni http-host payload; do # none: no series (a signal's zeros are not written)
    n=$(sample "tapcensus_org_sessions_total${org},signal=\"$s\"}")
    [ "${n:-0}" = 0 ] || { echo "FAIL sessions $s: $n, want 0"; fail=1; }
done
drop_pk=$(sample 'tapcensus_prefilter_packets_total{reason="drop_tcp"}')
drop_by=$(sample 'tapcensus_prefilter_bytes_total{reason="drop_tcp"}')
if [ -z "$drop_by" ] || [ "$drop_by" -lt 24000000 ]; then
    echo "FAIL prefilter: ${drop_by:-no} bytes dropped as drop_tcp, want the 24 MB download's"; fail=1
fi
# Every packet to or from the learned and the configured server passed as
# pass_server: as many as the mirror carried (counted on m0 above; late
# retransmits too, so both are read until they agree, 5 s at most), and
# the two sessions' flows hold no more than that (what follows a flow's
# end, the last ACK after both FINs, is the table's no longer).
for _ in $(seq 50); do
    scrape
    srv=$(sample 'tapcensus_prefilter_packets_total{reason="pass_server"}')
    carried=$(cat "$work/sniff.py.count" 2> /dev/null || echo none)
    [ "$srv" = "$carried" ] && break
    sleep 0.1
done
flows=$(grep -v '^#' "$work/metrics.prom" | grep -F 'tapcensus_org_flow_packets_total{org="lab-clients"' |
        grep -E 'signal="(learned-ip|server-ip)"' | awk '{s+=$NF} END{print s+0}')
if [ -z "$srv" ] || [ "$srv" != "$carried" ] || [ "$flows" -gt "$srv" ] || [ "$flows" -lt 10 ]; then
    echo "FAIL prefilter pass_server ${srv:-?}, the mirror carried $carried to or from those servers, their flows $flows"; fail=1
fi
# A frame the prefilter has just passed may still be in the AF_XDP ring,
# not yet taken by a worker (a late ACK while the exposition is rendered):
# read until the two agree, 5 s at most.
for _ in $(seq 50); do
    scrape
    passed=$(awk '/^tapcensus_prefilter_packets_total\{reason="pass_/{s+=$2} END{print s+0}' "$work/metrics.prom")
    rx=$(sample tapcensus_packets_received_total)
    [ "$rx" = "$passed" ] && break
    sleep 0.1
done
[ "$rx" = "$passed" ] || { echo "FAIL workers received $rx, the prefilter passed $passed"; fail=1; }
if grep -qE '192\.0\.2\.1[0-3]' "$work/metrics.prom"; then
    echo "FAIL a client address appears in the exposition"; fail=1
fi
# A reload in live mode keeps the prefilter's ports (xdp_prog= added alike).
kill -HUP "$tc_pid"
for _ in $(seq 50); do grep -q 'reload' "$work/tapcensus.err" && break; sleep 0.1; done
grep -q 'reloaded .* (SIGHUP)' "$work/tapcensus.err" ||
    { echo "FAIL live reload: $(grep reload "$work/tapcensus.err")"; fail=1; }
kill "$tc_pid"; wait "$tc_pid" || { echo "FAIL tapcensus exited $? on SIGTERM"; fail=1; }
tc_pid=""
[ $fail = 0 ] && echo "PASS live: 3 vendor clients, sessions dns=1 learned-ip=1 server-ip=1 tls-sni=1, management tls-sni=1 on TCP 23150; prefilter passed $srv packets to or from vendor servers and dropped $drop_pk packets ($drop_by bytes) of TCP in the kernel; workers received $rx = passed"
exit $fail
