# SPDX-License-Identifier: BSD-3-Clause
"""The report's page: matplotlib's charts as inline SVG, the tables, the
method."""
import datetime
import html
import io

import matplotlib
matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

from .inputs import BLIND_SPOTS  # noqa: E402

# Labels come from the database and the configuration: never read as math.
plt.rcParams.update({"svg.hashsalt": "tapcensus", "font.size": 9, "figure.dpi": 96,
                     "text.parse_math": False})


# ---- Charts: matplotlib draws, the report embeds its SVG ----

def svg(fig):
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg"):]


def month_day(m):
    return datetime.date(int(m[:4]), int(m[5:7]), 1)


def mark_events(ax, events, lo, hi):
    for day, label in events:
        if lo <= day <= hi:
            ax.axvline(day, color="#b22", linestyle="--", linewidth=1)
            ax.annotate(label, (day, 1), xycoords=("data", "axes fraction"), rotation=90,
                        va="top", ha="right", fontsize=8, color="#b22")


def time_axis(ax):
    ax.xaxis.set_major_locator(mdates.MonthLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    ax.grid(True, alpha=0.3)


def chart_monthly(rows, events, span, title):
    world = [r for r in rows if r[1] == "world"]
    x = [month_day(r[0]) for r in world]
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(9, 5.5), sharex=True)
    ax1.plot(x, [r[2] for r in world], marker="o", color="#1f4e79")
    ax1.set_ylabel("active organisations")
    ax2.plot(x, [r[3] for r in world], marker="o", color="#7a4e1f")
    ax2.set_ylabel("unique client addresses")
    for ax in (ax1, ax2):
        time_axis(ax)
        ax.set_ylim(bottom=0)
        mark_events(ax, events, *span)
    ax1.set_title(title)
    fig.autofmt_xdate()
    return svg(fig)


def chart_countries(rows, events, span, title):
    fig, ax = plt.subplots(figsize=(9, 4))
    for cc in dict.fromkeys(r[1] for r in rows):
        mine = [r for r in rows if r[1] == cc]
        ax.plot([month_day(r[0]) for r in mine], [r[2] for r in mine], marker="o", label=cc)
    time_axis(ax)
    ax.set_ylim(bottom=0)
    ax.set_ylabel("active organisations")
    mark_events(ax, events, *span)
    if rows:
        ax.legend(loc="upper right")
    ax.set_title(title)
    fig.autofmt_xdate()
    return svg(fig)


def chart_removal(rows, title):
    fig, ax = plt.subplots(figsize=(9, 0.8 + 0.35 * max(len(rows), 1)))
    labels = [r[0] for r in rows][::-1]
    shares = [r[3] for r in rows][::-1]
    bars = ax.barh(labels, shares, color="#1f4e79")
    ax.bar_label(bars, labels=[f"{r[2]} of {r[1]}" for r in rows][::-1], padding=3, fontsize=8)
    ax.set_xlim(0, 115)
    ax.set_xlabel("share of the organisations active in A no longer seen in B (%)")
    ax.set_title(title)
    return svg(fig)


def chart_sectors(rows, title):
    names = list(dict.fromkeys(r[2] for r in rows))
    a = {r[2]: r[3] for r in rows if r[0] == "A"}
    b = {r[2]: r[3] for r in rows if r[0] == "B"}
    fig, ax = plt.subplots(figsize=(9, 0.8 + 0.45 * max(len(names), 1)))
    y = range(len(names))
    ax.barh([i + 0.2 for i in y], [a.get(n, 0) for n in names], 0.4, label="period A",
            color="#1f4e79")
    ax.barh([i - 0.2 for i in y], [b.get(n, 0) for n in names], 0.4, label="period B",
            color="#c97b2a")
    ax.set_yticks(list(y), names)
    ax.invert_yaxis()
    ax.set_xlabel("active organisations")
    ax.legend(loc="lower right")
    ax.set_title(title)
    return svg(fig)


def chart_government(rows, title):
    fig, ax = plt.subplots(figsize=(9, 3.2))
    x = range(len(rows))
    ax.bar([i - 0.2 for i in x], [r[1] for r in rows], 0.4, label="active in A", color="#1f4e79")
    ax.bar([i + 0.2 for i in x], [r[2] for r in rows], 0.4, label="still active in B",
           color="#b22")
    ax.set_xticks(list(x), [r[0] for r in rows])
    ax.set_ylabel("government organisations")
    ax.legend()
    ax.set_title(title)
    return svg(fig)


