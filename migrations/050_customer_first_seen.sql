-- Up Migration

-- When the mirror first heard of each customer (the apply of its first event). While new
-- records arrive faster than the CRM's budget sustains, a contact not yet in the CRM waits
-- for its customer to go quiet before its first write, but never longer than a bound
-- counted from here (src/sync/arriving-customers.ts). Rows that exist
-- before this migration count from the migration: at worst they wait that bound once.
-- now() is stable, so PostgreSQL adds the column without rewriting the table.
ALTER TABLE customers ADD COLUMN first_seen_at timestamptz NOT NULL DEFAULT now();

-- Down Migration
ALTER TABLE customers DROP COLUMN first_seen_at;
