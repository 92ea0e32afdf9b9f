#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Many taps, one census (tap_c over TLS): a generated capture of 15 April 2024 split in
# three as a symmetric RSS key splits it (every flow at one tap; a
# client's flows at several), replayed by three tapcensus processes, each a
# tap with its own database role, pushing its sketches to a throwaway
# PostgreSQL cluster with config/census.sql applied.  The database's union
# over the taps for that day (the capture's clock, not the replay's) equals
# the generator's product clients per organisation exactly (small sets are
# explicit), while the taps' own counts sum to more (clients at two taps);
# a capture of 30 November 2024 replayed later lands on its own day, and
# the database stopped in the middle of that replay and started again
# loses nothing and doubles nothing (the tap keeps its sketches and
# catches up); and a tap stopped while the database is away pushes what it
# counted after its restart (the state file keeps it); and a day seen on an
# asymmetric link, the clients' side at one tap and the servers' at
# another, counts every client and session once.
# An organisation with sessions but no client with evidence (a tap seeing
# the clients' side with evidence asked for) does not block the push;
# days are UTC whatever the database session's time zone (tap_a's role
# west of UTC, tap_b's PGTZ).
# A tap replayed again changes no count (pushes are idempotent); a tap
# whose database is down counts on and says so (tapcensus_push_total
# failed); a tap cannot write another tap's rows.
#   census_check.sh TAPCENSUS TC_GEN CONFIG WORKDIR
set -euo pipefail
tc=$(realpath "$1") gen=$(realpath "$2") conf=$(realpath "$3") work=$(realpath -m "$4")
root=$(cd "$(dirname "$0")/.." && pwd)
. "$(dirname "$0")/pg_cluster.sh"
. "$(dirname "$0")/census_sample.sh"
rm -rf "$work"; mkdir -p "$work"
trap pg_stop EXIT
pg_start "$work/pg" tls
q() { psql -qAt -v ON_ERROR_STOP=1 -F ' ' -c "$1"; }
PGOPTIONS="-c client_min_messages=warning" psql -q -v ON_ERROR_STOP=1 -f "$root/config/census.sql" > /dev/null
for t in a b c d e f; do q "CREATE ROLE tap_$t LOGIN IN ROLE census_tap" > /dev/null; done
# Days are UTC whatever the session's time zone: tap_a's role is set west
# of UTC, tap_b's libpq environment (PGTZ) too.
q "ALTER ROLE tap_a SET timezone = 'America/Los_Angeles'" > /dev/null

"$gen" "$work/in.pcap" "$work/truth.tsv" --seed 41 --sessions 3000 --queues 3 --epoch 1713139200
"$gen" "$work/nov.pcap" "$work/nov.tsv" --seed 43 --sessions 1500 --epoch 1732924800
cp "$work/nov.pcap" "$work/in.pcap.q9"
"$gen" "$work/in.pcap.q7" "$work/dec.tsv" --seed 47 --sessions 1200 --epoch 1733011200
"$gen" "$work/in.pcap.q8" "$work/dec0.tsv" --seed 48 --sessions 0 --epoch 1733011200
# 2 December on an asymmetric link: the clients' side at tap_a (no
# exchange to see: clients.evidence false), the servers' side at tap_b.
# Names and configured servers only (a learned address needs the answers,
# which the clients' side does not see).
"$gen" "$work/in.pcap.q5" "$work/dec2.tsv" --seed 49 --sessions 1500 --epoch 1733097600 \
    --kinds tls,http,quic,server --side client
"$gen" "$work/in.pcap.q6" "$work/dec2s.tsv" --seed 49 --sessions 1500 --epoch 1733097600 \
    --kinds tls,http,quic,server --side server
# 3 December, the clients' side with evidence asked for: sessions, but no
# client with evidence its address is real (no sketch), so no sketch row
# brings their organisations: the session rows must (tap_e, first of all).
"$gen" "$work/in.pcap.q4" "$work/dec3.tsv" --seed 50 --sessions 300 --epoch 1733184000 \
    --kinds tls,http --side client
