// store::Tx — the tokens table: every token the issuer has signed, the only place one exists
// before a file carries it.
#include "store/tx.hpp"

namespace licet::issuer::store {
namespace {

constexpr const char* kColumns =
    "jti, license_id, revision, kid, kind, device_id, issued_at, expires_at, revoked_at, token "
    "FROM tokens";

TokenRecord read_token(const sql::Query& q) {
  TokenRecord t;
  t.jti = q.text(0);
  t.license_id = q.i64(1);
  t.revision = q.i64(2);
  t.kid = q.text(3);
  t.kind = q.text(4);
  t.device_id = q.opt_text(5);
  t.issued_at = q.i64(6);
  t.expires_at = q.opt_i64(7);
  t.revoked_at = q.opt_i64(8);
  t.token = q.text(9);
  return t;
}

}  // namespace

void Tx::insert_token(const TokenRecord& t) {
  db_.query(
         "INSERT INTO tokens (jti, license_id, revision, kid, kind, device_id, issued_at, "
         "expires_at, revoked_at, token) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, t.jti)
      .bind(2, t.license_id)
      .bind(3, t.revision)
      .bind(4, t.kid)
      .bind(5, t.kind)
      .bind(6, t.device_id)
      .bind(7, t.issued_at)
      .bind(8, t.expires_at)
      .bind(9, t.revoked_at)
      .bind(10, t.token)
      .run();
}

std::vector<TokenRecord> Tx::tokens(std::int64_t license_id) {
  auto q = db_.query(std::string("SELECT ") + kColumns + " WHERE license_id = ? ORDER BY id");
  q.bind(1, license_id);
  std::vector<TokenRecord> out;
  while (q.next()) out.push_back(read_token(q));
  return out;
}

std::optional<TokenRecord> Tx::token(std::string_view jti) {
  auto q = db_.query(std::string("SELECT ") + kColumns + " WHERE jti = ?");
  q.bind(1, jti);
  if (!q.next()) return std::nullopt;
  return read_token(q);
}

std::optional<TokenRecord> Tx::latest_token(std::int64_t license_id,
                                            const std::optional<std::string>& device_id) {
  auto q = db_.query(std::string("SELECT ") + kColumns +
                     (device_id ? " WHERE license_id = ? AND device_id = ?"
                                : " WHERE license_id = ? AND device_id IS NULL") +
                     " AND revoked_at IS NULL ORDER BY id DESC LIMIT 1");
  q.bind(1, license_id);
  if (device_id) q.bind(2, *device_id);
  if (!q.next()) return std::nullopt;
  return read_token(q);
}

std::int64_t Tx::revoke_device_tokens(std::int64_t license_id, std::string_view device_id,
                                      UnixTime at) {
  db_.query(
         "UPDATE tokens SET revoked_at = ? WHERE license_id = ? AND device_id = ? AND "
         "revoked_at IS NULL")
      .bind(1, at)
      .bind(2, license_id)
      .bind(3, device_id)
      .run();
  return db_.changes();
}

std::vector<std::string> Tx::revoked_token_ids(UnixTime now) {
  auto q = db_.query(
      "SELECT jti FROM tokens WHERE revoked_at IS NOT NULL AND "
      "(expires_at IS NULL OR expires_at > ?) ORDER BY id");
  q.bind(1, now);
  std::vector<std::string> out;
  while (q.next()) out.push_back(q.text(0));
  return out;
}

}  // namespace licet::issuer::store
