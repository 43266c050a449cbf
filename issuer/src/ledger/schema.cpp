#include "ledger/schema.hpp"

#include <array>
#include <string>

namespace licet::issuer {
namespace {

// migrations[i] takes a ledger from version i to version i + 1. Append only: a released
// migration is never edited, since ledgers in the field have already run it.
constexpr std::array<const char*, 1> kMigrations = {
    // 1: the initial ledger.
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
};

int user_version(Db& db) {
  auto st = db.prepare("PRAGMA user_version");
  st.step();
  return static_cast<int>(st.int64(0));
}

}  // namespace

int latest_schema_version() {
  return static_cast<int>(kMigrations.size());
}

void migrate(Db& db) {
  Transaction tx(db);
  const int current = user_version(db);
  if (current > latest_schema_version()) {
    throw LedgerError("this ledger was written by a newer licet (schema version " +
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
  tx.commit();
}

}  // namespace licet::issuer