# 4 December, tap_f's: the push the database dies in the middle of.
"$gen" "$work/in.pcap.q3" "$work/dec4.tsv" --seed 51 --sessions 600 --epoch 1733270400
"$gen" --orgs "$work/orgs.csv"
printf '000102030405060708090a0b0c0d0e0f\n' > "$work/census.key"
chmod 600 "$work/census.key"
fail=0
replay() { # TAP PART [more tapcensus options]
    local t=$1 p=$2
    shift 2
    # tap_c over TCP with TLS, the server's certificate checked; the
    # others over the Unix socket.
    local db="host=$PGHOST port=$PGPORT dbname=postgres user=tap_$t"
    [ "$t" != c ] || db="host=127.0.0.1 port=$PG_TLS_PORT dbname=postgres user=tap_c sslmode=verify-full sslrootcert=$PG_TLS_CA"
    census_tap_yaml "$conf" "${ORGS:-$work/orgs.csv}" "${KEY:-$work/census.key}" "tap_$t" "$db" "census$$$t" \
        > "$work/tap_$t.yaml"
    # tap_d keeps a state file: what it could not push survives its restart.
    [ "$t" != d ] || printf 'persistence:\n  dir: %s\n  interval: 1\n' "$work/state_d" >> "$work/tap_$t.yaml"
    # The clients' side of an asymmetric link shows no exchange.
    [ "$p" != 5 ] || sed -i 's|^  evidence: true|  evidence: false|' "$work/tap_$t.yaml"
    local tz=()
    [ "$t" != b ] || tz=(env PGTZ=Pacific/Honolulu)
    # REPLAY_RC: the exit status wanted (3: the final push failed).
    local rc=0
    "${tz[@]}" timeout 120 "$tc" -c "$work/tap_$t.yaml" --pcap "$work/in.pcap.q$p" -o "$work/tap_$t.prom" \
        --no-summary "$@" > /dev/null 2> "$work/tap_$t.err" || rc=$?
    [ "$rc" = "${REPLAY_RC:-0}" ] ||
        { echo "FAIL tap_$t: tapcensus exited $rc, want ${REPLAY_RC:-0}"; cat "$work/tap_$t.err"; exit 1; }
    ! grep -q "000102030405060708090a0b0c0d0e0f" "$work/tap_$t.err" "$work/tap_$t.prom" ||
        { echo "FAIL tap_$t: the key appears in its output"; fail=1; }
}
metric() { awk -v k="$2" 'index($0, k) == 1 {print $NF}' "$1"; }

replay e 4
[ "$(metric "$work/tap_e.prom" 'tapcensus_push_total{result="failed"}')" = 0 ] &&
    [ "$(metric "$work/tap_e.prom" 'tapcensus_push_total{result="ok"}')" -ge 1 ] ||
    { echo "FAIL tap_e: sessions without a sketch failed the push:"; grep -i census "$work/tap_e.err" | head -3; fail=1; }
[ "$(q "SELECT count(*) FROM census.client_sketch WHERE tap = 'tap_e'")" = 0 ] ||
    { echo "FAIL tap_e wrote sketches: its clients showed no exchange"; fail=1; }
replay a 0; replay b 1; replay c 2
for t in a b c; do
    [ "$(metric "$work/tap_$t.prom" 'tapcensus_push_total{result="ok"}')" -ge 1 ] ||
        { echo "FAIL tap_$t: no push succeeded"; fail=1; }
done
# November, later, on its own day: paced over about 9 s, pushing every
# second, the database stopped after 2 s and started again 3 s later.
replay b 9 --pace 1500 &
rp=$!
sleep 2; pg_stop; sleep 3; pg_resume
wait "$rp" || fail=1
[ "$(metric "$work/tap_b.prom" 'tapcensus_push_total{result="failed"}')" -ge 1 ] ||
    { echo "FAIL tap_b: no push failed while the database was down"; fail=1; }
