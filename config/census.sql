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

-- Per tap, UTC day, organisation and vendor: a HyperLogLog sketch of the
-- clients using the vendor's product (keyed hashes: no address).  A push
-- keeps hll_union(what was, what came): idempotent.
CREATE TABLE IF NOT EXISTS census.client_sketch (
    tap     text NOT NULL,
    day     date NOT NULL,
    org_id  text NOT NULL REFERENCES census.organisation,
    vendor  text NOT NULL,
    sketch  hll NOT NULL,
    updated timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tap, day, org_id, vendor)
);

-- Per tap, UTC day, organisation, vendor and signal: the tap's session
-- counter when its first push of the day saw this row, and its latest;
-- the day's sessions are the difference (a retry changes nothing).  The
-- name_only pair does the same for the sessions among them that rest on
-- the server's name alone (the address is none the vendor's DNS answers
-- taught nor its configured prefixes: possibly a decoy name).
CREATE TABLE IF NOT EXISTS census.sessions (
    tap         text NOT NULL,
    day         date NOT NULL,
    org_id      text NOT NULL REFERENCES census.organisation,
    vendor      text NOT NULL,
    signal      text NOT NULL,
    first_total bigint NOT NULL,
    last_total  bigint NOT NULL,
    updated     timestamptz NOT NULL DEFAULT now(),
    name_only_first bigint NOT NULL DEFAULT 0,
    name_only_last  bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (tap, day, org_id, vendor, signal)
);
-- A database made before the evidence levels: every earlier session
-- counts as corroborated (0 name-only), as the taps then counted them.
ALTER TABLE census.sessions ADD COLUMN IF NOT EXISTS name_only_first bigint NOT NULL DEFAULT 0;
ALTER TABLE census.sessions ADD COLUMN IF NOT EXISTS name_only_last bigint NOT NULL DEFAULT 0;

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

-- Unique clients across every tap: the union of their sketches (a client
-- seen at two taps counts once: the taps share the hash key).
CREATE OR REPLACE VIEW census.org_day AS
    SELECT day, org_id, vendor,
           hll_cardinality(hll_union_agg(sketch))::bigint AS clients,
           count(DISTINCT tap) AS taps
    FROM census.client_sketch GROUP BY day, org_id, vendor;

CREATE OR REPLACE VIEW census.org_month AS
    SELECT date_trunc('month', day)::date AS month, org_id, vendor,
           hll_cardinality(hll_union_agg(sketch))::bigint AS clients
    FROM census.client_sketch GROUP BY 1, org_id, vendor;

CREATE OR REPLACE VIEW census.country_day AS
    SELECT s.day, o.country, s.vendor,
           count(DISTINCT s.org_id) AS organisations,
           hll_cardinality(hll_union_agg(s.sketch))::bigint AS clients
    FROM census.client_sketch s JOIN census.organisation o USING (org_id)
    GROUP BY s.day, o.country, s.vendor;

CREATE OR REPLACE VIEW census.sector_day AS
    SELECT s.day, o.sector, s.vendor,
           count(DISTINCT s.org_id) AS organisations,
           hll_cardinality(hll_union_agg(s.sketch))::bigint AS clients
    FROM census.client_sketch s JOIN census.organisation o USING (org_id)
    GROUP BY s.day, o.sector, s.vendor;

CREATE OR REPLACE VIEW census.government_day AS
    SELECT s.day, s.vendor, count(DISTINCT s.org_id) AS organisations,
           hll_cardinality(hll_union_agg(s.sketch))::bigint AS clients
    FROM census.client_sketch s JOIN census.organisation o USING (org_id)
    WHERE o.government GROUP BY s.day, s.vendor;

-- Sessions sum over the taps (each session is counted at one tap).
CREATE OR REPLACE VIEW census.sessions_day AS
    SELECT day, org_id, vendor, signal, sum(last_total - first_total)::bigint AS sessions,
           count(DISTINCT tap) AS taps,
           sum(name_only_last - name_only_first)::bigint AS name_only_sessions
    FROM census.sessions GROUP BY day, org_id, vendor, signal;

GRANT SELECT ON census.org_day, census.org_month, census.country_day, census.sector_day,
    census.government_day, census.sessions_day TO census_reader;
