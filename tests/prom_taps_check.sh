#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A central Prometheus over three taps: a generated capture split in three
# as a symmetric RSS key splits it, each part replayed by its own tapcensus
# (--linger keeps them up), Debian's Prometheus scraping all three; sessions
# sum across taps (each flow is counted at one), so `sum by (org)` of
# tapcensus_org_sessions_total equals the generator's sessions per
# organisation, and the per-tap unique clients sum to more than the truth
# (which is why the census database merges sketches instead).
#   prom_taps_check.sh TAPCENSUS TC_GEN CONFIG WORKDIR
set -euo pipefail
. "$(dirname "$0")/linger.sh"
tapcensus=$1 gen=$2 config=$3 work=$(realpath -m "$4")
rm -rf "$work"; mkdir -p "$work"
"$gen" "$work/in.pcap" "$work/truth.tsv" --seed 53 --sessions 1200 --queues 3
"$gen" --orgs "$work/orgs.csv"
confdir=$(cd "$(dirname "$config")" && pwd)
pids=() prom_pid=""
cleanup() { for p in "${pids[@]}" $prom_pid; do kill "$p" 2>/dev/null || true; done
            wait 2>/dev/null || true; }
trap cleanup EXIT
targets=""
for k in 0 1 2; do
    sed -e "s|^organisations:.*|organisations: $work/orgs.csv|" \
        -e "s|include: vendors/|include: $confdir/vendors/|" \
        -e "s|--file-prefix\", \"tapcensus\"|--file-prefix\", \"promtap$$$k\"|" \
        -e "s|^  port:.*|  port: 0|" "$config" > "$work/tap$k.yaml"
    "$tapcensus" -c "$work/tap$k.yaml" --pcap "$work/in.pcap.q$k" --linger --no-summary \
        > /dev/null 2> "$work/tap$k.err" &
    pids+=($!)
    port=$(linger_port "$work/tap$k.err") ||
        { echo "FAIL: tap $k did not start"; cat "$work/tap$k.err"; exit 1; }
    targets+="'127.0.0.1:$port', "
done
pport=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$work/prometheus.yml" <<YML
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: taps
    static_configs:
      - targets: [${targets%, }]
YML
promtool check config "$work/prometheus.yml" > /dev/null
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
    --web.listen-address="127.0.0.1:$pport" > "$work/prometheus.log" 2>&1 &
prom_pid=$!
query() { # PROMQL: "org value" lines, sorted
    curl -sf --get "http://127.0.0.1:$pport/api/v1/query" --data-urlencode "query=$1" |
        /usr/bin/python3 -c 'import json, sys
for r in json.load(sys.stdin)["data"]["result"]: print(r["metric"].get("org", "-"), r["value"][1])' 2> /dev/null | sort
}
want=$(awk '$1 == "sessions" { s[$2] += $5 } END { for (o in s) if (s[o] > 0) print o, s[o] }' \
           "$work/truth.tsv" | sort)
got=""
for _ in $(seq 900); do # the replays done, Prometheus up and scraping: 90 s at most
    sleep 0.1
    got=$(query 'sum by (org) (tapcensus_org_sessions_total) > 0' || true)
    [ "$got" = "$want" ] && break
done
fail=0
[ "$got" = "$want" ] || { echo "FAIL sum by (org) of sessions over three taps: got [$got], want [$want]"; fail=1; }
up=$(query 'count(up == 1)' | awk '{print $NF}')
[ "$up" = 3 ] || { echo "FAIL $up of 3 taps up"; fail=1; }
truth=$(awk '$1 == "product_clients" && $2 != "unattributed" { s += $4 } END { print s + 0 }' "$work/truth.tsv")
pertap=$(query 'sum(tapcensus_org_product_clients{window="all",org!="unattributed"})' | awk '{print $NF}')
[ "${pertap:-0}" -gt "$truth" ] ||
    { echo "FAIL the taps' unique clients sum to ${pertap:-?}, not above the truth's $truth"; fail=1; }
echo "prometheus over 3 taps: sessions by organisation equal the truth ($(echo "$want" | wc -l) organisations); unique clients sum to $pertap per tap against $truth in truth"
exit "$fail"