grep -q "census: push to the database failed" "$work/tap_b.err" ||
    { echo "FAIL tap_b: the failed push is not told"; fail=1; }
[ "$(metric "$work/tap_b.prom" 'tapcensus_push_pending_sketches')" = 0 ] ||
    { echo "FAIL tap_b: sketches left unsent"; fail=1; }
union_of() { # DAY: organisation, vendor, clients across the taps
    q "SELECT org_id, vendor, clients FROM census.org_day WHERE day = '$1' ORDER BY 1"
}
check_day() { # DAY TRUTH UNION_FILE
    local n=0
    while read -r kind org vendor want; do
        [ "$kind" = product_clients ] && [ "$org" != unattributed ] || continue
        got=$(awk -v o="$org" -v v="$vendor" '$1 == o && $2 == v {print $3}' "$3")
        [ "${got:-0}" = "$want" ] || { echo "FAIL $1 $org $vendor: $got clients across the taps, want $want"; fail=1; }
        n=$((n + 1))
    done < "$2"
    [ "$n" -ge 5 ] || { echo "FAIL $1: only $n organisations in the truth"; fail=1; }
    checked=$((checked + n))
}
checked=0
union_of 2024-04-15 > "$work/union.txt"
check_day 2024-04-15 "$work/truth.tsv" "$work/union.txt"
union_of 2024-11-30 > "$work/nov.txt"
check_day 2024-11-30 "$work/nov.tsv" "$work/nov.txt"
# 1 December: tap_d counts while the database is down and stops (its
# state file holds the unsent sketches and session totals); the database
# comes back; tap_d starts again on a capture of no sessions that day and
# pushes what it kept.
pg_stop
REPLAY_RC=3 replay d 7
grep -q "kept in the state file in $work/state_d" "$work/tap_d.err" ||
    { echo "FAIL tap_d: the failed final push does not say where its counts are kept"; fail=1; }
# Without a state directory the same stop says what it lost.
REPLAY_RC=3 replay e 4
grep -q "what was not pushed is lost: no persistence.dir" "$work/tap_e.err" ||
    { echo "FAIL tap_e: the failed final push does not say it lost its counts"; fail=1; }
pg_resume
[ "$(metric "$work/tap_d.prom" 'tapcensus_push_pending_sketches')" -ge 1 ] ||
    { echo "FAIL tap_d: nothing pending after a run with the database down"; fail=1; }
replay d 8
grep -q "unsent census sketches" "$work/tap_d.err" ||
    { echo "FAIL tap_d: the restart does not tell the sketches it restored"; fail=1; }
union_of 2024-12-01 > "$work/dec.txt"
check_day 2024-12-01 "$work/dec.tsv" "$work/dec.txt"
replay a 5; replay b 6 # 2 December, one side each
union_of 2024-12-02 > "$work/dec2.txt"
check_day 2024-12-02 "$work/dec2.tsv" "$work/dec2.txt"
[ "$(q "SELECT count(*) FROM census.sessions WHERE day = '2024-12-02' AND tap = 'tap_b'")" = 0 ] ||
    { echo "FAIL the servers' side pushed sessions"; fail=1; }
# Sessions by signal, summed over the taps: every role but web, per day,
# and of them those resting on the name alone (the generator's servers
# outside the vendor's learned and configured addresses).
check_sessions() { # DAY TRUTH
    awk '($1 == "sessions" || $1 == "name_only") && $3 !~ /\/web$/ && $2 != "unattributed" {
             if ($1 == "sessions") s[$2 " " $4] += $5; else n[$2 " " $4] += $5 }
         END { for (k in s) if (s[k] > 0) print k, s[k], n[k] + 0 }' "$2" | sort > "$work/want_sessions.txt"
    q "SELECT org_id, signal, sessions, name_only_sessions FROM census.sessions_day WHERE day = '$1' AND vendor = 'kaspersky' AND sessions > 0 ORDER BY 1, 2" |
        sort > "$work/got_sessions.txt"
    if ! cmp -s "$work/want_sessions.txt" "$work/got_sessions.txt"; then
        echo "FAIL $1: sessions by organisation and signal differ from the truth:"
        diff "$work/want_sessions.txt" "$work/got_sessions.txt" | head -5; fail=1
    fi
    [ -s "$work/want_sessions.txt" ] || { echo "FAIL $1: no sessions in the truth"; fail=1; }
}
check_sessions 2024-04-15 "$work/truth.tsv"
awk '$4 > 0 { n++ } $4 < $3 { c++ } END { exit !(n > 0 && c > 0) }' "$work/want_sessions.txt" ||
    { echo "FAIL 2024-04-15: the truth lacks name-only or corroborated sessions"; fail=1; }
