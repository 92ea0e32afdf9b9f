#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Real Chromium traffic (tests/captures, made by chromium_capture.sh): each
# capture first teaches the server's address through a DNS answer for the
# vendor's name, then carries a ClientHello that arrives in pieces (TCP
# segments; QUIC Initials, the server silent or answering the first).  The
# name must decide every such session: sessions by signal equal the
# capture's truth (read by tshark), none by the learned address; the named
# ones are corroborated by the address the answer taught (name-only: the
# DNS queries alone, whose server is the resolver).
#   chromium_check.sh TAPCENSUS CONFIG CAPTURES WORKDIR
set -euo pipefail
tapcensus=$1 config=$2 caps=$(realpath "$3") work=$(realpath -m "$4")
rm -rf "$work"; mkdir -p "$work"
printf 'prefix,org_id,name,country,sector,government\n192.0.2.0/24,AS64500,Chromium Lab,DE,education,false\n' \
    > "$work/orgs.csv"
ln -sfn "$(cd "$(dirname "$0")/.." && pwd)/config/vendors" "$work/vendors"
sed -e "s|^organisations:.*|organisations: $work/orgs.csv|" \
    -e "s|--file-prefix\", \"tapcensus\"|--file-prefix\", \"chr$$\"|" \
    -e "s|^  port:.*|  port: 0|" "$config" > "$work/tapcensus.yaml"
fail=0
n=0
for pcap in "$caps"/chromium-*.pcap; do
    cap=$(basename "$pcap" .pcap)
    n=$((n + 1))
    "$tapcensus" -c "$work/tapcensus.yaml" --pcap "$pcap" -o "$work/$cap.prom" \
        > "$work/$cap.txt" 2> "$work/$cap.err" || { echo "FAIL $cap: tapcensus exited $?"; fail=1; continue; }
    learned=$(awk '$1 == "tapcensus_learned_addresses_total" {print $2}' "$work/$cap.prom")
    if [ "${learned:-0}" -lt 1 ]; then
        echo "FAIL $cap: no address learned from the DNS answer (the case tests nothing)"; fail=1
    fi
    while read -r kind sig want; do
        case $kind in \#*|"") continue;; esac
        fam=tapcensus_org_sessions_total
        [ "$kind" = name-only ] && fam=tapcensus_org_sessions_name_only_total
        got=$(awk -v m="$fam{" -v s="signal=\"$sig\"" 'index($0, m) == 1 &&
              index($0, "org=\"AS64500\"") && index($0, "vendor=\"kaspersky\"") && index($0, s) {t += $NF}
              END {print t + 0}' "$work/$cap.prom")
        if [ "$got" != "$want" ]; then
            echo "FAIL $cap: $kind $sig $got, the capture holds $want"; fail=1
        else
            echo "ok   $cap: $kind $sig $got"
        fi
    done < "$caps/$cap.truth"
done
[ "$n" = 3 ] || { echo "FAIL: $n captures, want 3"; fail=1; }
exit $fail
