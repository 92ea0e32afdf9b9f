# SPDX-License-Identifier: BSD-3-Clause
"""What the report reads besides the database: its options' days and
periods, the configuration's events and catalogue; and how a CSV cell is
written."""
import datetime
import os

import yaml

# What the report cannot see, said with every report.
BLIND_SPOTS = [
    "DNS over HTTPS or TLS to resolvers other than the ones on the tapped links: the "
    "dns signal sees only queries that cross the tap in the clear.",
    "VPNs and proxies: a client behind one is attributed to the tunnel's exit, not to "
    "its organisation.",
    "Encrypted Client Hello to addresses the vendor shares with others: the name is "
    "hidden and the address does not decide.",
    "Research and scanning traffic to the vendor's endpoints looks the same as a "
    "product's and is counted as one.",
    "Links without a tap: an organisation whose traffic crosses none is not seen.",
]


class Fail(Exception):
    """An error told to the user; code is the exit status."""

    def __init__(self, msg, code=1):
        super().__init__(msg)
        self.code = code


def parse_day(text, what):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise Fail(f"{what}: '{text}' is not a day (YYYY-MM-DD)", 2) from None


def parse_period(text, what):
    lo, sep, hi = text.partition(":")
    if not sep:
        raise Fail(f"{what}: '{text}' is not FIRST:LAST (two days, YYYY-MM-DD)", 2)
    a, b = parse_day(lo, what), parse_day(hi, what)
    if b < a:
        raise Fail(f"{what}: '{text}' ends before it begins", 2)
    return a, b


def read_events(path):
    """The configuration's report.events: [(date, label)]; errors name the
    file, the line and the field."""
    try:
        with open(path, encoding="utf-8") as f:
            root = yaml.compose(f)
    except OSError as e:
        raise Fail(f"{path}: {e.strerror}", 2) from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else path
        raise Fail(f"{where}: not YAML: {getattr(e, 'problem', e)}", 2) from None

    def get(node, key):
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == key:
                    return v
        return None

    def err(node, field, msg):
        return Fail(f"{path}:{node.start_mark.line + 1}: {field}: {msg}", 2)

    report = get(root, "report") if root is not None else None
    if report is None:
        return []
    events = get(report, "events")
    if events is None:
        return []
    if not isinstance(events, yaml.SequenceNode):
        raise err(events, "report.events", "a list of {date, label}")
    out = []
    for i, e in enumerate(events.value):
        field = f"report.events[{i}]"
        if not isinstance(e, yaml.MappingNode):
            raise err(e, field, "a mapping with date and label")
        for k, _ in e.value:
            if k.value not in ("date", "label"):
                raise err(k, field, f"unknown field '{k.value}'")
        d, label = get(e, "date"), get(e, "label")
        if d is None or label is None:
            raise err(e, field, "date and label are both required")
        try:
            day = datetime.date.fromisoformat(d.value)
        except ValueError:
            raise err(d, field + ".date", f"'{d.value}': no such day (YYYY-MM-DD)") from None
        if not isinstance(label, yaml.ScalarNode) or not label.value or len(label.value) > 80:
            raise err(label, field + ".label", "a text of 1 to 80 characters")
        out.append((day, label.value))
    return out


def read_catalogue(path, vendor):
    """The vendor's roles in the configuration (its vendors, an include
    followed from the configuration's folder): [(role, confidence, grades)],
    the confidence as the daemon derives it (tapcensus_vendor_catalogue_info)
    and checks it; the daemon refuses what is malformed, so this only reads."""
    def load(p):
        try:
            with open(p, encoding="utf-8") as f:
                return yaml.safe_load(f) or {}
        except (OSError, yaml.YAMLError) as e:
            raise Fail(f"{p}: {getattr(e, 'strerror', None) or e}", 2) from None

    def unit(role, node):
        grades = sorted({str(x.get("grade", "")) for x in node.get("sources") or []
                         if isinstance(x, dict)} - {""})
        conf = node.get("confidence") or (
            "documented" if any(g in "AB" for g in grades) else
            "reported" if grades else "unsourced")
        return (role, conf, "".join(grades))

    root = load(path)
    for entry in root.get("vendors") or []:
        if not isinstance(entry, dict):
            continue
        v = entry
        if "include" in entry:
            v = load(os.path.join(os.path.dirname(os.path.abspath(path)), entry["include"]))
        if v.get("name") != vendor:
            continue
        out = [unit("other", v)] if (v.get("domains") or v.get("regexes") or
                                     v.get("payload_signatures") or "server_prefixes" in entry
                                     or v.get("server_prefixes")) else []
        return out + [unit(str(r.get("role")), r) for r in v.get("roles") or []]
    return []


def csv_cell(v):
    """A text cell a spreadsheet would take for a formula (OWASP "CSV
    Injection": a leading =, +, -, @, tab or carriage return), quoted with
    a leading apostrophe; numbers and other text as they are."""
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + v
    return v


def months_of(lo, hi):
    """The calendar months the span touches, as 'YYYY-MM'."""
    out, y, m = [], lo.year, lo.month
    while (y, m) <= (hi.year, hi.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out
