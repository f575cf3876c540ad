-- Up Migration

-- The inbox: every signed delivery we acknowledged, exactly once per dedupe key.
CREATE TABLE webhook_events (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- SHA-256 of the canonical JSON of {event, timestamp, data}; of the raw bytes when quarantined.
  dedupe_key      bytea NOT NULL,
  received_at     timestamptz NOT NULL DEFAULT now(),
  -- received → applied | waiting | failed; ignored and quarantined are final until replayed.
  status          text NOT NULL CHECK (status IN ('received', 'applied', 'waiting', 'failed', 'ignored', 'quarantined')),
  event_type      text,
  event_timestamp timestamptz,
  payload         jsonb,
  -- The exact bytes AgentClara signed: the truth for replays and debugging.
  raw_body        bytea NOT NULL,
  signature_form  text NOT NULL CHECK (signature_form IN ('raw', 'json-stringify')),
  error           text,
  applied_at      timestamptz
);

CREATE UNIQUE INDEX webhook_events_dedupe_key ON webhook_events (dedupe_key);
CREATE INDEX webhook_events_received_at ON webhook_events (received_at DESC, id DESC);
CREATE INDEX webhook_events_status ON webhook_events (status, received_at DESC);

-- Down Migration
DROP TABLE webhook_events;
