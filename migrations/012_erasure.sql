-- Up Migration

-- Erasure of one customer (docs/data-lifecycle.md). New events for an erased customer or
-- one of their conversations are held as `suppressed` (never applied) until an operator
-- lifts the erasure; `held_by` says which erasure holds them.
ALTER TABLE webhook_events DROP CONSTRAINT webhook_events_status_check;
ALTER TABLE webhook_events ADD CONSTRAINT webhook_events_status_check
  CHECK (status IN ('received', 'applied', 'waiting', 'failed', 'ignored', 'quarantined', 'suppressed'));
ALTER TABLE webhook_events ADD COLUMN held_by bigint;

-- A per-deployment salt: the ids of erased customers are kept only as salted hashes, so
-- the table does not list who asked to be forgotten, and hashes do not match across
-- deployments. gen_random_uuid() is a strong random source built into PostgreSQL 13+.
CREATE TABLE erasure_salt (
  id   boolean PRIMARY KEY DEFAULT true CHECK (id),
  salt bytea NOT NULL
);
INSERT INTO erasure_salt (salt) VALUES (sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8')));

-- One row per erasure run. While it is in progress it holds the customer id and the plan
-- (the ids to remove) so that a crashed run can finish; both are cleared when it completes.
CREATE TABLE erasures (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_hash bytea NOT NULL,
  customer_id   text,
  plan          jsonb,
  status        text NOT NULL DEFAULT 'in_progress' CHECK (status IN ('in_progress', 'completed')),
  steps_done    text[] NOT NULL DEFAULT '{}',
  receipt       jsonb NOT NULL DEFAULT '{}',
  requested_by  text NOT NULL,
  requested_at  timestamptz NOT NULL DEFAULT now(),
  completed_at  timestamptz,
  lifted_at     timestamptz,
  CHECK (status = 'completed' OR customer_id IS NOT NULL)
);
CREATE UNIQUE INDEX erasures_one_in_progress ON erasures (customer_hash) WHERE status = 'in_progress';
CREATE INDEX erasures_requested_at ON erasures (requested_at DESC);

-- What later events are held for: the erased customer and their conversations, hashed.
CREATE TABLE erased_subjects (
  subject_hash bytea PRIMARY KEY,
  kind         text NOT NULL CHECK (kind IN ('customer', 'conversation')),
  erasure_id   bigint NOT NULL REFERENCES erasures (id),
  erased_at    timestamptz NOT NULL DEFAULT now(),
  lifted_at    timestamptz
);
CREATE INDEX erased_subjects_erasure ON erased_subjects (erasure_id);

-- subject is 'customer:<id>' or 'conversation:<id>'.
CREATE FUNCTION erasure_subject_hash(subject text) RETURNS bytea
  LANGUAGE sql STABLE
  AS $$ SELECT sha256((SELECT salt FROM erasure_salt) || convert_to(subject, 'UTF8')) $$;

-- The advisory lock key of a subject: an erasure takes it exclusively while it records its
-- subjects, the apply worker shares it while it checks them, so no event slips between.
CREATE FUNCTION erasure_lock_key(subject_hash bytea) RETURNS bigint
  LANGUAGE sql IMMUTABLE
  AS $$ SELECT ('x' || encode(substring(subject_hash FROM 1 FOR 8), 'hex'))::bit(64)::bigint $$;

-- For the apply worker: shares the subjects' locks until its transaction ends and returns
-- the erasure that holds any of them (NULL when none does).
CREATE FUNCTION erasure_holding(subjects text[]) RETURNS bigint
  LANGUAGE plpgsql
  AS $$
DECLARE
  hashes bytea[];
BEGIN
  SELECT array_agg(erasure_subject_hash(s) ORDER BY erasure_subject_hash(s)) INTO hashes FROM unnest(subjects) AS s;
  PERFORM pg_advisory_xact_lock_shared(erasure_lock_key(h)) FROM unnest(hashes) AS h ORDER BY h;
  RETURN (SELECT erasure_id FROM erased_subjects WHERE subject_hash = ANY (hashes) AND lifted_at IS NULL
          ORDER BY erasure_id DESC LIMIT 1);
END
$$;

-- Down Migration
DROP FUNCTION erasure_holding(text[]);
DROP FUNCTION erasure_lock_key(bytea);
DROP FUNCTION erasure_subject_hash(text);
DROP TABLE erased_subjects;
DROP TABLE erasures;
DROP TABLE erasure_salt;
ALTER TABLE webhook_events DROP COLUMN held_by;
UPDATE webhook_events SET status = 'quarantined' WHERE status = 'suppressed';
ALTER TABLE webhook_events DROP CONSTRAINT webhook_events_status_check;
ALTER TABLE webhook_events ADD CONSTRAINT webhook_events_status_check
  CHECK (status IN ('received', 'applied', 'waiting', 'failed', 'ignored', 'quarantined'));