# ---- The page ----

def html_table(header, rows):
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>"
                   for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def section(num, title, chart, name, t, text=""):
    header, rows = t[name]
    fig = (f'<figure class="chart" id="chart-{num}">{chart}</figure>' if chart else "")
    return (f'<section id="s{num}"><h2>{num}. {html.escape(title)}</h2>{text}{fig}'
            f'<details><summary>Table ({html.escape(name)}.csv, {len(rows)} rows)</summary>'
            f'{html_table(header, rows)}</details></section>')


def catalogue_text(catalogue):
    """What each role's names rest on, from the configuration's catalogue."""
    if not catalogue:
        return ("<p><b>The catalogue.</b> No configuration was given (--config): which "
                "roles rest on the vendor's own documentation is not stated here.</p>")
    rows = "".join(f"<tr><td>{html.escape(r)}</td><td>{html.escape(c)}</td>"
                   f"<td>{html.escape(g or '-')}</td>"
                   f"<td>{'no' if r == 'web' else 'yes'}</td></tr>" for r, c, g in catalogue)
    reported = [r for r, c, _ in catalogue if c != "documented"]
    return ("<p><b>The catalogue.</b> The vendor's endpoints by role, with what each rests "
            "on: documented (the vendor's documentation or artefacts, grades A and B), "
            "reported (maintained third-party data and reports only, C and D), unsourced "
            "(names under the vendor's domains that no role lists). Figures of product use "
            "count every role but the website"
            + (f"; those resting on {html.escape(', '.join(reported))} rest on names the "
               "vendor has not documented" if reported else "") + ".</p>"
            '<table class="catalogue"><tr><th>role</th><th>confidence</th>'
            "<th>source grades</th><th>product use</th></tr>" + rows + "</table>")


def evidence_text(t):
    rows = t["7-evidence"][1]
    named = t["7-name-only"][1]
    whole = sum(1 for r in named if r[3] == r[4])
    low = min((r for r in rows if r[5] != ""), key=lambda r: r[5], default=None)
    return (
        "<p>A product session is <b>corroborated</b> when its server's address is the "
        "vendor's: a DNS answer for one of the vendor's names taught it, or it lies in the "
        "vendor's configured server prefixes; it is <b>name-only</b> when the name alone "
        "(TLS or QUIC server name, HTTP Host, a payload signature) decided it. Names can be "
        "borrowed: a VPN's stealth mode puts the vendor's server names in its own "
        "connections to its own servers, and a tap that sees no DNS has only names. Every "
        "table above counts both; the table below gives, for each table and period, the "
        "organisations counted, those whose every session is name-only, and the share of "
        "the sessions that is corroborated"
        + (f" (lowest: {html.escape(str(low[0]))} {html.escape(str(low[1]))}, {low[5]}%)"
           if low else "") + ". "
        f"{len(named)} organisation{'s' if len(named) != 1 else ''} had name-only sessions "
        f"in the span, {whole} of them nothing else (possible decoys, listed first in "
        "7-name-only.csv).</p>")


