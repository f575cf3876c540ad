-- Up Migration

-- The trace of each delivery (set by the receiver when tracing is on), and of each record's
-- latest sync run, so the dashboard can point an operator from a row to its trace.
ALTER TABLE webhook_events ADD COLUMN trace_id text;
ALTER TABLE crm_records ADD COLUMN trace_id text;

-- Down Migration
ALTER TABLE crm_records DROP COLUMN trace_id;
ALTER TABLE webhook_events DROP COLUMN trace_id;
