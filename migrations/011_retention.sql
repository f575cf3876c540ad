-- Up Migration

-- Retention (docs/data-lifecycle.md): after RETENTION_DAYS an inbox row's payload, raw body
-- and error are emptied and `purged_at` is set; the row itself (dedupe key, status, event
-- type and times) stays until the key horizon has passed, so a late duplicate is still
-- recognised as one. Erasure empties a customer's rows the same way.
ALTER TABLE webhook_events ALTER COLUMN raw_body DROP NOT NULL;
ALTER TABLE webhook_events ADD COLUMN purged_at timestamptz;
ALTER TABLE webhook_events ADD COLUMN purge_reason text CHECK (purge_reason IN ('retention', 'erasure'));
ALTER TABLE webhook_events ADD CONSTRAINT webhook_events_body_until_purged CHECK (purged_at IS NOT NULL OR raw_body IS NOT NULL);
-- The retention job walks the rows not emptied yet, oldest first.
CREATE INDEX webhook_events_unpurged ON webhook_events (received_at) WHERE purged_at IS NULL;

-- The policy the workers run with (one row, written when a worker starts): the dashboard
-- shows what is in force, which a receiver-only process cannot know from its own config.
CREATE TABLE retention_policy (
  id             boolean PRIMARY KEY DEFAULT true CHECK (id),
  retention_days integer NOT NULL,
  key_days       integer NOT NULL,
  schedule       text NOT NULL,
  updated_at     timestamptz NOT NULL DEFAULT now()
);

-- One row per run of the retention job; the dashboard shows the latest.
CREATE TABLE retention_runs (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  started_at     timestamptz NOT NULL DEFAULT now(),
  finished_at    timestamptz,
  retention_days integer NOT NULL,
  key_days       integer NOT NULL,
  emptied        integer NOT NULL DEFAULT 0,
  deleted        integer NOT NULL DEFAULT 0,
  error          text
);

-- Down Migration
DROP TABLE retention_runs;
DROP TABLE retention_policy;
DROP INDEX webhook_events_unpurged;
ALTER TABLE webhook_events DROP CONSTRAINT webhook_events_body_until_purged;
-- Emptied rows cannot go back under NOT NULL: they go.
DELETE FROM webhook_events WHERE raw_body IS NULL;
ALTER TABLE webhook_events DROP COLUMN purge_reason;
ALTER TABLE webhook_events DROP COLUMN purged_at;
ALTER TABLE webhook_events ALTER COLUMN raw_body SET NOT NULL;
