-- Up Migration

-- The sync workers' fetches of the last few seconds, per CRM and meter (new changes, every
-- job), recorded by every worker process (src/sync/shared-demand-meter.ts): the demand they
-- measure is compared with the deployment's budget, so it must be the deployment's too. Times
-- are ms since the epoch on the database's clock. Unlogged, like crm_fetch_turns: rows last
-- seconds, and after a crash the meter starts again empty (it reads as no demand at first).
CREATE UNLOGGED TABLE crm_sync_demand (
  crm   text NOT NULL,
  meter text NOT NULL,
  at    double precision NOT NULL,
  jobs  integer NOT NULL
);
CREATE INDEX crm_sync_demand_at ON crm_sync_demand (crm, meter, at);

-- Down Migration
DROP TABLE crm_sync_demand;