def page(args, t, events, shape, catalogue):
    lo, hi = args.span
    (a0, a1), (b0, b1) = args.period_a, args.period_b
    v = html.escape(args.vendor)
    rc = t["3-removal-country"][1]
    cc = args.country
    mine = [r for r in rc if r[0] == cc]
    gov_b = sum(r[2] for r in t["5-government"][1] if r[0] == cc)
    lead = (f"<p>In {html.escape(cc)}, {mine[0][2]} of the {mine[0][1]} organisations active in "
            f"period A ({mine[0][3]}%) were no longer seen in period B; {gov_b} government "
            f"organisation{'s' if gov_b != 1 else ''} still connected in B.</p>") if mine else ""
    parts = []
    parts.append(section(1, "Active organisations and unique client addresses per month",
                         chart_monthly(t["1-monthly"][1], events, args.span,
                                       f"{args.vendor}: the world, per month"),
                         "1-monthly", t))
    parts.append(section(2, f"Active organisations by country, the top {args.top}",
                         chart_countries(t["2-countries"][1], events, args.span,
                                         "active organisations per month"), "2-countries", t))
    parts.append(section("3a", "Removal by country between A and B",
                         chart_removal(t["3-removal-country"][1], "by country"),
                         "3-removal-country", t, lead))
    parts.append(section("3b", "Removal by sector between A and B",
                         chart_removal(t["3-removal-sector"][1], "by sector"),
                         "3-removal-sector", t))
    parts.append(section(4, f"{cc}: the top 10 sectors in A and in B",
                         chart_sectors(t["4-sectors"][1], f"{cc}: active organisations by sector"),
                         "4-sectors", t))
    gov_text = ("<p>Names: see the table below (operator variant).</p>"
                if args.operator else
                "<p>The organisations' names are in the operator variant only "
                "(<code>--operator</code>).</p>")
    parts.append(section(5, "Government organisations still active in B",
                         chart_government(t["5-government"][1], "government organisations"),
                         "5-government", t, gov_text))
    if args.operator:
        parts.append(section("5b", "Government organisations still active in B: names", "",
                             "5-government-names", t))
    # The hll extension's "auto" explicit threshold: as many 64-bit hashes
    # as fit in the registers' bytes are kept as they are (exact).
    err = ", ".join(f"up to {(1 << m) * w // 64} clients exactly, more within about "
                    f"{104.0 / (1 << m) ** 0.5:.1f}% (one standard error; log2m {m}, "
                    f"regwidth {w})" for m, w in shape) or "no sketch in the span"
    signals = ", ".join(f"{s} {n}" for s, n in t["6-signals"][1]) or "none"
    method = (
        "<p><b>What is counted.</b> A tap counts a client of an organisation when a flow from "
        "the client's address reaches the vendor's product endpoints (every role of its "
        "catalogue but the website), recognised by its signals: TLS and QUIC server names, "
        "HTTP Host, DNS names, server addresses configured or learned from DNS answers, "
        "payload signatures; only clients whose address is shown real by an exchange with "
        f"the server count. Sessions in the span by signal: {html.escape(signals)} (a live "
        "tap's day has the sessions it pushed that day, the push interval the grain at "
        "midnight; a replayed capture's, those that happened that day).</p>"
        "<p><b>Unique clients.</b> Each tap keeps, per day, organisation and vendor, a "
        "HyperLogLog sketch of keyed hashes of its clients (IPv6 by its /64; the key is "
        "shared by the taps and never leaves them); the database unions them, so a client "
        f"seen at two taps or on many days counts once: {html.escape(err)}. A month is a "
        "calendar month (UTC).</p>"
        + catalogue_text(catalogue) +
        "<p><b>What cannot be seen.</b></p><ul>"
        + "".join(f"<li>{html.escape(b)}</li>" for b in BLIND_SPOTS) + "</ul>"
        "<p><b>Coverage.</b> The taps and the days on which they saw the product:</p>")
    parts.append(section(6, "Method", "", "6-coverage", t, method))
    parts.append(f'<section id="s6b"><h3>Sessions by signal</h3>'
                 f'{html_table(*t["6-signals"])}</section>')
    parts.append(section(7, "Evidence: corroborated and name-only sessions", "", "7-evidence",
                         t, evidence_text(t)))
    parts.append(section("7b", "Organisations whose sessions rest on names alone", "",
                         "7-name-only", t))
    taps = ", ".join(sorted(args.taps)) if args.taps else "every tap"
    ev = "; ".join(f"{d} {html.escape(label)}" for d, label in events) or "none"
    style = ("body{font-family:sans-serif;max-width:980px;margin:2em auto;color:#222}"
             "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #bbb;"
             "padding:2px 8px;text-align:right}th{background:#eee}figure{margin:1em 0}"
             "figure svg{max-width:100%;height:auto}section{margin-bottom:2em}"
             ".meta{color:#555}")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>tapcensus report: {v}, {lo} to {hi}</title><style>{style}</style>"
            f"</head><body><h1>Census of {v} product use, {lo} to {hi}</h1>"
            f'<p class="meta">Period A: {a0} to {a1}; period B: {b0} to {b1}; taps: '
            f"{html.escape(taps)}; events marked: {ev}; written "
            f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC by "
            "tapcensus-report.</p>" + "".join(parts) + "</body></html>\n")
