#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A real Prometheus: Debian's prometheus server on loopback scrapes a
# tapcensus that has replayed a generated capture (--linger keeps it up),
# over TLS with basic auth (web: with a fresh self-signed certificate and an
# htpasswd bcrypt hash), and PromQL through the HTTP API must give the
# generator's truth: organisations with clients, by country, counted by
# Prometheus itself from the per-organisation series, and the exported
# country aggregate.  The same process answers the JSON API, DPDK
# telemetry (/tapcensus/*) and an authenticated POST /-/reload with the
# truth too, and refuses requests without the password.
#   prom_check.sh TAPCENSUS TC_GEN CONFIG WORKDIR
set -euo pipefail
. "$(dirname "$0")/linger.sh"
tapcensus=$1 gen=$2 config=$3 work=$(realpath -m "$4")
rm -rf "$work"; mkdir -p "$work"
"$gen" "$work/in.pcap" "$work/truth.tsv" --seed 51 --sessions 800
"$gen" --orgs "$work/orgs.csv"
confdir=$(cd "$(dirname "$config")" && pwd) # its vendors/ catalogue is included
sed -e "s|^organisations:.*|organisations: $work/orgs.csv|" \
    -e "s|include: vendors/|include: $confdir/vendors/|" \
    -e "s|--file-prefix\", \"tapcensus\"|--file-prefix\", \"prom$$\"|" \
    -e "s|^  port:.*|  port: 0|" "$config" > "$work/tapcensus.yaml"
# TLS and basic auth, as an operator would set them up.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj /CN=tapcensus-test -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$work/server.key" -out "$work/server.crt" 2> /dev/null
pass=$(head -c 12 /dev/urandom | base64 | tr -d '/+=')
hash=$(htpasswd -nbBC 10 prom "$pass" | cut -d: -f2)
cat >> "$work/tapcensus.yaml" <<YML
web:
  tls_server_config:
    cert_file: $work/server.crt
    key_file: $work/server.key
  basic_auth_users:
    prom: $hash
YML
LINGER_BASE=https://127.0.0.1
LINGER_CURL=(--cacert "$work/server.crt" -u "prom:$pass")
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
    scheme: https
    tls_config:
      ca_file: $work/server.crt
    basic_auth:
      username: prom
      password: $pass
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
    got=$(query 'count by (country) (tapcensus_org_product_clients{window="30d",org!="unattributed"} > 0)' || true)
    [ "$got" = "$want" ] && break
done
fail=0
if [ "$got" != "$want" ]; then
    echo "FAIL PromQL organisations active by country: got [$got], want [$want]"; fail=1
fi
want=$(awk '$1=="group" && $2=="country" {print $3, $6}' "$work/truth.tsv" | sort)
got=$(query 'sum by (country) (tapcensus_country_unique_clients{use="product",window="all"})' || true)
[ "$got" = "$want" ] || { echo "FAIL PromQL clients by country: got [$got], want [$want]"; fail=1; }
# Exposition lint by Prometheus' own tool, warnings included.
curl -sf "${LINGER_CURL[@]}" "$LINGER_BASE:$port/metrics" > "$work/metrics.prom"

# Without the password, a wrong one, or without TLS: no metrics.
for opts in "--cacert $work/server.crt" "--cacert $work/server.crt -u prom:wrong"; do
    # shellcheck disable=SC2086
    code=$(curl -s -o /dev/null -w '%{http_code}' $opts "$LINGER_BASE:$port/metrics" || true)
    [ "$code" = 401 ] || { echo "FAIL auth: $opts gave HTTP $code, want 401"; fail=1; }
done
if curl -sf "http://127.0.0.1:$port/metrics" > /dev/null 2>&1; then
    echo "FAIL TLS: plain HTTP was answered"; fail=1
fi

# The JSON API and DPDK telemetry against the truth: each organisation's
# sessions by signal, and the packets received.
curl -sf "${LINGER_CURL[@]}" "$LINGER_BASE:$port/api/v1/orgs" > "$work/orgs.json"
curl -sf "${LINGER_CURL[@]}" "$LINGER_BASE:$port/api/v1/dataplane" > "$work/dataplane.json"
python3 - "$work/orgs.json" "$work/truth.tsv" "/var/run/dpdk/prom$$/dpdk_telemetry.v2" "$work/dataplane.json" <<'PY' || fail=1
import json, socket, sys
api = json.load(open(sys.argv[1]))
dataplane = json.load(open(sys.argv[4]))
truth = {}
packets = None
for line in open(sys.argv[2]):
    f = line.split()
    if f[0] == "sessions":
        truth.setdefault(f[1], {})[(f[2], f[3])] = int(f[4])
    elif f[0] == "packets":
        packets = int(f[1])
got = {o["id"]: {(v, s): n for v, d in o["vendors"].items() for s, n in d["sessions"].items()}
       for o in api["organisations"]}
bad = 0
for org, want in truth.items():
    for k, n in want.items():
        if got.get(org, {}).get(k, 0) != n:
            print("FAIL api %s %s: got %s, want %d" % (org, k, got.get(org, {}).get(k), n)); bad = 1
tel = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
tel.settimeout(5)
tel.connect(sys.argv[3])
tel.recv(16384)  # the greeting
def ask(cmd):
    tel.send(cmd.encode())
    return json.loads(tel.recv(65536).decode())[cmd.split(",")[0]]
stats = ask("/tapcensus/stats")
if stats["packets_received"] != packets:
    print("FAIL telemetry packets_received: got %s, want %d" % (stats["packets_received"], packets)); bad = 1
# The JSON API's dataplane counters and telemetry's come from one table:
# the same keys, the packets the truth says (received = processed + dropped).
if dataplane.get("packets_received") != packets:
    print("FAIL api dataplane packets_received: got %s, want %d" % (dataplane.get("packets_received"), packets)); bad = 1
split = sum(n for k, n in dataplane.items() if k.startswith(("processed_", "dropped_")))
if split != packets:
    print("FAIL api dataplane: processed and dropped sum to %d, want %d" % (split, packets)); bad = 1
for k in ("generated", "flows_active"):
    dataplane.pop(k, None)
missing = sorted(k for k in dataplane if k not in stats)
if missing:
    print("FAIL telemetry lacks the API's dataplane keys %s" % missing); bad = 1
for org, want in truth.items():
    o = ask("/tapcensus/org," + org)
    for (v, s), n in want.items():
        key = "sessions_" + s.replace("-", "_")
        if o[v][key] != n:
            print("FAIL telemetry %s %s %s: got %s, want %d" % (org, v, s, o[v][key], n)); bad = 1
ids = ask("/tapcensus/orgs")
if sorted(ids["ids"]) != sorted(got):
    print("FAIL telemetry orgs: %s vs %s" % (ids["ids"], sorted(got))); bad = 1
sys.exit(bad)
PY
code=$(curl -s -o "$work/reload.out" -w '%{http_code}' -X POST "${LINGER_CURL[@]}" \
       "$LINGER_BASE:$port/-/reload" || true)
[ "$code" = 200 ] || { echo "FAIL reload over TLS with auth: HTTP $code $(cat "$work/reload.out")"; fail=1; }
lint=$(promtool check metrics < "$work/metrics.prom" 2>&1) || true
[ -z "$lint" ] || { echo "FAIL promtool check metrics: $lint"; fail=1; }
[ $fail = 0 ] && echo "PASS: PromQL over a real Prometheus scrape (TLS, basic auth), the JSON API and DPDK telemetry equal the truth"
exit $fail
