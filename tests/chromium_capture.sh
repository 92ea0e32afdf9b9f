#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Makes the real-browser captures in tests/captures (run by hand, as root;
# the test replays the committed files): Debian's Chromium in a network
# namespace resolves dnl-01.geo.kaspersky.com through dnsmasq (the answer
# teaches the server's address) and connects to it:
#   chromium-tls-split    over TCP: its post-quantum ClientHellos span two
#                         segments, two connections opened together
#   chromium-quic-silent  over QUIC to a UDP 443 listener that never answers
#                         (the ClientHello over two Initials, retransmitted)
#   chromium-quic-answer  over QUIC to ngtcp2's gtlsserver (Debian's
#                         ngtcp2-server), which acknowledges the first Initial
# Each capture's ground truth (.truth: sessions by signal) is read from the
# capture by tshark, not by tapcensus: TCP connections and QUIC connections
# whose ClientHello names the vendor, DNS query flows naming it.
#   client ns: c0 192.0.2.10/24 <-veth-> server ns: s0 192.0.2.1/24, servers
#   on its lo: 198.51.100.53 dnsmasq, 198.51.100.80 the vendor's server.
#   chromium_capture.sh [OUTDIR]   (default tests/captures)
#   chromium_capture.sh --truth    the truth files of tests/captures again
set -euo pipefail
out=$(realpath -m "$(dirname "$0")/captures")
[ "${1:-}" = --truth ] || [ -z "${1:-}" ] || out=$(realpath -m "$1")
apt_need=()
for p in chromium ngtcp2-server tcpdump tshark dnsmasq-base openssl ethtool; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || apt_need+=("$p")
done
if [ ${#apt_need[@]} -gt 0 ]; then
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${apt_need[@]}"
fi
mkdir -p "$out"
work=$(mktemp -d)
name=dnl-01.geo.kaspersky.com
count() { # PCAP FILTER FIELD: distinct values of FIELD in the frames FILTER selects
    tshark -r "$1" -Y "$2" -T fields -e "$3" 2>/dev/null | sort -u | grep -c . || true
}
# The ground truth of one capture, read by tshark: sessions by signal, and
# of them the name-only ones (to a server no DNS answer in the capture
# taught: DNS queries go to the resolver, so all of theirs).
write_truth() { # PCAP
    local f=$1 hello answer tls quic tls_at quic_at dns
    hello="tls.handshake.type == 1 && tls.handshake.extensions_server_name == \"$name\""
    answer=$(tshark -r "$f" -Y "dns.flags.response == 1 && dns.qry.name == \"$name\" && dns.a" \
             -T fields -e dns.a 2>/dev/null | head -1)
    tls=$(count "$f" "tcp && $hello" tcp.stream)
    quic=$(count "$f" "quic && $hello" udp.stream)
    tls_at=$(count "$f" "tcp && $hello && ip.dst == ${answer:-0.0.0.0}" tcp.stream)
    quic_at=$(count "$f" "quic && $hello && ip.dst == ${answer:-0.0.0.0}" udp.stream)
    dns=$(count "$f" "dns.flags.response == 0 && dns.qry.name == \"$name\"" udp.stream)
    {
        echo "# read by tshark $(tshark --version | head -1 | awk '{print $3}') from $(basename "$f"); the answer taught ${answer:-nothing}"
        echo "sessions tls-sni $tls"
        echo "sessions quic-sni $quic"
        echo "sessions dns $dns"
        echo "sessions learned-ip 0"
        echo "name-only tls-sni $((tls - tls_at))"
        echo "name-only quic-sni $((quic - quic_at))"
        echo "name-only dns $dns"
    } > "${f%.pcap}.truth"
}

if [ "${1:-}" = --truth ]; then # the truth of committed captures, again
    for f in "$out"/chromium-*.pcap; do write_truth "$f"; done
    rm -rf "$work"
    exit 0
fi

C=ccl$$ S=csv$$
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    ip netns del "$C" 2>/dev/null || true
    ip netns del "$S" 2>/dev/null || true
    rm -rf "/etc/netns/$C" "$work"
}
trap cleanup EXIT

ip netns add "$C"
ip netns add "$S"
ip link add c0 netns "$C" type veth peer name s0 netns "$S"
ip -n "$C" link set lo up
ip -n "$S" link set lo up
ip -n "$C" addr add 192.0.2.10/24 dev c0
ip -n "$S" addr add 192.0.2.1/24 dev s0
ip -n "$S" addr add 198.51.100.53/32 dev lo
ip -n "$S" addr add 198.51.100.80/32 dev lo
ip -n "$C" link set c0 up
ip -n "$S" link set s0 up
ip -n "$C" route add default via 192.0.2.1
# Frames as a tap sees them: no segmentation or coalescing offloads.
ip netns exec "$C" ethtool -K c0 tso off gso off gro off > /dev/null 2>&1 || true
ip netns exec "$S" ethtool -K s0 tso off gso off gro off > /dev/null 2>&1 || true
ip netns exec "$C" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
ip netns exec "$S" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
# ip netns exec bind-mounts this over /etc/resolv.conf for the client.
mkdir -p "/etc/netns/$C"
echo "nameserver 198.51.100.53" > "/etc/netns/$C/resolv.conf"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj "/CN=$name" -keyout "$work/key.pem" -out "$work/cert.pem" 2> /dev/null
# Every other name is refused: Chromium's own background lookups stay DNS.
ip netns exec "$S" dnsmasq --no-daemon --no-resolv --no-hosts --bind-interfaces \
    --listen-address=198.51.100.53 --address="/$name/198.51.100.80" --local-ttl=300 \
    --pid-file="$work/dnsmasq.pid" --user=root > "$work/dnsmasq.log" 2>&1 &
pids+=($!)
ip netns exec "$S" openssl s_server -accept 198.51.100.80:443 -cert "$work/cert.pem" \
    -key "$work/key.pem" -www -quiet > "$work/s_server.log" 2>&1 &
pids+=($!)

capture() { # NAME [chromium options]
    local cap=$1 tp; shift
    ip netns exec "$S" tcpdump -i s0 -s 0 -U -w "$work/$cap.pcap" 'not arp' \
        > "$work/tcpdump.log" 2>&1 &
    tp=$!
    sleep 1
    ip netns exec "$C" timeout 12 chromium --headless --no-sandbox --disable-gpu \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$work/profile-$cap" --ignore-certificate-errors "$@" \
        --dump-dom "https://$name/" > /dev/null 2> "$work/chromium-$cap.log" || true
    sleep 1
    kill "$tp"; wait "$tp" 2>/dev/null || true
    cp "$work/$cap.pcap" "$out/$cap.pcap"
    write_truth "$out/$cap.pcap"
    echo "chromium_capture: $out/$cap.pcap ($(grep -v '^#' "$out/$cap.truth" | tr '\n' ' '))"
}

capture chromium-tls-split
quic=(--enable-quic "--origin-to-force-quic-on=$name:443")
# A listener that reads and never answers: Chromium gets no ICMP and keeps
# retransmitting its Initials.
ip netns exec "$S" python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("198.51.100.80", 443))
s.settimeout(1)
end = time.time() + 30
while time.time() < end:
    try:
        s.recvfrom(2048)
    except socket.timeout:
        pass' &
silent=$!
pids+=($silent)
sleep 0.5
capture chromium-quic-silent "${quic[@]}"
kill "$silent"; wait "$silent" 2>/dev/null || true
ip netns exec "$S" gtlsserver 198.51.100.80 443 "$work/key.pem" "$work/cert.pem" -q \
    > "$work/gtlsserver.log" 2>&1 &
pids+=($!)
sleep 0.5
capture chromium-quic-answer "${quic[@]}"
