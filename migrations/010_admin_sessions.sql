-- Up Migration

-- Dashboard sessions, kept on the server so that logging out, an idle timeout and a new
-- ADMIN_TOKEN really end them. The browser's cookie holds only a random id.
CREATE TABLE admin_sessions (
  -- SHA-256 of the cookie's id: a copy of this table does not hold usable cookies.
  id_hash           bytea PRIMARY KEY,
  -- Derived from the ADMIN_TOKEN the session logged in with (slow hash): another token,
  -- and the session is no longer valid.
  token_fingerprint bytea NOT NULL,
  created_at        timestamptz NOT NULL,
  last_seen_at      timestamptz NOT NULL,
  -- created_at + the absolute lifetime (12 h); the idle timeout is checked against last_seen_at.
  expires_at        timestamptz NOT NULL
);
CREATE INDEX admin_sessions_expires_at ON admin_sessions (expires_at);

-- Down Migration
DROP TABLE admin_sessions;
