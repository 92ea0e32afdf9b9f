-- SPDX-License-Identifier: BSD-3-Clause
-- The census database: where the taps' unique-client sketches meet.
-- PostgreSQL 15 with the hll extension (Debian postgresql-15-hll).
-- Apply as the database owner:   psql -d census -f config/census.sql
-- then one role per tap:         CREATE ROLE tap_isp_a LOGIN IN ROLE census_tap;
-- (the role's name is the tap's census.tap; a tap writes only its rows).
CREATE EXTENSION IF NOT EXISTS hll;
CREATE SCHEMA IF NOT EXISTS census;

DO $$ BEGIN
    CREATE ROLE census_tap NOLOGIN;
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
DO $$ BEGIN
    CREATE ROLE census_reader NOLOGIN;
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;

-- Organisations as the taps' tables label them.  tap: the tap whose
-- table labelled it first; only that tap relabels it (row-level security
-- below), so two taps with different tables cannot flip an organisation's
-- country, sector or government flag in push order, and no tap can rewrite
-- another's.  The census owner settles a disagreement (UPDATE ... SET tap).
CREATE TABLE IF NOT EXISTS census.organisation (
    org_id     text PRIMARY KEY,
    name       text NOT NULL,
    country    char(2) NOT NULL,
    sector     text NOT NULL,
    government boolean NOT NULL,
    updated    timestamptz NOT NULL DEFAULT now(),
    tap        text NOT NULL DEFAULT current_user
);
-- A database made before: its rows become the owner's (no tap relabels them).
ALTER TABLE census.organisation ADD COLUMN IF NOT EXISTS tap text NOT NULL DEFAULT current_user;

-- One tapcensus process per tap name: two under one census.tap would mix
-- their session counters (each row keeps the greatest total: sessions
-- lost).  A push claims the name for its instance; another instance's
-- push is refused while the claim is fresh (10 minutes since its last
-- push); a clean stop releases it.
CREATE TABLE IF NOT EXISTS census.tap_instance (
    tap      text PRIMARY KEY DEFAULT current_user,
    instance text NOT NULL,
    host     text NOT NULL,
    seen     timestamptz NOT NULL
);

-- A database made before partitions: its sketch and session tables are
-- renamed here, and their rows moved into the partitioned ones below.
DO $$ BEGIN
    IF (SELECT relkind FROM pg_class WHERE oid = to_regclass('census.client_sketch')) = 'r' THEN
        ALTER TABLE census.client_sketch RENAME TO client_sketch_unpartitioned;
    END IF;
    IF (SELECT relkind FROM pg_class WHERE oid = to_regclass('census.sessions')) = 'r' THEN
        -- (made before the evidence levels: every earlier session counts as
        -- corroborated, 0 name-only, as the taps then counted them)
        ALTER TABLE census.sessions ADD COLUMN IF NOT EXISTS name_only_first bigint NOT NULL DEFAULT 0;
        ALTER TABLE census.sessions ADD COLUMN IF NOT EXISTS name_only_last bigint NOT NULL DEFAULT 0;
        ALTER TABLE census.sessions RENAME TO sessions_unpartitioned;
    END IF;
END $$;

-- Per tap, UTC day, organisation and vendor: a HyperLogLog sketch of the
-- clients using the vendor's product (keyed hashes: no address).  A push
-- keeps hll_union(what was, what came): idempotent.  One partition a
-- month (census.ensure_months makes them; retention: census.retire_month).
CREATE TABLE IF NOT EXISTS census.client_sketch (
    tap     text NOT NULL,
    day     date NOT NULL,
    org_id  text NOT NULL, -- in census.organisation (the rollup triggers check)
    vendor  text NOT NULL,
    sketch  hll NOT NULL,
    updated timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tap, day, org_id, vendor)
) PARTITION BY RANGE (day);

-- Per tap, UTC day, organisation, vendor and signal: the tap's session
-- counter when its first push of the day saw this row, and its latest;
-- the day's sessions are the difference (a retry changes nothing).  The
-- name_only pair does the same for the sessions among them that rest on
-- the server's name alone (the address is none the vendor's DNS answers
-- taught nor its configured prefixes: possibly a decoy name).
CREATE TABLE IF NOT EXISTS census.sessions (
    tap         text NOT NULL,
    day         date NOT NULL,
    org_id      text NOT NULL, -- in census.organisation (the rollup triggers check)
    vendor      text NOT NULL,
    signal      text NOT NULL,
    first_total bigint NOT NULL,
    last_total  bigint NOT NULL,
    updated     timestamptz NOT NULL DEFAULT now(),
    name_only_first bigint NOT NULL DEFAULT 0,
    name_only_last  bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (tap, day, org_id, vendor, signal)
) PARTITION BY RANGE (day);