check_sessions 2024-11-30 "$work/nov.tsv"
check_sessions 2024-12-01 "$work/dec.tsv"
check_sessions 2024-12-02 "$work/dec2.tsv"
check_sessions 2024-12-03 "$work/dec3.tsv"
days=$(q "SELECT string_agg(DISTINCT day::text, ',') FROM census.client_sketch")
[ "$days" = "2024-04-15,2024-11-30,2024-12-01,2024-12-02" ] || { echo "FAIL the sketches' days are $days"; fail=1; }
q "SELECT org_id, vendor, sum(c)::bigint FROM (SELECT tap, org_id, vendor, hll_cardinality(hll_union_agg(sketch)) c FROM census.client_sketch WHERE day = '2024-04-15' GROUP BY 1, 2, 3) x GROUP BY 1, 2 ORDER BY 1" > "$work/pertap.txt"
[ "$checked" -ge 5 ] || { echo "FAIL only $checked organisations in the truth"; fail=1; }
union=$(awk '{s += $3} END {print s + 0}' "$work/union.txt")
pertap=$(awk '{s += $3} END {print s + 0}' "$work/pertap.txt")
[ "$pertap" -gt "$union" ] || { echo "FAIL the taps' own counts ($pertap) do not exceed the union ($union): no client at two taps"; fail=1; }
echo "census: $checked organisation-days exact; 15 April 2024 across 3 taps: $union clients (the taps' own counts sum to $pertap)"

# Again: the same sketches, the same counts (union is idempotent).
replay a 0
union_of 2024-04-15 > "$work/union2.txt"
cmp -s "$work/union.txt" "$work/union2.txt" || { echo "FAIL a tap replayed again changed the counts"; fail=1; }

# Again: the sessions too (a repeated push replaces nothing but the latest).
check_sessions 2024-04-15 "$work/truth.tsv"

# TCP is TLS only: tap_c's pushes went over TLS; a plain one is refused.
if psql "host=127.0.0.1 port=$PG_TLS_PORT dbname=postgres user=tap_c sslmode=disable" -c 'SELECT 1' > /dev/null 2>&1; then
    echo "FAIL a plain TCP connection was accepted"; fail=1
fi
[ "$(q "SELECT count(*) FROM census.client_sketch WHERE tap = 'tap_c'")" -ge 1 ] ||
    { echo "FAIL tap_c (TLS) wrote no sketch"; fail=1; }

# A tap cannot write another's rows (row-level security).
if psql -q -U tap_a -c "INSERT INTO census.client_sketch (tap, day, org_id, vendor, sketch) SELECT 'tap_b', day, org_id, vendor, sketch FROM census.client_sketch LIMIT 1" > /dev/null 2>&1; then
    echo "FAIL tap_a wrote a row of tap_b"; fail=1
fi

# Every row's organisation is in census.organisation (checked by the
# rollup triggers a statement at a time): a row of another is refused.
if psql -q -v ON_ERROR_STOP=1 -c "INSERT INTO census.client_sketch (tap, day, org_id, vendor, sketch) SELECT tap, day, 'no-such-org', vendor, sketch FROM census.client_sketch LIMIT 1" > /dev/null 2> "$work/orphan.err" ||
   ! grep -q "organisation 'no-such-org' is not in census.organisation" "$work/orphan.err"; then
    echo "FAIL a sketch of an unknown organisation was not refused: $(cat "$work/orphan.err")"; fail=1
