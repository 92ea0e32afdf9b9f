#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# One-sided taps: the same sessions captured on the clients' side only and
# on the servers' side only (tc_gen --side), each replayed by its own tap.
# The clients' side counts every session a name decides exactly as the
# truth says (TLS and QUIC SNI, HTTP Host, DNS, payload, and a configured
# server address at the ClientHello), learns no
# address (no answer passes it) and says every flow is one-sided; the
# servers' side counts no session at all (a session counts where its
# client is seen, so the two taps' sessions add up to the truth's and
# never twice), still learns the addresses of the vendor's DNS answers it
# sees without their queries, and says every flow is one-sided too.
#   oneside_check.sh TAPCENSUS TC_GEN CONFIG WORKDIR
set -euo pipefail
tc=$(realpath "$1") gen=$(realpath "$2") conf=$(realpath "$3") work=$(realpath -m "$4")
root=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$work"; mkdir -p "$work"
"$gen" "$work/both.pcap" "$work/truth.tsv" --seed 61 --sessions 1500
"$gen" "$work/client.pcap" "$work/client.tsv" --seed 61 --sessions 1500 --side client
"$gen" "$work/server.pcap" "$work/server.tsv" --seed 61 --sessions 1500 --side server
"$gen" --orgs "$work/orgs.csv"
sed -e "s|^organisations:.*|organisations: $work/orgs.csv|" \
    -e "s|--file-prefix\", \"tapcensus\"|--file-prefix\", \"oneside$$\"|" \
    -e "s|include: vendors/|include: $root/config/vendors/|" \
    -e "s|^  evidence: true|  evidence: false|" "$conf" > "$work/tc.yaml"
fail=0
for side in client server; do
    timeout 120 "$tc" -c "$work/tc.yaml" --pcap "$work/$side.pcap" -o "$work/$side.prom" \
        --no-summary > /dev/null 2> "$work/$side.err" ||
        { echo "FAIL $side: tapcensus exited $?"; cat "$work/$side.err"; exit 1; }
done
value() { awk -v k="$2" 'index($0, k) == 1 {print $NF}' "$1"; }
# Sessions by organisation, vendor key (vendor or vendor/role) and signal.
sessions() {
    { grep '^tapcensus_org_sessions_total{' "$1" || true; } |
        sed -E 's/.*org="([^"]*)".*vendor="([^"]*)",role="([^"]*)",signal="([^"]*)"\} ([0-9]+)$/\1 \2 \3 \4 \5/' |
        awk '{ print $1, ($3 == "other" ? $2 : $2 "/" $3), $4, $5 }' | sort
}
sessions "$work/client.prom" > "$work/client.sessions"
sessions "$work/server.prom" > "$work/server.sessions"
# The clients' side: the name signals exactly, nothing by a learned address.
awk '$1 == "sessions" && $4 ~ /^(tls-sni|quic-sni|http-host|dns|payload|server-ip)$/ && $5 > 0 {print $2, $3, $4, $5}' \
    "$work/truth.tsv" | sort > "$work/want.names"
awk '$3 ~ /^(tls-sni|quic-sni|http-host|dns|payload|server-ip)$/ && $4 > 0' "$work/client.sessions" |
    sort > "$work/got.names"
if ! cmp -s "$work/want.names" "$work/got.names"; then
    echo "FAIL client side: sessions by name differ from the truth:"; diff "$work/want.names" "$work/got.names" | head; fail=1
fi
[ -s "$work/want.names" ] || { echo "FAIL no named session in the truth"; fail=1; }
learned_ip=$(awk '$3 == "learned-ip" {s += $4} END {print s + 0}' "$work/client.sessions")
[ "$learned_ip" = 0 ] || { echo "FAIL client side: $learned_ip sessions by learned address"; fail=1; }
[ "$(value "$work/client.prom" 'tapcensus_learned_addresses_total ')" = 0 ] ||
    { echo "FAIL client side: an address learned without answers"; fail=1; }
# The servers' side: no session; the answers alone teach.
server_sessions=$(awk '{s += $4} END {print s + 0}' "$work/server.sessions")
[ "$server_sessions" = 0 ] || { echo "FAIL server side: $server_sessions sessions"; fail=1; }
[ "$(value "$work/server.prom" 'tapcensus_learned_addresses_total ')" -gt 0 ] ||
    { echo "FAIL server side: the vendor's answers taught nothing"; fail=1; }
# Each side says how one-sided it is: every flow it started.
for side in client server; do
    want=$(awk -v s="$side" '$1 == "side_flows" && $2 == s {print $3}' "$work/truth.tsv")
    got=$(value "$work/$side.prom" "tapcensus_flows_one_sided{side=\"$side\"}")
    other=$(value "$work/$side.prom" "tapcensus_flows_one_sided{side=\"$([ $side = client ] && echo server || echo client)\"}")
    [ "$got" = "$want" ] && [ "$other" = 0 ] ||
        { echo "FAIL $side side: one-sided $got (other side $other), want $want and 0"; fail=1; }
done
echo "one-sided: $(wc -l < "$work/want.names") named session counts exact on the clients' side; the servers' side counts none and learned $(value "$work/server.prom" 'tapcensus_learned_addresses_total ') addresses"
exit "$fail"
