-- Up Migration

-- Every mirrored entity's version, bumped by the apply transaction that changes it. The
-- bump's row lock is held until that transaction commits, and a sync reads these rows
-- FOR SHARE before it reads the entity's state: a sync therefore waits for any apply in
-- flight and never writes a state older than a change that committed before it started.
CREATE TABLE entity_versions (
  entity_type text NOT NULL CHECK (entity_type IN ('contact', 'message', 'appointment')),
  entity_id   text NOT NULL,
  version     bigint NOT NULL DEFAULT 1,
  PRIMARY KEY (entity_type, entity_id)
);

INSERT INTO entity_versions (entity_type, entity_id)
  SELECT 'contact', id FROM customers
  UNION ALL SELECT 'message', id FROM messages
  UNION ALL SELECT 'appointment', id FROM appointments;

-- The entity version each CRM record was last written from.
ALTER TABLE crm_records ADD COLUMN synced_version bigint;

-- Down Migration
ALTER TABLE crm_records DROP COLUMN synced_version;
DROP TABLE entity_versions;