-- Earlier schemas had the two reference census.organisation row by
-- row (a foreign key: a third of a push's time); the triggers now check
-- it a statement at a time.
ALTER TABLE census.client_sketch DROP CONSTRAINT IF EXISTS client_sketch_org_id_fkey;
ALTER TABLE census.sessions DROP CONSTRAINT IF EXISTS sessions_org_id_fkey;

-- Rollups, kept by the triggers below as the taps' rows arrive (in the
-- push's own transaction), so that a report's cost grows with
-- organisations x days or months, not with taps: the union over the taps
-- of each organisation's day and month (hll_union is commutative and
-- idempotent: unioning a tap's grown sketch again changes nothing it had
-- counted), the days each tap pushed (coverage), and the sessions summed
-- over the taps by day and month.  Nobody writes them but the triggers.
CREATE TABLE IF NOT EXISTS census.org_day_sketch (
    day    date NOT NULL,
    org_id text NOT NULL,
    vendor text NOT NULL,
    sketch hll NOT NULL,
    PRIMARY KEY (day, org_id, vendor)
) PARTITION BY RANGE (day);
DROP INDEX IF EXISTS census.org_day_sketch_vendor; -- the primary key serves the report
CREATE TABLE IF NOT EXISTS census.org_month_sketch (
    month  date NOT NULL CHECK (extract(day FROM month) = 1),
    org_id text NOT NULL,
    vendor text NOT NULL,
    sketch hll NOT NULL,
    PRIMARY KEY (month, org_id, vendor)
);
DROP INDEX IF EXISTS census.org_month_sketch_vendor; -- the primary key serves the report
CREATE TABLE IF NOT EXISTS census.tap_day (
    tap      text NOT NULL,
    day      date NOT NULL,
    vendor   text NOT NULL,
    sketches bigint NOT NULL,
    PRIMARY KEY (vendor, tap, day)
);
CREATE TABLE IF NOT EXISTS census.org_day_sessions (
    day        date NOT NULL,
    org_id     text NOT NULL,
    vendor     text NOT NULL,
    signal     text NOT NULL,
    sessions   bigint NOT NULL,
    name_only  bigint NOT NULL,
    PRIMARY KEY (day, org_id, vendor, signal)
) PARTITION BY RANGE (day);
DROP INDEX IF EXISTS census.org_day_sessions_vendor; -- the primary key serves the report
CREATE TABLE IF NOT EXISTS census.org_month_sessions (
    month      date NOT NULL CHECK (extract(day FROM month) = 1),
    org_id     text NOT NULL,
    vendor     text NOT NULL,
    signal     text NOT NULL,
    sessions   bigint NOT NULL,
    name_only  bigint NOT NULL,
    PRIMARY KEY (month, org_id, vendor, signal)
);
DROP INDEX IF EXISTS census.org_month_sessions_vendor; -- the primary key serves the report
-- Rows updated in place by every push (a month's rollup, today's sketch
-- of a live tap) leave room in their page for the new version (a HOT
-- update: no index touched); the partitions get the same (ensure_months).
ALTER TABLE census.org_month_sketch SET (fillfactor = 50);
ALTER TABLE census.org_month_sessions SET (fillfactor = 50);
ALTER TABLE census.tap_day SET (fillfactor = 50);

-- The month partitions of the partitioned tables for every month from lo
-- to hi (each push asks for its rows' months first, in a transaction of
-- their own; the owner may make months ahead).  A month is made only
-- while no push is under way (each holds census.push_lock's lock shared
-- for its transaction; making takes it exclusive): making a partition
-- locks its table and the organisations it references, which a push under
-- way holds in the other order.
CREATE OR REPLACE FUNCTION census.ensure_months(lo date, hi date) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = census, public, pg_temp AS $$
DECLARE
    m date;
    t text;
