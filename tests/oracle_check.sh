#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The organisation table from IPFire's location database (Debian's
# libloc-database) against libloc's own answer: for 100,000 random
# addresses (70,000 IPv4 over 1.0.0.0-223.255.255.255, 30,000 IPv6 in the
# RIRs' 2000::/3 blocks; seeded), the AS and country `tapcensus --lookup`
# attributes equal what `location lookup` (Debian's location) prints.
#   oracle_check.sh TAPCENSUS VENDORS_DIR WORKDIR [N]
set -euo pipefail
tc=$1 vendors=$(realpath "$2") work=$(realpath -m "$3") n=${4:-100000}
db=/usr/share/libloc-location/location.db
rm -rf "$work"; mkdir -p "$work"
[ -r "$db" ] || { echo "FAIL oracle: no $db (setup.sh installs libloc-database)"; exit 1; }

cat > "$work/tc.yaml" <<YAML
dpdk:
  eal_args: ["--no-huge", "-m", "2048", "--no-pci", "--file-prefix", "tcoracle$$",
             "--no-telemetry", "--log-level", "*:error"]
  ports:
    - name: net_null0
  workers: [1]
organisations:
  sources:
    - libloc: $db
vendors:
  - include: $vendors/kaspersky.yaml
YAML

/usr/bin/python3 - "$n" > "$work/addrs.txt" <<'PY'
import random, sys
n = int(sys.argv[1]); r = random.Random(20221029)
blocks = [0x2001, 0x2400, 0x2600, 0x2800, 0x2a00, 0x2c00]
for i in range(n):
    if i % 10 < 7:
        print("%d.%d.%d.%d" % (r.randrange(1, 224), r.randrange(256), r.randrange(256), r.randrange(256)))
    else:
        w = [r.choice(blocks) + r.randrange(16) if r.random() < .5 else r.choice(blocks)] + \
            [r.randrange(65536) for _ in range(7)]
        print(":".join("%x" % x for x in w))
PY

t0=$(date +%s.%N)
"$tc" -c "$work/tc.yaml" --lookup "$work/addrs.txt" > "$work/ours.tsv" 2> "$work/ours.err" ||
    { echo "FAIL oracle: tapcensus --lookup failed:"; cat "$work/ours.err"; exit 1; }
t1=$(date +%s.%N)
location list-countries --show-name > "$work/countries.txt"
xargs -n 5000 location --database "$db" lookup < "$work/addrs.txt" > "$work/libloc.out" 2>&1 || true
t2=$(date +%s.%N)

# libloc's answer per address, in input order: AS and country code.
/usr/bin/python3 - "$work" <<'PY'
import sys
w = sys.argv[1]
names = {}
for line in open(w + "/countries.txt"):
    code, name = line.rstrip("\n").split(" ", 1)
    names[name] = code
ans, cur = {}, None
for line in open(w + "/libloc.out"):
    line = line.rstrip("\n")
    if line.startswith("Nothing found for "):
        ans[line[len("Nothing found for "):]] = (0, "ZZ")
    elif not line.startswith(" ") and line.endswith(":"):
        cur = line[:-1]; ans[cur] = [0, "ZZ"]
    elif cur is not None and ":" in line:
        k, v = (x.strip() for x in line.split(":", 1))
        if k == "Country":
            ans[cur][1] = names[v]
        elif k == "Autonomous System":
            ans[cur][0] = int(v.split()[0][2:])
ours = [l.rstrip("\n").split("\t") for l in open(w + "/ours.tsv")]
addrs = [l.strip() for l in open(w + "/addrs.txt")]
assert len(ours) == len(addrs), "%d answers for %d addresses" % (len(ours), len(addrs))
bad, found = [], 0
for a, o in zip(addrs, ours):
    exp = tuple(ans[a])
    got = (int(o[1]), o[2])
    found += exp != (0, "ZZ")
    if got != exp:
        bad.append("%s: tapcensus %s AS%d %s, libloc AS%d %s" % (a, o[0], got[0], got[1], exp[0], exp[1]))
print("oracle: %d addresses, %d in a network of the database, %d differ" % (len(addrs), found, len(bad)))
for b in bad[:10]:
    print("  " + b)
# The database covers most of the IPv4 space: an empty answer on both
# sides would be no test.
sys.exit(1 if bad or found < len(addrs) // 2 else 0)
PY
awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN { printf "oracle: tapcensus --lookup %.1f s (the world table loaded), location lookup %.1f s\n", b - a, c - b }' 
