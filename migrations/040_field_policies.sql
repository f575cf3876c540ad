-- Up Migration

-- Fields the sync did not write because the mapping says `if_empty` and the CRM already held
-- a different value: someone else owns it. One row per entity, CRM and field; rewritten after
-- every successful write of that entity (a field no longer kept disappears), shown on the
-- customer's dashboard page.
CREATE TABLE crm_field_ownership (
  crm              text NOT NULL,
  entity_type      text NOT NULL CHECK (entity_type IN ('contact', 'message', 'appointment')),
  entity_id        text NOT NULL,
  -- The CRM property (HubSpot) or field (Salesforce) as the mapping file names it.
  field            text NOT NULL,
  first_skipped_at timestamptz NOT NULL DEFAULT now(),
  last_skipped_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (crm, entity_type, entity_id, field)
);
CREATE INDEX crm_field_ownership_entity ON crm_field_ownership (entity_type, entity_id);

-- Down Migration
DROP TABLE crm_field_ownership;