BEGIN
    IF lo IS NULL OR hi IS NULL OR hi < lo OR hi > lo + 36600 THEN
        RAISE EXCEPTION 'census.ensure_months(%, %): not a span of days', lo, hi;
    END IF;
    m := date_trunc('month', lo)::date;
    WHILE m <= hi LOOP
        FOREACH t IN ARRAY ARRAY['client_sketch', 'sessions', 'org_day_sketch',
                                 'org_day_sessions'] LOOP
            IF to_regclass(format('census.%I', t || to_char(m, '_YYYY_MM'))) IS NULL THEN
                PERFORM pg_advisory_xact_lock(hashtext('census.push'));
                EXECUTE format('CREATE TABLE IF NOT EXISTS census.%I PARTITION OF census.%I '
                               'FOR VALUES FROM (%L) TO (%L) WITH (fillfactor = 70)',
                               t || to_char(m, '_YYYY_MM'), t,
                               m, (m + interval '1 month')::date);
            END IF;
        END LOOP;
        m := (m + interval '1 month')::date;
    END LOOP;
END $$;

-- Every push's first statement: the lock census.ensure_months waits for.
CREATE OR REPLACE FUNCTION census.push_lock() RETURNS void
LANGUAGE sql AS $$ SELECT pg_advisory_xact_lock_shared(hashtext('census.push')) $$;

-- A month out of the census (retention): its partitions detached (they
-- stay as tables census.client_sketch_YYYY_MM ... for the owner to
-- archive, e.g. pg_dump -t, then drop) and its month rollups and coverage
-- deleted.  Returns the detached tables' names.
CREATE OR REPLACE FUNCTION census.retire_month(m date) RETURNS SETOF text
LANGUAGE plpgsql SET search_path = census, public, pg_temp AS $$
DECLARE
    t text;
    m_first date := date_trunc('month', m)::date;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('census.push'));
    FOREACH t IN ARRAY ARRAY['client_sketch', 'sessions', 'org_day_sketch',
                             'org_day_sessions'] LOOP
        IF to_regclass(format('census.%I', t || to_char(m_first, '_YYYY_MM'))) IS NOT NULL THEN
            EXECUTE format('ALTER TABLE census.%I DETACH PARTITION census.%I', t,
                           t || to_char(m_first, '_YYYY_MM'));
            RETURN NEXT 'census.' || t || to_char(m_first, '_YYYY_MM');
        END IF;
    END LOOP;
    DELETE FROM census.org_month_sketch WHERE month = m_first;
    DELETE FROM census.org_month_sessions WHERE month = m_first;
    DELETE FROM census.tap_day WHERE day >= m_first AND day < m_first + interval '1 month';
END $$;

