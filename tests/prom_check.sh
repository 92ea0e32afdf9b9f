#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A real Prometheus: Debian's prometheus server on loopback scrapes a
# tapcensus that has replayed a generated capture (--linger keeps it up),
# and PromQL through the HTTP API must give the generator's truth:
# organisations with clients, by country, counted by Prometheus itself from
# the per-organisation series, and the exported country aggregate.
#   prom_check.sh TAPCENSUS TC_GEN CONFIG WORKDIR
set -euo pipefail
. "$(dirname "$0")/linger.sh"
tapcensus=$1 gen=$2 config=$3 work=$(realpath -m "$4")
rm -rf "$work"; mkdir -p "$work"
"$gen" "$work/in.pcap" "$work/truth.tsv" --seed 51 --sessions 800
"$gen" --orgs "$work/orgs.csv"
sed -e "s|^organisations:.*|organisations: $work/orgs.csv|" \
    -e "s|--file-prefix\", \"tapcensus\"|--file-prefix\", \"prom$$\"|" \
    -e "s|^  port:.*|  port: 0|" "$config" > "$work/tapcensus.yaml"
tc_pid="" prom_pid=""
cleanup() { [ -z "$tc_pid" ] || kill "$tc_pid" 2>/dev/null || true
            [ -z "$prom_pid" ] || kill "$prom_pid" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT
"$tapcensus" -c "$work/tapcensus.yaml" --pcap "$work/in.pcap" --linger --no-summary \
    > /dev/null 2> "$work/tapcensus.err" &
tc_pid=$!
port=$(linger_port "$work/tapcensus.err") ||
    { echo "FAIL: tapcensus did not start"; cat "$work/tapcensus.err"; exit 1; }
want_rx=$(awk '$1=="packets"{print $2}' "$work/truth.tsv")
for _ in $(seq 300); do # the replay to its end, 30 s at most
    rx=$(linger_metric "$port" tapcensus_packets_received_total)
    [ "$rx" = "$want_rx" ] && break
    sleep 0.1
done
[ "$rx" = "$want_rx" ] || { echo "FAIL: replay received ${rx:-?} of $want_rx"; exit 1; }

# Prometheus on a free loopback port, scraping every second.
pport=$(( 20000 + RANDOM % 20000 ))
cat > "$work/prometheus.yml" <<YML
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: tapcensus
    static_configs:
      - targets: ['127.0.0.1:$port']
YML
promtool check config "$work/prometheus.yml" > /dev/null
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
    --web.listen-address="127.0.0.1:$pport" > "$work/prometheus.log" 2>&1 &
prom_pid=$!
# query PROMQL: "label value" lines, sorted.
query() {
    curl -sf --get "http://127.0.0.1:$pport/api/v1/query" --data-urlencode "query=$1" \
        | grep -o '"country":"[^"]*"},"value":\[[^]]*\]' \
        | sed 's/"country":"\([^"]*\)"},"value":\[[^,]*,"\([^"]*\)"\]/\1 \2/' | sort
}
want=$(awk '$1=="group" && $2=="country" && $5>0 {print $3, $5}' "$work/truth.tsv" | sort)
got=""
for _ in $(seq 600); do # Prometheus up and two scrapes in, 60 s at most
    sleep 0.1
    got=$(query 'count by (country) (tapcensus_org_unique_clients{window="30d",org!="unattributed"} > 0)' || true)
    [ "$got" = "$want" ] && break
done
fail=0
if [ "$got" != "$want" ]; then
    echo "FAIL PromQL organisations active by country: got [$got], want [$want]"; fail=1
fi
want=$(awk '$1=="group" && $2=="country" {print $3, $6}' "$work/truth.tsv" | sort)
got=$(query 'sum by (country) (tapcensus_country_unique_clients{window="all"})' || true)
[ "$got" = "$want" ] || { echo "FAIL PromQL clients by country: got [$got], want [$want]"; fail=1; }
# Exposition lint by Prometheus' own tool, warnings included.
curl -sf "http://127.0.0.1:$port/metrics" > "$work/metrics.prom"
lint=$(promtool check metrics < "$work/metrics.prom" 2>&1) || true
[ -z "$lint" ] || { echo "FAIL promtool check metrics: $lint"; fail=1; }
[ $fail = 0 ] && echo "PASS: PromQL over a real Prometheus scrape equals the truth"
exit $fail
