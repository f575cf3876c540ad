-- Up Migration

-- Each CRM's fetch turns (src/sync/fetch-pacer.ts), shared by every worker process: N worker
-- processes together space one CRM's part-filled fetches, where each spacing its own made N
-- times the calls the budget's share of the day allows. Times are ms since the epoch on the
-- database's clock, the one clock every process shares. Unlogged: turns last seconds, so no
-- write here waits for the disk, and after a crash they start again empty, which costs at
-- most one fetch at once.
CREATE UNLOGGED TABLE crm_fetch_turns (
  crm     text PRIMARY KEY,
  latest  double precision NOT NULL,
  granted double precision NOT NULL,
  spacing double precision NOT NULL,
  turns   double precision[] NOT NULL
);

-- Down Migration
DROP TABLE crm_fetch_turns;
