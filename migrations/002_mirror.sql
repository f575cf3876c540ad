-- Up Migration

-- The local mirror: what AgentClara told us, merged last-writer-wins by event timestamp.
-- Each independently-updated field carries the timestamp of the event that set it, so an
-- older event never overwrites newer state, whatever order deliveries arrive in.

CREATE TABLE customers (
  id              text PRIMARY KEY,
  name            text,
  name_at         timestamptz,
  phone           text,
  phone_at        timestamptz,
  last_contact_at timestamptz,
  updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE conversations (
  id            text PRIMARY KEY,
  customer_id   text NOT NULL REFERENCES customers (id),
  channel       text,
  status        text,
  status_at     timestamptz,
  tags          text[] NOT NULL DEFAULT '{}',
  tags_at       timestamptz,
  closed_at     timestamptz,
  close_reason  text,
  -- The newest event that touched it: "the customer's latest conversation" is by this.
  last_event_at timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conversations_customer ON conversations (customer_id, last_event_at DESC);

CREATE TABLE messages (
  id              text PRIMARY KEY,
  conversation_id text NOT NULL REFERENCES conversations (id),
  sender          text NOT NULL,
  content         text NOT NULL,
  channel         text NOT NULL,
  sent_at         timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX messages_conversation ON messages (conversation_id, sent_at DESC);

CREATE TABLE appointments (
  id               text PRIMARY KEY,
  customer_id      text NOT NULL REFERENCES customers (id),
  conversation_id  text,
  starts_at        timestamptz NOT NULL,
  duration_minutes integer NOT NULL,
  service          text NOT NULL,
  booked_at        timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX appointments_customer ON appointments (customer_id);

-- One row per entity and CRM: the CRM's record id, what we last wrote, and how it went.
CREATE TABLE crm_records (
  crm             text NOT NULL,
  entity_type     text NOT NULL CHECK (entity_type IN ('contact', 'message', 'appointment')),
  entity_id       text NOT NULL,
  status          text NOT NULL CHECK (status IN ('pending', 'synced', 'retrying', 'dead')),
  crm_id          text,
  synced_hash     text,
  synced_at       timestamptz,
  attempts        integer NOT NULL DEFAULT 0,
  last_error      text,
  last_attempt_at timestamptz,
  PRIMARY KEY (crm, entity_type, entity_id)
);
CREATE INDEX crm_records_status ON crm_records (status, last_attempt_at DESC);

-- Down Migration
DROP TABLE crm_records;
DROP TABLE appointments;
DROP TABLE messages;
DROP TABLE conversations;
DROP TABLE customers;
