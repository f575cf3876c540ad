-- Up Migration

-- One rate budget per CRM for the whole deployment: every worker process draws on the
-- same counters, so N workers together stay under the CRM's limits instead of N times them.
-- Usage in 100 ms slots (the short rolling window) and in hours (the rolling 24 h budget).
CREATE TABLE crm_rate_slots (
  crm  text NOT NULL,
  slot bigint NOT NULL,
  used integer NOT NULL,
  PRIMARY KEY (crm, slot)
);

CREATE TABLE crm_rate_hours (
  crm  text NOT NULL,
  hour bigint NOT NULL,
  used integer NOT NULL,
  PRIMARY KEY (crm, hour)
);

-- What the CRM told us: a pause after a 429 (shared by every worker), and the limits and
-- usage its rate-limit headers report (they beat our configuration when present).
CREATE TABLE crm_rate_state (
  crm                      text PRIMARY KEY,
  paused_until             timestamptz,
  window_limit             integer,
  window_ms                integer,
  daily_limit_observed     bigint,
  daily_remaining_observed bigint,
  observed_at              timestamptz
);

-- Takes one request from the CRM's budget. Returns 0 when granted (and counted), a positive
-- number of ms to wait when the short window is full (or a pause is on), and a negative
-- number of ms when the daily budget is spent. One round trip, serialised per CRM.
CREATE FUNCTION crm_rate_acquire(p_crm text, p_limit integer, p_window_ms integer, p_margin numeric, p_daily_limit bigint, p_daily_share numeric)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  now_ms   bigint := floor(extract(epoch FROM clock_timestamp()) * 1000);
  st       crm_rate_state%ROWTYPE;
  lim      integer;
  win_ms   integer;
  slots    bigint;
  cur      bigint;
  used     bigint;
  oldest   bigint;
  day_lim  bigint;
  hour_now bigint := now_ms / 3600000;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('crm_rate:' || p_crm));
  SELECT * INTO st FROM crm_rate_state WHERE crm = p_crm;
  IF st.paused_until IS NOT NULL AND st.paused_until > clock_timestamp() THEN
    RETURN greatest(1, ceil(extract(epoch FROM st.paused_until - clock_timestamp()) * 1000));
  END IF;

  lim := coalesce(floor(st.window_limit * p_margin), p_limit);
  win_ms := coalesce(st.window_ms, p_window_ms);
  slots := greatest(1, win_ms / 100);
  cur := now_ms / 100;
  -- One slot more than the window: a real window of any phase overlaps that many slots,
  -- so requests at both of its ends are counted.
  SELECT coalesce(sum(s.used), 0), min(s.slot) INTO used, oldest FROM crm_rate_slots s WHERE s.crm = p_crm AND s.slot >= cur - slots;
  IF used >= greatest(1, lim) THEN
    RETURN greatest(1, (oldest + slots + 1) * 100 - now_ms);
  END IF;

  day_lim := floor(coalesce(st.daily_limit_observed, p_daily_limit) * p_daily_share);
  SELECT coalesce(sum(h.used), 0), min(h.hour) INTO used, oldest FROM crm_rate_hours h WHERE h.crm = p_crm AND h.hour > hour_now - 24;
  IF used >= day_lim THEN
    RETURN -greatest(1, (oldest + 24) * 3600000 - now_ms);
  END IF;
  -- The account as a whole (every integration on it) is nearly out: wait an hour and look again.
  IF st.daily_remaining_observed IS NOT NULL AND st.observed_at > clock_timestamp() - interval '1 hour'
     AND st.daily_remaining_observed <= floor(coalesce(st.daily_limit_observed, p_daily_limit) * 0.01) THEN
    RETURN -3600000;
  END IF;

  INSERT INTO crm_rate_slots AS s VALUES (p_crm, cur, 1) ON CONFLICT (crm, slot) DO UPDATE SET used = s.used + 1;
  INSERT INTO crm_rate_hours AS h VALUES (p_crm, hour_now, 1) ON CONFLICT (crm, hour) DO UPDATE SET used = h.used + 1;
  DELETE FROM crm_rate_slots WHERE crm = p_crm AND slot <= cur - slots - 50;
  DELETE FROM crm_rate_hours WHERE crm = p_crm AND hour <= hour_now - 25;
  RETURN 0;
END
$$;

-- Down Migration
DROP FUNCTION crm_rate_acquire(text, integer, integer, numeric, bigint, numeric);
DROP TABLE crm_rate_state;
DROP TABLE crm_rate_hours;
DROP TABLE crm_rate_slots;
