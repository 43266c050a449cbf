#include "issuer/ledgerops_util.hpp"

#include <fmt/core.h>

#include <random>

#include "ledger/audit.hpp"
#include "ledger/db.hpp"
#include "licet/common/armor.hpp"
#include "licet/common/claims.hpp"
#include "licet/common/license_key.hpp"
#include "licet/common/paseto.hpp"
#include "licet/common/time.hpp"
#include "licet/keys/key_file.hpp"
#include "licet/keys/paserk.hpp"

namespace licet::test {
namespace {

using issuer::Db;
using issuer::Transaction;

std::string random_jti() {
  std::random_device rd;
  return fmt::format("{:08x}{:08x}{:08x}{:08x}", rd(), rd(), rd(), rd());
}

Seeded sign_and_store(Db& db, const std::filesystem::path& data_dir, Claims c,
                      std::int64_t license_id) {
  auto st = db.prepare("SELECT pid, secret_file FROM signing_keys WHERE state = 'active'");
  if (!st.step()) throw std::runtime_error("no active key");
  const std::string pid = st.text(0);
  auto text = keys::read_secret_file(data_dir / st.text(1));
  if (!text) throw std::runtime_error(text.error().message);
  auto key = paserk::parse_secret(*text);
  if (!key) throw std::runtime_error(key.error().message);
  const std::string token = paseto::sign(claims_to_json(c), *key, "{\"kid\":\"" + pid + "\"}");
  db.prepare(
        "INSERT INTO tokens (jti, license_id, revision, kid, issued_at, token) "
        "VALUES (?, ?, ?, ?, ?, ?)")
      .bind(1, c.jti)
      .bind(2, license_id)
      .bind(3, c.rev)
      .bind(4, pid)
      .bind(5, c.iat)
      .bind(6, token)
      .run();
  return Seeded{c.lic, c.jti, armor::write(token)};
}

Claims claims_of(Db& db, const std::string& key, std::int64_t* license_id) {
  auto st = db.prepare(
      "SELECT id, product, customer, seats, expires_at, revision FROM licenses WHERE "
      "license_key = ?");
  st.bind(1, key);
  if (!st.step()) throw std::runtime_error("no license " + key);
  Claims c;
  *license_id = st.int64(0);
  c.iss = "acme";
  c.aud = st.text(1);
  c.sub = st.text(2);
  c.seats = st.int64(3);
  c.exp = st.opt_int64(4);
  c.rev = st.int64(5);
  c.lic = key;
  c.jti = random_jti();
  c.iat = system_now();
  auto dev =
      db.prepare("SELECT device_id FROM devices WHERE license_id = ? AND unbound_at IS NULL");
  dev.bind(1, *license_id);
  std::vector<std::string> devices;
  while (dev.step()) devices.push_back(dev.text(0));
  if (!devices.empty()) c.devices = devices;
  return c;
}

}  // namespace

Seeded seed_license(const std::filesystem::path& data_dir, const SeedLicense& spec) {
  Db db = Db::open(data_dir / "ledger.db", false);
  Transaction tx(db);
  const std::string key = license_key::generate(license_key::prefix_for_product(spec.product));
  const auto now = system_now();
  db.prepare(
        "INSERT INTO licenses (license_key, product, customer, seats, expires_at, created_at, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .bind(1, key)
      .bind(2, spec.product)
      .bind(3, spec.customer)
      .bind(4, spec.seats)
      .bind(5, spec.expires_at)
      .bind(6, now)
      .bind(7, now)
      .run();
  const std::int64_t id = db.last_insert_id();
  for (const auto& d : spec.devices) {
    db.prepare(
          "INSERT INTO devices (license_id, device_id, name, hostname, os, bound_at) VALUES "
          "(?, ?, 'Build box', 'build-01', 'Debian 12', ?)")
        .bind(1, id)
        .bind(2, d)
        .bind(3, now)
        .run();
  }
  std::int64_t license_id = 0;
  Claims c = claims_of(db, key, &license_id);
  Seeded s = sign_and_store(db, data_dir, c, license_id);
  issuer::audit::record(
      db, "seeder", "issue", key, std::nullopt,
      fmt::format("{{\"product\":\"{}\",\"seats\":{}}}", spec.product, spec.seats));
  tx.commit();
  return s;
}

Seeded seed_reissue(const std::filesystem::path& data_dir, const std::string& key,
                    bool void_older) {
  Db db = Db::open(data_dir / "ledger.db", false);
  Transaction tx(db);
  db.prepare(
        "UPDATE licenses SET revision = revision + 1, superseded_below = CASE WHEN ? THEN "
        "revision + 1 ELSE superseded_below END WHERE license_key = ?")
      .bind(1, std::int64_t{void_older ? 1 : 0})
      .bind(2, key)
      .run();
  std::int64_t license_id = 0;
  Claims c = claims_of(db, key, &license_id);
  Seeded s = sign_and_store(db, data_dir, c, license_id);
  issuer::audit::record(db, "seeder", "reissue", key, fmt::format("{{\"rev\":{}}}", c.rev - 1),
                        fmt::format("{{\"rev\":{}}}", c.rev));
  tx.commit();
  return s;
}

void seed_revoke(const std::filesystem::path& data_dir, const std::string& key,
                 const std::string& reason) {
  Db db = Db::open(data_dir / "ledger.db", false);
  Transaction tx(db);
  db.prepare("UPDATE licenses SET status = 'revoked', revoked_reason = ? WHERE license_key = ?")
      .bind(1, reason)
      .bind(2, key)
      .run();
  issuer::audit::record(db, "seeder", "revoke", key, "{\"status\":\"active\"}",
                        "{\"status\":\"revoked\"}");
  tx.commit();
}

void raw_sql(const std::filesystem::path& db_file, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(db_file.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  EXPECT_EQ(rc, SQLITE_OK) << sql << ": " << (err != nullptr ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
}

std::int64_t raw_int(const std::filesystem::path& db_file, const std::string& sql) {
  sqlite3* db = nullptr;
  std::int64_t v = -1;
  if (sqlite3_open_v2(db_file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
      v = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return v;
}

}  // namespace licet::test
