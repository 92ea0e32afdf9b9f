# SPDX-License-Identifier: BSD-3-Clause
"""The census database as the report reads it (config/census.sql): the
organisations, the rollups or the taps' rows, and the report's tables."""
import datetime

import psycopg2

from .inputs import Fail, months_of


class Census:
    """The database's answers for one vendor over a set of taps (all: None)."""

    def __init__(self, dsn, vendor, taps):
        try:
            self.db = psycopg2.connect(dsn)
        except psycopg2.Error as e:
            raise Fail(f"census database: {str(e).strip()}") from None
        self.db.set_session(readonly=True)
        self.vendor, self.taps = vendor, taps

    def query(self, sql, args=(), raw=True):
        """sql's rows, {where} its rows' vendor (and, over raw rows, taps)."""
        taps = raw and self.taps
        where = "s.vendor = %s" + (" AND s.tap = ANY(%s)" if taps else "")
        params = (self.vendor,) + ((list(self.taps),) if taps else ())
        try:
            with self.db.cursor() as cur:
                cur.execute(sql.replace("{where}", where), params + tuple(args))
                return cur.fetchall()
        except psycopg2.Error as e:
            raise Fail(f"census database: {str(e).strip()}") from None

    # Over every tap the report reads the rollups (census.sql): whole months
    # of [lo, hi] from the month tables, the days of its partial months
    # from the day tables; over a subset of taps, the taps' own rows.
    @staticmethod
    def whole_months(lo, hi):
        """The first days of the months wholly inside [lo, hi]."""
        out = []
        for m in months_of(lo, hi):
            first = datetime.date.fromisoformat(m + "-01")
            nxt = (first + datetime.timedelta(days=32)).replace(day=1)
            if first >= lo and nxt - datetime.timedelta(days=1) <= hi:
                out.append(first)
        return out

    def union_rows(self, month_sql, day_sql, lo, hi):
        """Rows of month_sql over the whole months of [lo, hi] and of
        day_sql over its other days (each with {where}, then the months,
        then lo, hi and the months again)."""
        full = self.whole_months(lo, hi)
        return self.query(month_sql + " UNION ALL " + day_sql.replace("{where}", "s.vendor = %s"),
                          (full, self.vendor, lo, hi, full), raw=False)

    def org_months(self, lo, hi):
        """{(month, org_id): clients} and the organisations' labels."""
        if self.taps:
            rows = self.query(
                "SELECT to_char(s.day, 'YYYY-MM'), s.org_id, "
                "round(hll_cardinality(hll_union_agg(s.sketch)))::bigint "
                "FROM census.client_sketch s WHERE {where} AND s.day BETWEEN %s AND %s "
                "GROUP BY 1, 2", (lo, hi))
        else:
            rows = self.union_rows(
                "SELECT to_char(s.month, 'YYYY-MM'), s.org_id, "
                "round(hll_cardinality(s.sketch))::bigint FROM census.org_month_sketch s "
                "WHERE {where} AND s.month = ANY(%s::date[])",
                "SELECT to_char(s.day, 'YYYY-MM'), s.org_id, "
                "round(hll_cardinality(hll_union_agg(s.sketch)))::bigint "
                "FROM census.org_day_sketch s WHERE {where} AND s.day BETWEEN %s AND %s "
                "AND date_trunc('month', s.day)::date <> ALL(%s::date[]) GROUP BY 1, 2", lo, hi)
        return {(m, o): c for m, o, c in rows if c and c > 0}

    def active(self, lo, hi):
        if self.taps:
            rows = self.query(
                "SELECT DISTINCT s.org_id FROM census.client_sketch s "
                "WHERE {where} AND s.day BETWEEN %s AND %s", (lo, hi))
        else:
            rows = self.union_rows(
                "SELECT s.org_id FROM census.org_month_sketch s "
                "WHERE {where} AND s.month = ANY(%s::date[])",
                "SELECT s.org_id FROM census.org_day_sketch s WHERE {where} "
                "AND s.day BETWEEN %s AND %s AND date_trunc('month', s.day)::date <> ALL(%s::date[])",
                lo, hi)
        return {r[0] for r in rows}

    def organisations(self):
        source = "census.client_sketch" if self.taps else "census.org_month_sketch"
        rows = self.query(
            "SELECT o.org_id, o.name, o.country, o.sector, o.government "
            "FROM census.organisation o WHERE o.org_id IN "
            "(SELECT DISTINCT s.org_id FROM " + source + " s WHERE {where})")
        return {r[0]: {"name": r[1], "country": r[2].strip(), "sector": r[3], "gov": r[4]}
                for r in rows}

    def coverage(self, lo, hi):
        return self.query(
            "SELECT s.tap, min(s.day)::text, max(s.day)::text, count(DISTINCT s.day) "
            "FROM census.tap_day s WHERE {where} AND s.day BETWEEN %s AND %s "
            "GROUP BY s.tap ORDER BY s.tap", (lo, hi))

    def session_rows(self, key, lo, hi):
        """(key, org_id, signal, sessions, name-only sessions) in [lo, hi];
        key an SQL expression of the row's day, or NULL."""
        if self.taps:
            return self.query(
                "SELECT " + key.format(day="s.day") + ", s.org_id, s.signal, "
                "sum(s.last_total - s.first_total)::bigint, "
                "sum(s.name_only_last - s.name_only_first)::bigint "
                "FROM census.sessions s WHERE {where} AND s.day BETWEEN %s AND %s "
                "GROUP BY 1, 2, 3", (lo, hi))
        return self.union_rows(
            "SELECT " + key.format(day="s.month") + ", s.org_id, s.signal, s.sessions, "
            "s.name_only FROM census.org_month_sessions s "
            "WHERE {where} AND s.month = ANY(%s::date[])",
            "SELECT " + key.format(day="s.day") + ", s.org_id, s.signal, sum(s.sessions)::bigint, "
            "sum(s.name_only)::bigint FROM census.org_day_sessions s WHERE {where} "
            "AND s.day BETWEEN %s AND %s AND date_trunc('month', s.day)::date <> ALL(%s::date[]) "
            "GROUP BY 1, 2, 3", lo, hi)

    def signals(self, lo, hi):
        total = {}
        for _, _, sig, n, _ in self.session_rows("NULL", lo, hi):
            total[sig] = total.get(sig, 0) + n
        return [(sig, n) for sig, n in sorted(total.items()) if n > 0]

    def org_sessions(self, lo, hi, by_month=False):
        """{(month or None, org_id): (sessions, name-only sessions)} in [lo, hi]."""
        out = {}
        key = "to_char({day}, 'YYYY-MM')" if by_month else "NULL"
        for m, o, _, n, no in self.session_rows(key, lo, hi):
            a, b = out.get((m, o), (0, 0))
            out[(m, o)] = (a + n, b + no)
        return out

    def sketch_shape(self):
        source = "census.client_sketch" if self.taps else "census.org_month_sketch"
        return self.query(
            "SELECT DISTINCT hll_log2m(s.sketch), hll_regwidth(s.sketch) "
            "FROM " + source + " s WHERE {where} ORDER BY 1, 2")