-- The foreign key the taps' rows no longer carry (a check per row cost the
-- push): a statement's organisations, each once, must be in
-- census.organisation.
CREATE OR REPLACE FUNCTION census.check_orgs(tbl text, ids text[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = census, public, pg_temp AS $$
DECLARE
    orphan text;
BEGIN
    SELECT i INTO orphan FROM unnest(ids) i
        WHERE NOT EXISTS (SELECT 1 FROM census.organisation o WHERE o.org_id = i) LIMIT 1;
    IF orphan IS NOT NULL THEN
        RAISE foreign_key_violation USING MESSAGE = format(
            '%s: organisation %L is not in census.organisation', tbl, orphan);
    END IF;
END $$;

-- The rollups' triggers: each statement's new and changed rows, grouped.
CREATE OR REPLACE FUNCTION census.sketch_rollup() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = census, public, pg_temp AS $$
DECLARE
    one_tap boolean;
BEGIN
    PERFORM census.check_orgs('census.client_sketch', array_agg(DISTINCT org_id)) FROM new_rows;
    -- One tap's rows (a push) are one a day and organisation: no union
    -- among them, only with the rollup's.
    SELECT min(tap) = max(tap) INTO one_tap FROM new_rows;
    IF one_tap THEN
        INSERT INTO census.org_day_sketch AS r (day, org_id, vendor, sketch)
            SELECT day, org_id, vendor, sketch FROM new_rows ORDER BY day, org_id, vendor
            ON CONFLICT (day, org_id, vendor) DO UPDATE SET sketch = hll_union(r.sketch, EXCLUDED.sketch);
    ELSE
        INSERT INTO census.org_day_sketch AS r (day, org_id, vendor, sketch)
            SELECT day, org_id, vendor, hll_union_agg(sketch) FROM new_rows
            GROUP BY day, org_id, vendor ORDER BY day, org_id, vendor
            ON CONFLICT (day, org_id, vendor) DO UPDATE SET sketch = hll_union(r.sketch, EXCLUDED.sketch);
    END IF;
    INSERT INTO census.org_month_sketch AS r (month, org_id, vendor, sketch)
        SELECT date_trunc('month', day)::date, org_id, vendor, hll_union_agg(sketch) FROM new_rows
        GROUP BY 1, org_id, vendor ORDER BY 1, org_id, vendor
        ON CONFLICT (month, org_id, vendor) DO UPDATE SET sketch = hll_union(r.sketch, EXCLUDED.sketch);
    IF TG_OP = 'INSERT' THEN
        INSERT INTO census.tap_day AS r (tap, day, vendor, sketches)
            SELECT tap, day, vendor, count(*) FROM new_rows GROUP BY tap, day, vendor
            ORDER BY vendor, tap, day ON CONFLICT (vendor, tap, day) DO UPDATE SET sketches = r.sketches + EXCLUDED.sketches;
    END IF;
    RETURN NULL;
END $$;

-- What a statement's session rows added, per (day, organisation, vendor,
-- signal), merged into the day and month rollups in one statement.
CREATE OR REPLACE FUNCTION census.add_sessions(days date[], orgs text[], vendors text[],
    signals text[], added bigint[], added_name_only bigint[]) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = census, public, pg_temp AS $$
    WITH d AS MATERIALIZED (
        SELECT * FROM unnest(days, orgs, vendors, signals, added, added_name_only)
            AS d(day, org_id, vendor, signal, sessions, name_only)),
    by_day AS (
        INSERT INTO census.org_day_sessions AS r (day, org_id, vendor, signal, sessions, name_only)
            SELECT day, org_id, vendor, signal, sum(sessions), sum(name_only) FROM d
            GROUP BY day, org_id, vendor, signal ORDER BY day, org_id, vendor, signal
            ON CONFLICT (day, org_id, vendor, signal) DO UPDATE SET
                sessions = r.sessions + EXCLUDED.sessions,
                name_only = r.name_only + EXCLUDED.name_only)
    INSERT INTO census.org_month_sessions AS r (month, org_id, vendor, signal, sessions, name_only)
        SELECT date_trunc('month', day)::date, org_id, vendor, signal, sum(sessions),
            sum(name_only) FROM d GROUP BY 1, org_id, vendor, signal
        ORDER BY 1, org_id, vendor, signal ON CONFLICT (month, org_id, vendor, signal) DO UPDATE SET
            sessions = r.sessions + EXCLUDED.sessions, name_only = r.name_only + EXCLUDED.name_only
$$;

CREATE OR REPLACE FUNCTION census.sessions_rollup() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = census, public, pg_temp AS $$
BEGIN
    PERFORM census.check_orgs('census.sessions', array_agg(DISTINCT org_id)) FROM new_rows;
    -- What each row added: all of a new one, the growth of a changed one
    -- (a row that adds nothing, nothing: no rollup row of no sessions).
    IF TG_OP = 'INSERT' THEN
        PERFORM census.add_sessions(array_agg(day), array_agg(org_id), array_agg(vendor),
                array_agg(signal), array_agg(last_total - first_total),
                array_agg(name_only_last - name_only_first))
            FROM new_rows WHERE last_total <> first_total OR name_only_last <> name_only_first;
    ELSE
        PERFORM census.add_sessions(array_agg(n.day), array_agg(n.org_id), array_agg(n.vendor),
                array_agg(n.signal), array_agg(n.last_total - o.last_total),
                array_agg(n.name_only_last - o.name_only_last))
            FROM new_rows n JOIN old_rows o USING (tap, day, org_id, vendor, signal)
            WHERE n.last_total <> o.last_total OR n.name_only_last <> o.name_only_last;
    END IF;
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS rollup_insert ON census.client_sketch;
CREATE TRIGGER rollup_insert AFTER INSERT ON census.client_sketch
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION census.sketch_rollup();
DROP TRIGGER IF EXISTS rollup_update ON census.client_sketch;
CREATE TRIGGER rollup_update AFTER UPDATE ON census.client_sketch
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION census.sketch_rollup();
DROP TRIGGER IF EXISTS rollup_insert ON census.sessions;
CREATE TRIGGER rollup_insert AFTER INSERT ON census.sessions
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION census.sessions_rollup();
DROP TRIGGER IF EXISTS rollup_update ON census.sessions;
CREATE TRIGGER rollup_update AFTER UPDATE ON census.sessions
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION census.sessions_rollup();

-- The rollups made again from the taps' rows (after the owner edited
-- those by hand; the tests compare the two).
CREATE OR REPLACE FUNCTION census.rebuild_rollups() RETURNS void
LANGUAGE plpgsql SET search_path = census, public, pg_temp AS $$
BEGIN
    TRUNCATE census.org_day_sketch, census.org_month_sketch, census.tap_day,
             census.org_day_sessions, census.org_month_sessions;
    INSERT INTO census.org_day_sketch SELECT day, org_id, vendor, hll_union_agg(sketch)
        FROM census.client_sketch GROUP BY day, org_id, vendor;
    INSERT INTO census.org_month_sketch SELECT date_trunc('month', day)::date, org_id, vendor,
        hll_union_agg(sketch) FROM census.client_sketch GROUP BY 1, org_id, vendor;
    INSERT INTO census.tap_day SELECT tap, day, vendor, count(*) FROM census.client_sketch
        GROUP BY tap, day, vendor;
    INSERT INTO census.org_day_sessions SELECT day, org_id, vendor, signal,
        sum(last_total - first_total), sum(name_only_last - name_only_first)
        FROM census.sessions WHERE last_total <> first_total OR name_only_last <> name_only_first
        GROUP BY day, org_id, vendor, signal;
    INSERT INTO census.org_month_sessions SELECT date_trunc('month', day)::date, org_id, vendor,
        signal, sum(last_total - first_total), sum(name_only_last - name_only_first)
        FROM census.sessions WHERE last_total <> first_total OR name_only_last <> name_only_first
        GROUP BY 1, org_id, vendor, signal;
