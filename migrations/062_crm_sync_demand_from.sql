-- Up Migration

-- When the earliest job of each recorded fetch was queued (ms since the epoch, the database's
-- clock; null: at the fetch). Jobs a full fetch left for the next one arrived before that
-- fetch, and the demand counts them over the time since they did (src/sync/demand-meter.ts).
ALTER TABLE crm_sync_demand ADD COLUMN from_at double precision;

-- Down Migration
ALTER TABLE crm_sync_demand DROP COLUMN from_at;
