#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The taps' sketches against PostgreSQL's hll extension (Debian
# postgresql-15-hll) in a throwaway cluster: for sets of random 64-bit
# hashes of every size around the format's edges (explicit up to 160,
# sparse up to 639 registers, full), the sketch tc_hll builds is byte for
# byte hll_add_agg's over the same hashes, halves and their union alike;
# the server's hll_union of two of ours equals our union; its
# hll_cardinality of ours equals our estimate; and a million hashes are
# estimated within three standard errors (3 x 1.04/sqrt(2048) = 6.9%).
#   hll_check.sh TC_HLL WORKDIR
set -euo pipefail
tc=$(realpath "$1") work=$(realpath -m "$2")
. "$(dirname "$0")/pg_cluster.sh"
rm -rf "$work"; mkdir -p "$work"
trap pg_stop EXIT
pg_start "$work/pg"
psql -q -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION hll' > /dev/null
fail=0
for n in 0 1 2 159 160 161 162 320 638 639 640 641 2000 20000 1000000; do
    /usr/bin/python3 -c "
import random, sys
r = random.Random($n)
for i in range($n): print(r.randrange(-2**63, 2**63))" > "$work/h.txt"
    half=$(( n / 2 ))
    "$tc" "$half" < "$work/h.txt" > "$work/ours.txt"
    mapfile -t ours < "$work/ours.txt"
    psql -q -v ON_ERROR_STOP=1 > /dev/null <<SQL
SET client_min_messages = warning;
DROP TABLE IF EXISTS h;
CREATE TABLE h (i bigserial, v bigint);
\\copy h (v) from '$work/h.txt'
SQL
    # hll_add_agg of no rows is NULL; the empty sketch is hll_empty().
    q() { psql -qAt -v ON_ERROR_STOP=1 -c "$1"; }
    a=$(q "SELECT coalesce(hll_add_agg(v::hll_hashval), hll_empty())::text FROM h WHERE i <= $half")
    b=$(q "SELECT coalesce(hll_add_agg(v::hll_hashval), hll_empty())::text FROM h WHERE i > $half")
    all=$(q "SELECT coalesce(hll_add_agg(v::hll_hashval), hll_empty())::text FROM h")
    un=$(q "SELECT hll_union('${ours[0]%% *}'::hll, '${ours[1]%% *}'::hll)::text")
    card=$(q "SELECT hll_cardinality('${ours[2]%% *}'::hll)")
    [ "${ours[0]%% *}" = "$a" ] || { echo "FAIL n=$n: first half differs: ours ${ours[0]:0:80}... server ${a:0:80}..."; fail=1; }
    [ "${ours[1]%% *}" = "$b" ] || { echo "FAIL n=$n: second half differs"; fail=1; }
    [ "${ours[2]%% *}" = "$all" ] || { echo "FAIL n=$n: union differs from the server's sketch of all"; fail=1; }
    [ "$un" = "$all" ] || { echo "FAIL n=$n: the server's union of ours differs from its sketch of all"; fail=1; }
    awk -v s="$card" -v o="${ours[2]##* }" -v n="$n" 'BEGIN {
        d = s - o; if (d < 0) d = -d; exit !(d <= 1e-9 * (s > 1 ? s : 1)) }' ||
        { echo "FAIL n=$n: hll_cardinality $card, ours ${ours[2]##* }"; fail=1; }
    if [ "$n" -le 160 ]; then # explicit: exact
        [ "${ours[2]##* }" = "$n" ] || { echo "FAIL n=$n: explicit estimate ${ours[2]##* }"; fail=1; }
    fi
    echo "hll: $n hashes: $(( (${#all} - 2) / 2 )) bytes, type ${all:3:1}, estimate ${ours[2]##* }"
done
awk -v e="${ours[2]##* }" 'BEGIN { d = (e - 1000000) / 1000000; if (d < 0) d = -d; exit !(d < 0.069) }' ||
    { echo "FAIL a million hashes estimated ${ours[2]##* }"; fail=1; }
exit "$fail"
