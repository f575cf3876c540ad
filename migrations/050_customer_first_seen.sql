-- Up Migration

-- When we first heard of each customer. While the CRM's budget is the bottleneck, a contact
-- not yet in the CRM waits for its customer to go quiet before its first write, but never
-- longer than a bound counted from here (src/sync/arriving-customers.ts). Rows that exist
-- before this migration count from the migration: at worst they wait that bound once.
-- now() is stable, so PostgreSQL adds the column without rewriting the table.
ALTER TABLE customers ADD COLUMN first_seen_at timestamptz NOT NULL DEFAULT now();

-- Down Migration
ALTER TABLE customers DROP COLUMN first_seen_at;
