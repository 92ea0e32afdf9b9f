#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# End to end: generate a pcap with ground truth, replay it through tapcensus
# (DPDK net_pcap, --no-huge), and compare every figure of the exposition with
# the generator's truth; then lint the exposition with promtool.
#   e2e_check.sh TAPCENSUS TC_GEN CONFIG_DIR WORKDIR [generator options...]
set -euo pipefail
. "$(dirname "$0")/linger.sh"
tapcensus=$1 gen=$2 confdir=$3 work=$(realpath -m "$4")
shift 4
mkdir -p "$work"
rm -f "$work"/in.pcap*
"$gen" "$work/in.pcap" "$work/truth.tsv" "$@"
# With --queues, one --pcap per queue file (one RX queue, one worker each).
pcaps=()
for q in "$work"/in.pcap.q*; do [ -e "$q" ] && pcaps+=(--pcap "$q"); done
[ ${#pcaps[@]} -gt 0 ] || pcaps=(--pcap "$work/in.pcap")
"$gen" --orgs "$work/orgs.csv"
ln -sfn "$(cd "$(dirname "$0")/.." && pwd)/config/vendors" "$work/vendors" # the catalogue it includes
sed -e "s|^organisations:.*|organisations: $work/orgs.csv|" \
    -e "s|--file-prefix\", \"tapcensus\"|--file-prefix\", \"e2e$$\"|" \
    "$confdir/tapcensus.yaml" > "$work/tapcensus.yaml"
# A case may change the configuration further (tapcensus.sed: sed commands).
# @CASE@ in what it writes stands for the case's directory.
if [ -f "$confdir/tapcensus.sed" ]; then
    sed -i -f "$confdir/tapcensus.sed" -e "s|@CASE@|$confdir|g" "$work/tapcensus.yaml"
fi
# tapcensus.args: more options for the replay (one line).
extra=()
[ ! -f "$confdir/tapcensus.args" ] || read -r -a extra < "$confdir/tapcensus.args"
fail=0
t0=$(date +%s)
if [ -e "$work/in.pcap.p0" ]; then
    # A stop without warning, then a restart: the first part is replayed
    # with the state written every second; once the state covers it whole
    # (three writes after its last packet, so both generations do), the
    # process is killed with SIGKILL, the newest generation is cut short,
    # and the second part is replayed from the generation before.  The
    # final figures must equal the truth of the whole capture.
    n0=$(awk '$1=="part" && $2==0 {print $3}' "$work/truth.tsv")
    rm -rf "$work/state"
    sed -i -e "s|^  port:.*|  port: 0|" "$work/tapcensus.yaml"
    printf 'persistence:\n  dir: %s\n  interval: 1\n' "$work/state" >> "$work/tapcensus.yaml"
    "$tapcensus" -c "$work/tapcensus.yaml" --pcap "$work/in.pcap.p0" --linger \
        > "$work/summary0.txt" 2> "$work/stderr0.txt" &
    pid=$!
    port=$(linger_port "$work/stderr0.txt") || true
    rx="" ok0="" ok=""
    for _ in $(seq 600); do # 60 s at most
        [ -n "$port" ] || break
        sleep 0.1
        ok=$(linger_metric "$port" 'tapcensus_state_writes_total{result="ok"}')
        if [ -z "$ok0" ]; then
            rx=$(linger_metric "$port" tapcensus_packets_received_total)
            [ "$rx" = "$n0" ] && ok0=$ok
        elif [ "${ok:-0}" -ge $(( ok0 + 3 )) ]; then
            break
        fi
    done
    kill -9 "$pid"; wait "$pid" 2>/dev/null || true
    if [ -z "$ok0" ] || [ "${ok:-0}" -lt $(( ok0 + 3 )) ]; then
        echo "FAIL first part: received ${rx:-?} of $n0, state writes ${ok:-?} (from ${ok0:-?})"
        cat "$work/stderr0.txt"; exit 1
    fi
    truncate -s 100 "$work/state/state"
    pcaps=(--pcap "$work/in.pcap.p1")
fi
if [ -f "$confdir/reloads" ]; then
    # Reloads during the replay (see the case's README): the organisation
    # table rotated (every index changes), by SIGHUP and POST in turn;
    # every fourth attempt a bad table, which must be refused.
    sed -i -e "s|^  port:.*|  port: 0|" "$work/tapcensus.yaml"
    cp "$work/orgs.csv" "$work/orgs.orig"
    grep -E '^(#|prefix,)' "$work/orgs.orig" > "$work/orgs.head"
    grep -vE '^(#|prefix,)' "$work/orgs.orig" > "$work/orgs.rows"
    badline=$(( $(wc -l < "$work/orgs.head") + 1 ))
    rows=$(wc -l < "$work/orgs.rows")
    # Not under timeout(1), which would take the SIGHUPs: a watchdog instead.
    "$tapcensus" -c "$work/tapcensus.yaml" "${pcaps[@]}" --serve "${extra[@]}" \
        -o "$work/metrics.prom" > "$work/summary.txt" 2> "$work/stderr.txt" &
    pid=$!
    # Bounded well above its usual length (a world table loaded and reloaded
    # under the sanitizers: 130 s idle, 232 s beside other test runs).
    ( sleep 480 && kill -9 "$pid" ) > /dev/null 2>&1 &
    watchdog=$!
    port=$(linger_port "$work/stderr.txt") || { echo "FAIL reload: no port"; kill "$pid"; exit 1; }
    refused=0 bad_every=4
    [ ! -f "$confdir/bad_every" ] || bad_every=$(cat "$confdir/bad_every")
    for i in $(seq 1 2000); do # bounded: the replay ends first
        kill -0 "$pid" 2>/dev/null || break
        if [ $((i % bad_every)) = 0 ]; then
            { cat "$work/orgs.head"; echo "192.0.2.240/28,bad-row,Bad Row,usa,finance,no"; \
              cat "$work/orgs.rows"; } > "$work/orgs.tmp"
            mv "$work/orgs.tmp" "$work/orgs.csv"
            code=$(curl -s -o "$work/reload.out" -w '%{http_code}' -X POST \
                   "http://127.0.0.1:$port/-/reload" || true)
            [ "$code" = 000 ] || [ "$code" = 503 ] && break # the replay ended
            want="$work/orgs.csv:$badline: country: 'usa' is not an ISO 3166-1 alpha-2 code (two capitals)"
            if [ "$code" != 400 ] || ! grep -qF "$want" "$work/reload.out"; then
                echo "FAIL reload of a bad table: HTTP $code: $(cat "$work/reload.out")"; fail=1
            fi
            refused=$((refused + 1))
            continue
        fi
        k=$(( i % rows ))
        { cat "$work/orgs.head"; tail -n +$((k + 1)) "$work/orgs.rows"; head -n "$k" "$work/orgs.rows"; } \
            > "$work/orgs.tmp"
        mv "$work/orgs.tmp" "$work/orgs.csv"
        if [ $((i % 2)) = 0 ]; then
            code=$(curl -s -o "$work/reload.out" -w '%{http_code}' -X POST \
                   "http://127.0.0.1:$port/-/reload" || true)
            [ "$code" = 000 ] || [ "$code" = 503 ] && break # the replay ended
            [ "$code" = 200 ] || { echo "FAIL reload: HTTP $code: $(cat "$work/reload.out")"; fail=1; }
        else
            # Its result told before the table changes again (a world
            # table's reload reads its CSV seconds after the signal).
            told=$(grep -cE 'reloaded|reload refused' "$work/stderr.txt" || true)
            kill -HUP "$pid" 2>/dev/null || break
            for _ in $(seq 600); do # 60 s at most
                sleep 0.05
                kill -0 "$pid" 2>/dev/null || break
                [ "$(grep -cE 'reloaded|reload refused' "$work/stderr.txt" || true)" -le "$told" ] || break
            done
        fi
    done
    wait "$pid" || { echo "FAIL reload: tapcensus exited $?"; cat "$work/stderr.txt"; fail=1; }
    pkill -P "$watchdog" sleep 2>/dev/null || true
    cp "$work/orgs.orig" "$work/orgs.csv"
    total=$(awk '$1=="packets"{print $2}' "$work/truth.tsv")
    during=$(sed -n 's/.*reloaded .* at \([0-9]*\) packets in .*/\1/p' "$work/stderr.txt" \
             | awk -v t="$total" '$1 > 0 && $1 < t' | wc -l)
    echo "reload: $during reloads while packets arrived, $refused refused ($(grep -c 'reloaded' "$work/stderr.txt") in all)"
    if [ "$during" -lt "$(cat "$confdir/reloads")" ] || [ "$refused" -lt 1 ]; then
        echo "FAIL reload: want $(cat "$confdir/reloads") reloads during the replay and a refused one"
        fail=1
    fi
    grep -q "reload refused (POST /-/reload)" "$work/stderr.txt" \
        || { echo "FAIL reload: the refusal is not logged"; fail=1; }
else
    timeout 240 "$tapcensus" -c "$work/tapcensus.yaml" "${pcaps[@]}" \
        -o "$work/metrics.prom" > "$work/summary.txt" 2> "$work/stderr.txt"
fi
# Offline, the clock is the capture's: last-seen lies within its span.
t0=$(awk '$1=="span"{print $2}' "$work/truth.tsv")
t1=$(awk '$1=="span"{print $3}' "$work/truth.tsv")
if [ -e "$work/in.pcap.p0" ]; then
    for want in "state: checksum mismatch (truncated or corrupt); trying the previous generation" \
                "restored $work/state/state.1"; do
        grep -qF "$want" "$work/stderr.txt" || { echo "FAIL restart: no '$want' in stderr"; fail=1; }
    done
fi

# value METRIC_PREFIX: the sample value of the unique line starting with it.
value() {
    local n
    n=$(grep -v '^#' "$work/metrics.prom" | grep -cF -- "$1" || true)
    if [ "$n" != 1 ]; then echo "MISSING($n)"; return; fi
    grep -v '^#' "$work/metrics.prom" | grep -F -- "$1" | awk '{print $NF}'
}
expect() { # what got want
    if [ "$2" != "$3" ]; then echo "FAIL $1: got $2, want $3"; fail=1; fi
}
declare -A label_of=()
while IFS=, read -r _ id _; do label_of[$id]=1; done < <(grep -v '^#' "$work/orgs.csv" | tail -n +2)

# A vendor in the truth is NAME (its own level: role other) or NAME/ROLE.
vsel() { local v=${1%%/*} r=other; [ "$1" != "$v" ] && r=${1#*/}; echo "vendor=\"$v\",role=\"$r\""; }

while read -r kind a b c d e; do
    case $kind in
    flows_created) expect flows_created "$(value 'tapcensus_flows_created_total ')" "$a" ;;
    quic_unknown_version) expect "$kind" "$(value 'tapcensus_quic_version_packets_total{kind="unknown_version"}')" "$a" ;;
    quic_version_negotiation) expect "$kind" "$(value 'tapcensus_quic_version_packets_total{kind="version_negotiation"}')" "$a" ;;
    flows_ended) expect flows_ended "$(value 'tapcensus_flows_removed_total{reason="ended"}')" "$a" ;;
    flow_packets|flow_bytes)
        # A signal that recognised nothing has no series (0).
        got=$(grep -F "tapcensus_org_${kind}_total{org=\"$a\"," "$work/metrics.prom" \
              | grep -F "$(vsel "$b"),signal=\"$c\",direction=\"$d\"}" | awk '{print $NF}' || true)
        expect "$kind $a $b $c $d" "${got:-0}" "$e" ;;
    packets) expect received "$(value 'tapcensus_packets_received_total ')" "$a" ;;
    outcome) expect "outcome $a" "$(value "tapcensus_packets_processed_total{outcome=\"$a\"}")" "$b" ;;
    drop) expect "drop $a" "$(value "tapcensus_packets_dropped_total{reason=\"$a\"}")" "$b" ;;
    parse_error) expect "parse_error $a" "$(value "tapcensus_parse_errors_total{layer=\"$a\"}")" "$b" ;;
    group|webgroup) # KIND KEY VENDOR ORGS CLIENTS: product use, or the website
        if [ "$a" = government ]; then sel=""; else sel="$a=\"$b\","; fi
        use=product; [ "$kind" = webgroup ] && use=web
        for w in 1d 30d all; do
            expect "$kind $a $b orgs $w" \
                "$(value "tapcensus_${a}_organisations_active{${sel}vendor=\"$c\",use=\"$use\",window=\"$w\"}")" "$d"
            expect "$kind $a $b clients $w" \
                "$(value "tapcensus_${a}_unique_clients{${sel}vendor=\"$c\",use=\"$use\",window=\"$w\"}")" "$e"
        done ;;
    unlisted) # VENDOR NAME N: sessions decided by a name in no role
        expect "unlisted $b" "$(value "tapcensus_vendor_unlisted_names_total{vendor=\"$a\",name=\"$b\"}")" "$c" ;;
    product_clients|product_clients_corroborated) # ORG VENDOR N: any role but web, a client
        # once; of those, the ones with a verified role that had a corroborated session
        for w in 1d 30d all; do
            expect "$kind $a $w" \
                "$(grep -v '^#' "$work/metrics.prom" | grep -F "tapcensus_org_${kind}{org=\"$a\"," \
                   | grep -F "vendor=\"$b\",window=\"$w\"}" | awk '{print $NF}')" "$c"
        done ;;
    ech) expect ech "$(value 'tapcensus_tls_ech_client_hellos_total ')" "$a" ;;
    truncated) expect truncated "$(value 'tapcensus_packets_truncated_total ')" "$a" ;;
    name_only) # sessions decided by a name alone (no vendor address behind it)
        got=$(grep -F "tapcensus_org_sessions_name_only_total{org=\"$a\"," "$work/metrics.prom" \
              | grep -F "$(vsel "$b"),signal=\"$c\"}" | awk '{print $NF}' || true)
        expect "name_only $a $b $c" "${got:-0}" "$d" ;;
    sessions)
        got=$(grep -F "tapcensus_org_sessions_total{org=\"$a\"," "$work/metrics.prom" \
              | grep -F "$(vsel "$b"),signal=\"$c\"}" | awk '{print $NF}' || true)
        expect "sessions $a $b $c" "${got:-0}" "$d" ;;
    clients)
        for w in 1d 30d all; do # the replay takes seconds: every window holds all
            got=$(grep -F "tapcensus_org_unique_clients{org=\"$a\"," "$work/metrics.prom" \
                  | grep -F "$(vsel "$b"),window=\"$w\"}" | awk '{print $NF}')
            expect "clients $a $b $w" "${got:-MISSING}" "$c"
        done
        seen=$(grep -F "tapcensus_org_last_seen_timestamp_seconds{org=\"$a\"," "$work/metrics.prom" \
              | grep -F "$(vsel "$b")}" | awk '{print $NF}')
        if [ -z "$seen" ] || [ "$seen" -lt "$t0" ] || [ "$seen" -gt "$t1" ]; then
            echo "FAIL last_seen $a: $seen not within [$t0, $t1]"; fail=1
        fi ;;
    esac
