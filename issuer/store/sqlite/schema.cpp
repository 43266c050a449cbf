// The SQLite ledger schema and its migrations (PRAGMA user_version holds the version). The
// tables are described in docs/ARCHITECTURE.md, "Ledger".
#include "store/sqlite/schema.hpp"

#include <array>
#include <string>

namespace licet::issuer::sqlite {
namespace {

// migrations[i] takes a ledger from version i to version i + 1. Append only: a released
// migration is never edited, since ledgers in the field have already run it.
constexpr std::array<const char*, 2> kMigrations = {
    // 1: the initial ledger (licet 0.1).
    R"sql(
CREATE TABLE settings (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE signing_keys (
  pid         TEXT PRIMARY KEY,             -- k4.pid.…
  public_key  TEXT NOT NULL UNIQUE,         -- k4.public.…
  secret_file TEXT NOT NULL,                -- relative to the data dir
  encrypted   INTEGER NOT NULL,             -- 1: k4.secret-pw, 0: k4.secret (--no-passphrase)
  state       TEXT NOT NULL CHECK (state IN ('active', 'verifying', 'retired')),
  created_at  INTEGER NOT NULL,
  retired_at  INTEGER
);
CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys(state) WHERE state = 'active';
CREATE TABLE licenses (
  id               INTEGER PRIMARY KEY,
  license_key      TEXT NOT NULL UNIQUE,
  product          TEXT NOT NULL,
  customer         TEXT NOT NULL,
  seats            INTEGER NOT NULL CHECK (seats BETWEEN 1 AND 10000),
  not_before       INTEGER,
  expires_at       INTEGER,
  maint_until      INTEGER,
  features         TEXT NOT NULL DEFAULT '[]',  -- JSON array of strings
  meta             TEXT NOT NULL DEFAULT '{}',  -- JSON object of strings
  sync_url         TEXT,
  sync_max_age     INTEGER,
  status           TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
  revoked_reason   TEXT,
  revision         INTEGER NOT NULL DEFAULT 1,
  superseded_below INTEGER NOT NULL DEFAULT 0,  -- revisions below this are void (device swaps)
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
);
CREATE INDEX licenses_product ON licenses(product);
CREATE INDEX licenses_customer ON licenses(customer);
CREATE INDEX licenses_expires ON licenses(expires_at);
CREATE TABLE devices (
  id          INTEGER PRIMARY KEY,
  license_id  INTEGER NOT NULL REFERENCES licenses(id),
  device_id   TEXT NOT NULL,
  name        TEXT,
  hostname    TEXT,
  os          TEXT,
  bound_at    INTEGER NOT NULL,
  unbound_at  INTEGER
);
CREATE UNIQUE INDEX devices_bound ON devices(license_id, device_id) WHERE unbound_at IS NULL;
CREATE INDEX devices_license ON devices(license_id);
CREATE TABLE tokens (
  jti         TEXT PRIMARY KEY,
  license_id  INTEGER NOT NULL REFERENCES licenses(id),
  revision    INTEGER NOT NULL,
  kid         TEXT NOT NULL,
  issued_at   INTEGER NOT NULL,
  token       TEXT NOT NULL,
  UNIQUE (license_id, revision)
);
CREATE TABLE feed_state (
  id           INTEGER PRIMARY KEY CHECK (id = 1),
  sequence     INTEGER NOT NULL,
  published_at INTEGER
);
INSERT INTO feed_state (id, sequence) VALUES (1, 0);
CREATE TABLE audit (
  id          INTEGER PRIMARY KEY,
  at          INTEGER NOT NULL,
  actor       TEXT NOT NULL,
  action      TEXT NOT NULL,
  license_key TEXT,
  before      TEXT,                -- JSON, or NULL
  after       TEXT,                -- JSON, or NULL
  prev_hash   BLOB NOT NULL,
  hash        BLOB NOT NULL
);
CREATE TABLE api_tokens (
  name        TEXT PRIMARY KEY,
  role        TEXT NOT NULL CHECK (role IN ('admin', 'support', 'viewer')),
  token_hash  BLOB NOT NULL UNIQUE,
  created_at  INTEGER NOT NULL,
  revoked_at  INTEGER
);
)sql",
    // 2: license kinds and machine files, device keys, replay protection for request tokens,
    // crash-safe batches, the apps seen per product.
    R"sql(
CREATE TABLE batches (
  id          INTEGER PRIMARY KEY,
  orders_hash TEXT NOT NULL,             -- BLAKE2b of the orders file, hex
  out_dir     TEXT NOT NULL,
  count       INTEGER NOT NULL,
  state       TEXT NOT NULL CHECK (state IN ('committed', 'exported')),
  created_at  INTEGER NOT NULL,
  exported_at INTEGER
);
ALTER TABLE licenses ADD COLUMN kind TEXT NOT NULL DEFAULT 'unlocked'
  CHECK (kind IN ('node_locked', 'activation', 'unlocked', 'floating'));
-- 0.1 wrote a file without devices for every license issued without --device: those files verify
-- on any machine, so such licenses are 'unlocked' unless devices were activated on them.
UPDATE licenses SET kind = CASE
  WHEN EXISTS (SELECT 1 FROM devices d WHERE d.license_id = licenses.id
               AND d.bound_at = licenses.created_at) THEN 'node_locked'
  WHEN EXISTS (SELECT 1 FROM devices d WHERE d.license_id = licenses.id) THEN 'activation'
  ELSE 'unlocked' END;
ALTER TABLE licenses ADD COLUMN lease_seconds INTEGER;
ALTER TABLE licenses ADD COLUMN borrow_max_seconds INTEGER;
ALTER TABLE licenses ADD COLUMN batch_id INTEGER REFERENCES batches(id);
ALTER TABLE devices ADD COLUMN app TEXT;
ALTER TABLE devices ADD COLUMN device_key TEXT;       -- k4.public of the device, if it has one
ALTER TABLE devices ADD COLUMN unbind_reason TEXT;
CREATE TABLE tokens_v2 (
  id          INTEGER PRIMARY KEY,       -- the order tokens were signed in
  jti         TEXT NOT NULL UNIQUE,
  license_id  INTEGER NOT NULL REFERENCES licenses(id),
  revision    INTEGER NOT NULL,
  kid         TEXT NOT NULL,
  kind        TEXT NOT NULL DEFAULT 'license' CHECK (kind IN ('license', 'machine', 'lease')),
  device_id   TEXT,                      -- machine files and leases: the one device they bind
  issued_at   INTEGER NOT NULL,
  expires_at  INTEGER,                   -- the token's exp; NULL = perpetual
  revoked_at  INTEGER,                   -- set: listed in the revocation feed until it expires
  token       TEXT NOT NULL
);
INSERT INTO tokens_v2 (jti, license_id, revision, kid, kind, issued_at, token)
  SELECT jti, license_id, revision, kid, 'license', issued_at, token FROM tokens ORDER BY rowid;
DROP TABLE tokens;
ALTER TABLE tokens_v2 RENAME TO tokens;
-- Every lookup of tokens starts from the license (its files, a device's files, the keys that
-- signed them): one index serves them all, and each signature updates as few pages as possible.
CREATE INDEX tokens_device ON tokens(license_id, device_id);
CREATE INDEX tokens_revoked ON tokens(revoked_at) WHERE revoked_at IS NOT NULL;
CREATE INDEX devices_unbound ON devices(license_id, unbound_at);
DROP INDEX devices_license;
CREATE TABLE request_nonces (
  jti        TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL
);
CREATE INDEX request_nonces_expiry ON request_nonces(expires_at);
-- The last published feed, so every server sharing the ledger serves the same bytes.
ALTER TABLE feed_state ADD COLUMN bytes BLOB;
ALTER TABLE feed_state ADD COLUMN fingerprint TEXT;
ALTER TABLE feed_state ADD COLUMN next_update INTEGER;
-- Floating licenses: a seat is held while a lease is current (expires_at from stored times, so a
-- crashed client's seat comes back with no reaper); released leases stay for the history.
CREATE TABLE leases (
  id             INTEGER PRIMARY KEY,
  license_id     INTEGER NOT NULL REFERENCES licenses(id),
  device_id      TEXT NOT NULL,
  device_key     TEXT NOT NULL,            -- k4.public that signs the device's requests
  jti            TEXT NOT NULL UNIQUE,     -- the lease token (also in tokens)
  issued_at      INTEGER NOT NULL,
  expires_at     INTEGER NOT NULL,
  borrowed       INTEGER NOT NULL DEFAULT 0,
  released_at    INTEGER,
  release_reason TEXT
);
CREATE INDEX leases_current ON leases(license_id, expires_at) WHERE released_at IS NULL;
-- Webhooks: endpoints, and the durable outbox written in the same transaction as the change.
CREATE TABLE webhook_endpoints (
  id          INTEGER PRIMARY KEY,
  url         TEXT NOT NULL,
  events      TEXT NOT NULL DEFAULT '[]',  -- JSON array of event names; empty = all
  secret      TEXT NOT NULL,               -- whsec_… (HMAC-SHA256 key, base64)
  created_at  INTEGER NOT NULL,
  disabled_at INTEGER
);
CREATE TABLE webhook_outbox (
  id              INTEGER PRIMARY KEY,
  endpoint_id     INTEGER NOT NULL REFERENCES webhook_endpoints(id),
  event_id        TEXT NOT NULL UNIQUE,    -- webhook-id
  event           TEXT NOT NULL,
  payload         TEXT NOT NULL,           -- JSON
  created_at      INTEGER NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  delivered_at    INTEGER,
  last_error      TEXT,
  state           TEXT NOT NULL DEFAULT 'pending'
                  CHECK (state IN ('pending', 'delivered', 'dead'))
);
CREATE INDEX webhook_outbox_due ON webhook_outbox(next_attempt_at) WHERE state = 'pending';
-- Idempotency-Key of the admin API: the first answer, replayed for a retry of the same request.
CREATE TABLE idempotency_keys (
  key          TEXT PRIMARY KEY,
  token_name   TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status       INTEGER NOT NULL,
  response     TEXT NOT NULL,
  created_at   INTEGER NOT NULL
);
-- Web console sessions (the cookie holds the secret; only its hash is kept).
CREATE TABLE console_sessions (
  id_hash      BLOB PRIMARY KEY,
  token_name   TEXT NOT NULL,
  csrf         TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL
);
CREATE TABLE product_apps (
  product    TEXT NOT NULL,
  app        TEXT NOT NULL,
  first_seen INTEGER NOT NULL,
  PRIMARY KEY (product, app)
);
)sql",
};

int user_version(Connection& db) {
  auto q = db.query("PRAGMA user_version");
  q.next();
  return static_cast<int>(q.i64(0));
}

}  // namespace

int latest_schema_version() {
  return static_cast<int>(kMigrations.size());
}

int schema_version(Connection& db) {
  return user_version(db);
}

void migrate(Connection& db) {
  db.begin(sql::TxMode::write);
  try {
    const int current = user_version(db);
    if (current > latest_schema_version()) {
      throw sql::Error(sql::Error::Kind::other,
                       "this ledger was written by a newer licet (schema version " +
                           std::to_string(current) + "; this licet understands up to " +
                           std::to_string(latest_schema_version()) +
                           "). Upgrade licet; the ledger was not modified.");
    }
    for (int v = current; v < latest_schema_version(); ++v) {
      db.exec(kMigrations[static_cast<std::size_t>(v)]);
    }
    if (current != latest_schema_version()) {
      db.exec("PRAGMA user_version = " + std::to_string(latest_schema_version()));
    }
    db.commit();
  } catch (...) {
    db.rollback();
    throw;
  }
}

}  // namespace licet::issuer::sqlite