END $$;

-- The rows of a database made before partitions, moved (the rollups
-- filled by the triggers as they go).
DO $$
DECLARE lo date; hi date;
BEGIN
    IF to_regclass('census.client_sketch_unpartitioned') IS NOT NULL THEN
        SELECT min(day), max(day) INTO lo, hi FROM census.client_sketch_unpartitioned;
        IF lo IS NOT NULL THEN PERFORM census.ensure_months(lo, hi); END IF;
        INSERT INTO census.client_sketch SELECT tap, day, org_id, vendor, sketch, updated
            FROM census.client_sketch_unpartitioned;
        DROP TABLE census.client_sketch_unpartitioned;
    END IF;
    IF to_regclass('census.sessions_unpartitioned') IS NOT NULL THEN
        SELECT min(day), max(day) INTO lo, hi FROM census.sessions_unpartitioned;
        IF lo IS NOT NULL THEN PERFORM census.ensure_months(lo, hi); END IF;
        INSERT INTO census.sessions (tap, day, org_id, vendor, signal, first_total, last_total,
                                     updated, name_only_first, name_only_last)
            SELECT tap, day, org_id, vendor, signal, first_total, last_total, updated,
                   name_only_first, name_only_last FROM census.sessions_unpartitioned;
        DROP TABLE census.sessions_unpartitioned;
    END IF;
END $$;

-- The client-hash key every tap shares, by its fingerprint (the first 8
-- bytes of SHA-256("tapcensus census key" || key), hex: it tells keys
-- apart without telling the key).  The first push writes it; a push from a
-- tap with another key is refused (sketches of two keys cannot be merged:
-- every client would count twice).  One row; rotating the key is a new
-- census (docs/census.md: key rotation).
CREATE TABLE IF NOT EXISTS census.key_fingerprint (
    one         boolean PRIMARY KEY DEFAULT true CHECK (one),
    fingerprint text NOT NULL CHECK (fingerprint ~ '^[0-9a-f]{16}$'),
    first_tap   text NOT NULL DEFAULT current_user,
    since       timestamptz NOT NULL DEFAULT now()
);

