-- Up Migration

-- One row per reconciliation pass and CRM: what it compared, the drift it found (counts, and
-- the first findings with field names and masked values only) and what it queued again.
CREATE TABLE reconcile_runs (
  id           bigserial PRIMARY KEY,
  crm          text NOT NULL,
  trigger      text NOT NULL CHECK (trigger IN ('schedule', 'cli')),
  dry_run      boolean NOT NULL,
  status       text NOT NULL CHECK (status IN ('running', 'done', 'aborted', 'failed')),
  started_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz,
  checked      integer NOT NULL DEFAULT 0,
  skipped      integer NOT NULL DEFAULT 0,
  missing      integer NOT NULL DEFAULT 0,
  differing    integer NOT NULL DEFAULT 0,
  duplicate    integer NOT NULL DEFAULT 0,
  unassociated integer NOT NULL DEFAULT 0,
  requeued     integer NOT NULL DEFAULT 0,
  error        text,
  findings     jsonb NOT NULL DEFAULT '[]'
);
CREATE INDEX reconcile_runs_crm_started ON reconcile_runs (crm, started_at DESC);

-- Down Migration
DROP TABLE reconcile_runs;