fi

# The key all taps share, by its fingerprint (sha256("tapcensus census
# key" || key)[:8], computed here): the first push wrote it; a tap with
# another key is refused, told, and writes nothing.
want_fp=$(python3 -c 'import hashlib; print(hashlib.sha256(b"tapcensus census key" + bytes(range(16))).hexdigest()[:16])')
[ "$(q "SELECT fingerprint FROM census.key_fingerprint")" = "$want_fp" ] ||
    { echo "FAIL census.key_fingerprint holds '$(q "SELECT fingerprint FROM census.key_fingerprint")', want $want_fp"; fail=1; }
printf 'ffeeddccbbaa99887766554433221100\n' > "$work/other.key"
chmod 600 "$work/other.key"
before=$(q "SELECT count(*) || ' ' || sum(hll_cardinality(sketch))::bigint FROM census.client_sketch")
KEY=$work/other.key REPLAY_RC=3 replay a 0
grep -q "client-hash key has fingerprint $want_fp (first pushed by tap_e on .*); this tap's census.key_file gives " "$work/tap_a.err" ||
    { echo "FAIL another key: the refusal is not told:"; grep -i census "$work/tap_a.err" | head -3; fail=1; }
[ "$(q "SELECT count(*) || ' ' || sum(hll_cardinality(sketch))::bigint FROM census.client_sketch")" = "$before" ] ||
    { echo "FAIL another key: the sketches changed ($before before)"; fail=1; }

# An organisation's labels are the first tap's: a tap whose table says the
# Treasury is no government body pushes (exit 0) and changes nothing.
first_tap=$(q "SELECT tap FROM census.organisation WHERE org_id = 'us-treasury'")
sed -e 's|^\(192.0.2.0/26,us-treasury,.*\),government,true$|\1,finance,false|' \
    -e 's|^\(2001:db8:100::/48,us-treasury,.*\),government,true$|\1,finance,false|' \
    "$work/orgs.csv" > "$work/orgs_flip.csv"
grep -q '^192.0.2.0/26,us-treasury,.*,finance,false$' "$work/orgs_flip.csv" ||
    { echo "FAIL could not write the flipped table"; fail=1; }
other=b; [ "$first_tap" != tap_b ] || other=c
ORGS=$work/orgs_flip.csv replay "$other" 1
[ "$(q "SELECT sector || ' ' || government || ' ' || tap FROM census.organisation WHERE org_id = 'us-treasury'")" = "government true $first_tap" ] ||
    { echo "FAIL tap_$other relabelled us-treasury: $(q "SELECT sector, government, tap FROM census.organisation WHERE org_id = 'us-treasury'")"; fail=1; }
psql -q -U "tap_$other" -c "UPDATE census.organisation SET government = false WHERE tap <> 'tap_$other'" \
    > /dev/null 2>&1 || true
[ "$(q "SELECT count(*) FROM census.organisation WHERE government AND org_id = 'us-treasury'")" = 1 ] ||
    { echo "FAIL tap_$other rewrote another tap's organisation by hand"; fail=1; }

# One tapcensus per tap name: every clean stop above freed its name; a
# fresh claim by another instance refuses tap_b's push, told.
[ "$(q "SELECT count(*) FROM census.tap_instance WHERE seen > now() - interval '10 minutes'")" = 0 ] ||
    { echo "FAIL clean stops left claims: $(q "SELECT tap FROM census.tap_instance WHERE seen > now() - interval '10 minutes'")"; fail=1; }
q "UPDATE census.tap_instance SET instance = 'deadbeefdeadbeef', host = 'tap-b-twin', seen = now() WHERE tap = 'tap_b'" > /dev/null
REPLAY_RC=3 replay b 1
grep -q "census.tap 'tap_b' is pushed by another tapcensus (on tap-b-twin, last push " "$work/tap_b.err" ||
    { echo "FAIL a second tap_b was not refused:"; grep -i census "$work/tap_b.err" | head -3; fail=1; }