-- A tap writes its own rows only: the row's tap is the session's role;
-- readers read every row.
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['client_sketch', 'sessions', 'tap_instance'] LOOP
        EXECUTE format('ALTER TABLE census.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('DROP POLICY IF EXISTS tap_own ON census.%I', t);
        EXECUTE format('CREATE POLICY tap_own ON census.%I FOR ALL TO census_tap '
                       'USING (tap = current_user) WITH CHECK (tap = current_user)', t);
        EXECUTE format('DROP POLICY IF EXISTS readers ON census.%I', t);
        EXECUTE format('CREATE POLICY readers ON census.%I FOR SELECT TO census_reader '
                       'USING (true)', t);
    END LOOP;
END $$;

-- Organisations: every tap reads them and adds its own; only the first
-- tap relabels one.
ALTER TABLE census.organisation ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tap_read ON census.organisation;
CREATE POLICY tap_read ON census.organisation FOR SELECT TO census_tap USING (true);
DROP POLICY IF EXISTS tap_add ON census.organisation;
CREATE POLICY tap_add ON census.organisation FOR INSERT TO census_tap
    WITH CHECK (tap = current_user);
DROP POLICY IF EXISTS tap_relabel ON census.organisation;
CREATE POLICY tap_relabel ON census.organisation FOR UPDATE TO census_tap
    USING (tap = current_user) WITH CHECK (tap = current_user);
DROP POLICY IF EXISTS readers ON census.organisation;
CREATE POLICY readers ON census.organisation FOR SELECT TO census_reader USING (true);

GRANT USAGE ON SCHEMA census TO census_tap, census_reader;
GRANT SELECT, INSERT, UPDATE ON census.organisation, census.client_sketch, census.sessions
    TO census_tap;
GRANT SELECT ON census.organisation, census.client_sketch, census.sessions TO census_reader;
GRANT SELECT, INSERT ON census.key_fingerprint TO census_tap;
GRANT SELECT, INSERT, UPDATE ON census.tap_instance TO census_tap;
GRANT SELECT ON census.tap_instance TO census_reader;
GRANT SELECT ON census.key_fingerprint TO census_reader;
GRANT SELECT ON census.org_day_sketch, census.org_month_sketch, census.tap_day,
    census.org_day_sessions, census.org_month_sessions TO census_reader;
REVOKE ALL ON FUNCTION census.ensure_months(date, date), census.retire_month(date),
    census.rebuild_rollups(), census.sketch_rollup(), census.sessions_rollup(),
    census.add_sessions(date[], text[], text[], text[], bigint[], bigint[]),
    census.check_orgs(text, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION census.ensure_months(date, date), census.push_lock() TO census_tap;

-- Unique clients across every tap: the union of their sketches (a client
-- seen at two taps counts once: the taps share the hash key).
CREATE OR REPLACE VIEW census.org_day AS
    SELECT day, org_id, vendor,
           hll_cardinality(hll_union_agg(sketch))::bigint AS clients,
           count(DISTINCT tap) AS taps
    FROM census.client_sketch GROUP BY day, org_id, vendor;

-- The views below read the rollups (the same figures as the taps' rows
-- give, organisations x days or months of rows instead of taps x days).
CREATE OR REPLACE VIEW census.org_month AS
    SELECT month, org_id, vendor, hll_cardinality(sketch)::bigint AS clients
    FROM census.org_month_sketch;

CREATE OR REPLACE VIEW census.country_day AS
    SELECT s.day, o.country, s.vendor,
           count(DISTINCT s.org_id) AS organisations,
           hll_cardinality(hll_union_agg(s.sketch))::bigint AS clients
    FROM census.org_day_sketch s JOIN census.organisation o USING (org_id)
    GROUP BY s.day, o.country, s.vendor;

CREATE OR REPLACE VIEW census.sector_day AS
    SELECT s.day, o.sector, s.vendor,
           count(DISTINCT s.org_id) AS organisations,
           hll_cardinality(hll_union_agg(s.sketch))::bigint AS clients
    FROM census.org_day_sketch s JOIN census.organisation o USING (org_id)
    GROUP BY s.day, o.sector, s.vendor;

CREATE OR REPLACE VIEW census.government_day AS
    SELECT s.day, s.vendor, count(DISTINCT s.org_id) AS organisations,
           hll_cardinality(hll_union_agg(s.sketch))::bigint AS clients
    FROM census.org_day_sketch s JOIN census.organisation o USING (org_id)
    WHERE o.government GROUP BY s.day, s.vendor;

-- Sessions sum over the taps (each session is counted at one tap).
CREATE OR REPLACE VIEW census.sessions_day AS
    SELECT day, org_id, vendor, signal, sum(last_total - first_total)::bigint AS sessions,
           count(DISTINCT tap) AS taps,
           sum(name_only_last - name_only_first)::bigint AS name_only_sessions
    FROM census.sessions GROUP BY day, org_id, vendor, signal;

GRANT SELECT ON census.org_day, census.org_month, census.country_day, census.sector_day,
    census.government_day, census.sessions_day TO census_reader;