done < "$work/truth.tsv"

# No unlisted name may appear that the truth does not name.
expect "unlisted names exported" \
    "$(grep -c '^tapcensus_vendor_unlisted_names_total{' "$work/metrics.prom" || true)" \
    "$(awk '$1=="unlisted"' "$work/truth.tsv" | wc -l)"

# No organisation may appear that the truth does not name.
want_orgs=$(awk '$1=="clients"{print $2}' "$work/truth.tsv" | sort -u)
got_orgs=$(grep -o '^tapcensus_org_unique_clients{org="[^"]*"' "$work/metrics.prom" \
           | sed 's/.*org="//; s/"$//' | sort -u)
expect "organisations exported" "$(echo $got_orgs)" "$(echo $want_orgs)"

# received = processed + dropped, from the exposition alone.
sum=$(awk '/^tapcensus_packets_(processed|dropped)_total/{s+=$NF} END{print s}' "$work/metrics.prom")
expect "received = processed + dropped" "$(value 'tapcensus_packets_received_total ')" "$sum"
# The port saw what this process's workers received (port and per-queue
# counters are the device's, from this start; the totals survive restarts).
want_rx=$(value 'tapcensus_packets_received_total ')
if [ -e "$work/in.pcap.p0" ]; then want_rx=$(awk '$1=="part" && $2==1 {print $3}' "$work/truth.tsv"); fi
expect "port rx = worker rx" "$(value 'tapcensus_port_rx_packets_total{')" "$want_rx"

