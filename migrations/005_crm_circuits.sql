-- Up Migration

-- One circuit per CRM for the whole deployment. It opens when the CRM fails as a whole
-- (down, timing out, refusing our credentials, daily quota spent): while it is open no
-- record spends attempts; their jobs are parked as `waiting` and re-queued when a probe
-- finds the CRM answering again.
CREATE TABLE crm_circuits (
  crm               text PRIMARY KEY,
  state             text NOT NULL DEFAULT 'closed' CHECK (state IN ('closed', 'open')),
  failures          integer NOT NULL DEFAULT 0,
  opened_at         timestamptz,
  reason            text,
  next_probe_at     timestamptz,
  probe_interval_ms integer NOT NULL DEFAULT 0
);

ALTER TABLE crm_records DROP CONSTRAINT crm_records_status_check;
ALTER TABLE crm_records ADD CONSTRAINT crm_records_status_check CHECK (status IN ('pending', 'synced', 'retrying', 'waiting', 'dead'));

-- Down Migration
UPDATE crm_records SET status = 'retrying' WHERE status = 'waiting';
ALTER TABLE crm_records DROP CONSTRAINT crm_records_status_check;
ALTER TABLE crm_records ADD CONSTRAINT crm_records_status_check CHECK (status IN ('pending', 'synced', 'retrying', 'dead'));
DROP TABLE crm_circuits;