def removal(orgs, in_a, in_b, key):
    """[(key, active in A, not seen in B, share %)], the largest share first."""
    tally = {}
    for o in in_a:
        k = orgs[o][key]
        a, r = tally.get(k, (0, 0))
        tally[k] = (a + 1, r + (o not in in_b))
    rows = [(k, a, r, round(100.0 * r / a, 1)) for k, (a, r) in tally.items()]
    rows.sort(key=lambda t: (-(t[2] / t[1]), -t[1], t[0]))
    return rows


def tables(db, args, orgs):
    """Every table of the report, each a (header, rows)."""
    lo, hi = args.span
    om = db.org_months(lo, hi)
    months = months_of(lo, hi)
    t = {}

    monthly = []
    for m in months:
        here = [(o, c) for (mm, o), c in om.items() if mm == m and o in orgs]
        monthly.append((m, "world", len(here), sum(c for _, c in here)))
        for cc in sorted({orgs[o]["country"] for o, _ in here}):
            mine = [c for o, c in here if orgs[o]["country"] == cc]
            monthly.append((m, cc, len(mine), sum(mine)))
    t["1-monthly"] = (("month", "scope", "organisations", "clients"), monthly)

    span_orgs = {o for (_, o) in om if o in orgs}
    per_cc = {}
    for o in span_orgs:
        per_cc[orgs[o]["country"]] = per_cc.get(orgs[o]["country"], 0) + 1
    top = sorted(per_cc, key=lambda cc: (-per_cc[cc], cc))[:args.top]
    t["2-countries"] = (("month", "country", "organisations"),
                        [(m, cc, sum(1 for (mm, o) in om
                                     if mm == m and o in orgs and orgs[o]["country"] == cc))
                         for m in months for cc in top])

    in_a = {o for o in db.active(*args.period_a) if o in orgs}
    in_b = {o for o in db.active(*args.period_b) if o in orgs}
    t["3-removal-country"] = (("country", "active_a", "removed", "share_percent"),
                              removal(orgs, in_a, in_b, "country"))
    t["3-removal-sector"] = (("sector", "active_a", "removed", "share_percent"),
                             removal(orgs, in_a, in_b, "sector"))

    sectors = []
    for period, active in (("A", in_a), ("B", in_b)):
        count = {}
        for o in active:
            if orgs[o]["country"] == args.country:
                count[orgs[o]["sector"]] = count.get(orgs[o]["sector"], 0) + 1
        ranked = sorted(count.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
        sectors += [(period, i + 1, s, n) for i, (s, n) in enumerate(ranked)]
    t["4-sectors"] = (("period", "rank", "sector", "organisations"), sectors)

    gov = {}
    for o in (in_a | in_b):
        if orgs[o]["gov"]:
            a, b = gov.get(orgs[o]["country"], (0, 0))
            gov[orgs[o]["country"]] = (a + (o in in_a), b + (o in in_b))
    t["5-government"] = (("country", "active_a", "active_b"),
                         [(cc, a, b) for cc, (a, b) in sorted(gov.items())])
    if args.operator:
        t["5-government-names"] = (
            ("country", "org_id", "name"),
            sorted((orgs[o]["country"], o, orgs[o]["name"]) for o in in_b if orgs[o]["gov"]))

    t["6-coverage"] = (("tap", "first_day", "last_day", "days"), db.coverage(lo, hi))
    t["6-signals"] = (("signal", "sessions"), db.signals(lo, hi))
    t["7-evidence"], t["7-name-only"] = evidence(db, args, orgs, om, months, in_a, in_b)
    return t


def evidence_row(table, period, active, sessions):
    """Of the organisations active, how many rest on names alone (every
    session name-only), their sessions and the corroborated share; None
    when none is active."""
    if not active:
        return None
    got = [sessions.get(o, (0, 0)) for o in active]
    n = sum(s for s, _ in got)
    no = sum(x for _, x in got)
    share = round(100.0 * (n - no) / n, 1) if n else ""
    return (table, period, len(active), sum(1 for s, x in got if x == s), n, share)


def evidence(db, args, orgs, om, months, in_a, in_b):
    """Tables 7: what each table rests on, and the name-only organisations."""
    lo, hi = args.span
    per_month = db.org_sessions(lo, hi, by_month=True)
    rows = []
    for m in months:
        mine = {o: v for (mm, o), v in per_month.items() if mm == m}
        rows.append(evidence_row("1-monthly", m, {o for (mm, o) in om if mm == m and o in orgs},
                                 mine))
    sess_a = {o: v for (_, o), v in db.org_sessions(*args.period_a).items()}
    sess_b = {o: v for (_, o), v in db.org_sessions(*args.period_b).items()}
    for table, keep in (("3-removal", lambda o: True),
                        ("4-sectors", lambda o: orgs[o]["country"] == args.country),
                        ("5-government", lambda o: orgs[o]["gov"])):
        rows.append(evidence_row(table, "A", {o for o in in_a if keep(o)}, sess_a))
        rows.append(evidence_row(table, "B", {o for o in in_b if keep(o)}, sess_b))
    span = {}
    for (_, o), (n, no) in per_month.items():
        if o in orgs:
            a, b = span.get(o, (0, 0))
            span[o] = (a + n, b + no)
    named = sorted(((o, n, no) for o, (n, no) in span.items() if no > 0),
                   key=lambda r: (r[1] != r[2], r[0]))
    return ((("table", "period", "organisations", "name_only_organisations", "sessions",
              "corroborated_percent"), [r for r in rows if r is not None]),
            (("org_id", "country", "sector", "sessions", "name_only_sessions"),
             [(o, orgs[o]["country"], orgs[o]["sector"], n, no) for o, n, no in named]))