# The summary table: one row per organisation and role, and one per
# organisation for its product use (=product: the roles but web summed, its
# clients once), clients then sessions by signal, then the name-only ones.
summary_row() { # ORG ROLE
    awk -v o="$1" -v r="$2" '{id=substr($0,1,20); sub(/ +$/,"",id)} id==o && $(NF-9)==r {x=$(NF-8); for (i = NF-7; i <= NF; i++) x = x " " $i; print x}' \
        "$work/summary.txt"
}
while read -r _ org vendor n; do
    role=other; [ "$vendor" != "${vendor%%/*}" ] && role=${vendor#*/}
    want="$n"
    for s in tls-sni quic-sni http-host dns server-ip learned-ip payload; do
        want="$want $(awk -v o="$org" -v v="$vendor" -v s="$s" '$1=="sessions" && $2==o && $3==v && $4==s {print $5}' "$work/truth.tsv")"
    done
    want="$want $(awk -v o="$org" -v v="$vendor" '$1=="name_only" && $2==o && $3==v {t+=$5} END{print t+0}' "$work/truth.tsv")"
    row=$(summary_row "$org" "$role")
    expect "summary row $org $role" "${row:-MISSING}" "$want"
done < <(awk '$1=="clients"' "$work/truth.tsv")
while read -r _ org _ n; do
    want="$n"
    for s in tls-sni quic-sni http-host dns server-ip learned-ip payload; do
        want="$want $(awk -v o="$org" -v s="$s" '$1=="sessions" && $2==o && $3!~/\/web$/ && $4==s {t+=$5} END{print t+0}' "$work/truth.tsv")"
    done
    want="$want $(awk -v o="$org" '$1=="name_only" && $2==o && $3!~/\/web$/ {t+=$5} END{print t+0}' "$work/truth.tsv")"
    row=$(summary_row "$org" "=product")
    expect "summary row $org product" "${row:-MISSING}" "$want"
done < <(awk '$1=="product_clients"' "$work/truth.tsv")
drops=$(awk '$1=="drop"{s+=$3} END{print s}' "$work/truth.tsv")
pk=$(awk '$1=="packets"{print $2}' "$work/truth.tsv")
expect "summary identity" "$(grep '^packets:' "$work/summary.txt")"        "packets: received $pk = processed $((pk - drops)) + dropped $drops"

# No client address of the generator's prefixes leaves the box.
if grep -qE '192\.0\.2\.|198\.51\.100\.|203\.0\.113\.|2001:db8' "$work/metrics.prom" "$work/summary.txt"; then
    echo "FAIL a client address appears in the output"; fail=1
fi

if command -v promtool > /dev/null; then
    if ! out=$(promtool check metrics < "$work/metrics.prom" 2>&1); then
        echo "FAIL promtool: $out"; fail=1
    elif [ -n "$out" ]; then
        echo "FAIL promtool warnings: $out"; fail=1
    fi
else
    echo "FAIL promtool not installed (package prometheus)"; fail=1
fi
if [ $fail = 0 ]; then
    echo "e2e: every figure equals the ground truth ($(head -1 "$work/truth.tsv"))"
fi
exit $fail