q "UPDATE census.tap_instance SET seen = '-infinity' WHERE tap = 'tap_b'" > /dev/null

# A push held by a lock on the table: every database call is bounded
# (lock_timeout 10 s), so the stop is not held by the database; the exit
# status tells the final push failed.
psql -q -c "BEGIN; LOCK TABLE census.sessions IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(60); COMMIT" \
    > /dev/null 2>&1 &
locker=$!
for _ in $(seq 50); do
    [ "$(q "SELECT count(*) FROM pg_locks WHERE relation = 'census.sessions'::regclass AND mode = 'AccessExclusiveLock' AND granted")" = 1 ] && break
    sleep 0.1
done
t0=$(date +%s)
REPLAY_RC=3 replay e 4
t1=$(date +%s)
kill "$locker" 2>/dev/null || true
wait "$locker" 2>/dev/null || true
[ $((t1 - t0)) -lt 45 ] || { echo "FAIL a locked table held tap_e's stop $((t1 - t0)) s"; fail=1; }
grep -q "lock timeout" "$work/tap_e.err" ||
    { echo "FAIL tap_e: the failed push does not say the lock timed out:"; grep census "$work/tap_e.err" | head -3; fail=1; }


# The database killed in the middle of a push (tap_f's sketches merged,
# its session rows waiting for a lock on census.sessions): after the
# crash recovery nothing of that push is in the census, not a sketch, a
# session, a rollup or a day of coverage; the same capture pushed again
# comes out exact.
psql -q -c "BEGIN; LOCK TABLE census.sessions IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(60); COMMIT" \
    > /dev/null 2>&1 &
locker=$!
REPLAY_RC=3 replay f 3 &
rp=$!
mid=0
for _ in $(seq 300); do
    mid=$(q "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)
             WHERE a.application_name = 'tapcensus' AND a.wait_event_type = 'Lock'
             AND EXISTS (SELECT 1 FROM pg_locks k WHERE k.pid = l.pid AND k.granted
                         AND k.relation = 'census.client_sketch'::regclass AND k.mode = 'RowExclusiveLock')
             AND l.relation = 'census.sessions'::regclass AND NOT l.granted")
    [ "$mid" = 0 ] || break
    sleep 0.02
done
"${PG_AS[@]}" "$PGBIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w -t 60 stop > /dev/null
wait "$rp" || fail=1
wait "$locker" 2>/dev/null || true
pg_resume
[ "$mid" = 1 ] || { echo "FAIL tap_f's push was not caught with its sketches merged and its sessions waiting"; fail=1; }
left=$(q "SELECT (SELECT count(*) FROM census.client_sketch WHERE day = '2024-12-04') || ' ' ||
             (SELECT count(*) FROM census.sessions WHERE day = '2024-12-04') || ' ' ||
             (SELECT count(*) FROM census.org_day_sketch WHERE day = '2024-12-04') || ' ' ||
             (SELECT count(*) FROM census.org_day_sessions WHERE day = '2024-12-04') || ' ' ||
             (SELECT count(*) FROM census.tap_day WHERE day = '2024-12-04')")
[ "$left" = "0 0 0 0 0" ] || { echo "FAIL the killed push left rows (sketches, sessions, their rollups, coverage): $left"; fail=1; }
replay f 3
union_of 2024-12-04 > "$work/dec4.txt"
check_day 2024-12-04 "$work/dec4.tsv" "$work/dec4.txt"
check_sessions 2024-12-04 "$work/dec4.tsv"

# The rollups the triggers kept through all of the above (pushes again,
# updates, the killed push) equal those made again from the taps' rows.
differ=$(census_rollups_same)
[ -z "$differ" ] || { echo "FAIL the rollups: $differ"; fail=1; }
exit "$fail"
