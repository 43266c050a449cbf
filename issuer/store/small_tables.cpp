// store::Tx — settings, signing keys, API tokens, the feed's state, request-token nonces, apps
// seen per product and batches: the small tables.
#include "store/tx.hpp"

namespace licet::issuer::store {

std::optional<std::string> Tx::setting(std::string_view name) {
  auto q = db_.query("SELECT value FROM settings WHERE name = ?");
  q.bind(1, name);
  if (!q.next()) return std::nullopt;
  return q.text(0);
}

void Tx::set_setting(std::string_view name, std::string_view value) {
  db_.query(
         "INSERT INTO settings (name, value) VALUES (?, ?) "
         "ON CONFLICT (name) DO UPDATE SET value = excluded.value")
      .bind(1, name)
      .bind(2, value)
      .run();
}

std::vector<SigningKeyRecord> Tx::signing_keys() {
  auto q = db_.query(
      "SELECT pid, public_key, secret_file, encrypted, state, created_at, retired_at "
      "FROM signing_keys ORDER BY created_at, pid");
  std::vector<SigningKeyRecord> out;
  while (q.next()) {
    out.push_back(
        {q.text(0), q.text(1), q.text(2), q.i64(3) != 0, q.text(4), q.i64(5), q.opt_i64(6)});
  }
  return out;
}

void Tx::insert_signing_key(const SigningKeyRecord& k) {
  db_.query(
         "INSERT INTO signing_keys (pid, public_key, secret_file, encrypted, state, created_at, "
         "retired_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .bind(1, k.pid)
      .bind(2, k.public_key)
      .bind(3, k.secret_file)
      .bind(4, k.encrypted)
      .bind(5, k.state)
      .bind(6, k.created_at)
      .bind(7, k.retired_at)
      .run();
}

void Tx::update_signing_key(const SigningKeyRecord& k) {
  db_.query(
         "UPDATE signing_keys SET secret_file = ?, encrypted = ?, state = ?, retired_at = ? "
         "WHERE pid = ?")
      .bind(1, k.secret_file)
      .bind(2, k.encrypted)
      .bind(3, k.state)
      .bind(4, k.retired_at)
      .bind(5, k.pid)
      .run();
}

FeedState Tx::feed_state() {
  auto q = db_.query(
      "SELECT sequence, published_at, next_update, fingerprint, bytes FROM feed_state WHERE id = "
      "1" +
      std::string(write_ ? db_.lock_rows() : ""));
  if (!q.next()) return {};
  FeedState s;
  s.sequence = q.i64(0);
  s.published_at = q.opt_i64(1);
  s.next_update = q.opt_i64(2);
  s.fingerprint = q.opt_text(3);
  const auto blob = q.blob(4);
  s.bytes.assign(blob.begin(), blob.end());
  return s;
}

void Tx::set_feed_state(const FeedState& s) {
  db_.query(
         "UPDATE feed_state SET sequence = ?, published_at = ?, next_update = ?, fingerprint = ?, "
         "bytes = ? WHERE id = 1")
      .bind(1, s.sequence)
      .bind(2, s.published_at)
      .bind(3, s.next_update)
      .bind(4, s.fingerprint)
      .bind_blob(5, s.bytes.data(), s.bytes.size())
      .run();
}

std::vector<ApiTokenRecord> Tx::api_tokens() {
  auto q = db_.query(
      "SELECT name, role, token_hash, created_at, revoked_at FROM api_tokens ORDER BY created_at, "
      "name");
  std::vector<ApiTokenRecord> out;
  while (q.next()) out.push_back({q.text(0), q.text(1), q.blob(2), q.i64(3), q.opt_i64(4)});
  return out;
}

std::optional<ApiTokenRecord> Tx::api_token_by_hash(const std::vector<std::uint8_t>& hash) {
  auto q = db_.query(
      "SELECT name, role, token_hash, created_at, revoked_at FROM api_tokens WHERE token_hash = ?");
  q.bind_blob(1, hash.data(), hash.size());
  if (!q.next()) return std::nullopt;
  return ApiTokenRecord{q.text(0), q.text(1), q.blob(2), q.i64(3), q.opt_i64(4)};
}

void Tx::insert_api_token(const ApiTokenRecord& t) {
  db_.query(
         "INSERT INTO api_tokens (name, role, token_hash, created_at, revoked_at) "
         "VALUES (?, ?, ?, ?, ?)")
      .bind(1, t.name)
      .bind(2, t.role)
      .bind_blob(3, t.token_hash.data(), t.token_hash.size())
      .bind(4, t.created_at)
      .bind(5, t.revoked_at)
      .run();
}

void Tx::revoke_api_token(std::string_view name, UnixTime at) {
  db_.query("UPDATE api_tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL")
      .bind(1, at)
      .bind(2, name)
      .run();
}

bool Tx::remember_nonce(std::string_view jti, UnixTime expires_at, UnixTime now) {
  db_.query("DELETE FROM request_nonces WHERE expires_at < ?").bind(1, now).run();
  db_.query("INSERT INTO request_nonces (jti, expires_at) VALUES (?, ?) ON CONFLICT DO NOTHING")
      .bind(1, jti)
      .bind(2, expires_at)
      .run();
  return db_.changes() == 1;
}

bool Tx::app_known(std::string_view product, std::string_view app) {
  auto q = db_.query("SELECT 1 FROM product_apps WHERE product = ? AND app = ?");
  q.bind(1, product).bind(2, app);
  return q.next();
}

void Tx::remember_app(std::string_view product, std::string_view app, UnixTime now) {
  db_.query(
         "INSERT INTO product_apps (product, app, first_seen) VALUES (?, ?, ?) "
         "ON CONFLICT DO NOTHING")
      .bind(1, product)
      .bind(2, app)
      .bind(3, now)
      .run();
}

namespace {

BatchRecord read_batch(const sql::Query& q) {
  return {q.i64(0), q.text(1), q.text(2), q.i64(3), q.text(4), q.i64(5), q.opt_i64(6)};
}

constexpr const char* kBatchColumns =
    "SELECT id, orders_hash, out_dir, count, state, created_at, exported_at FROM batches";

}  // namespace

std::int64_t Tx::insert_batch(const BatchRecord& b) {
  auto q = db_.query(
      "INSERT INTO batches (orders_hash, out_dir, count, state, created_at, exported_at) "
      "VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
  q.bind(1, b.orders_hash)
      .bind(2, b.out_dir)
      .bind(3, b.count)
      .bind(4, b.state)
      .bind(5, b.created_at)
      .bind(6, b.exported_at);
  q.next();
  const std::int64_t id = q.i64(0);
  q.run();
  return id;
}

std::optional<BatchRecord> Tx::batch_for(std::string_view orders_hash, std::string_view out_dir) {
  auto q = db_.query(std::string(kBatchColumns) +
                     " WHERE orders_hash = ? AND out_dir = ? ORDER BY id DESC LIMIT 1");
  q.bind(1, orders_hash).bind(2, out_dir);
  if (!q.next()) return std::nullopt;
  return read_batch(q);
}

std::optional<BatchRecord> Tx::batch(std::int64_t id) {
  auto q = db_.query(std::string(kBatchColumns) + " WHERE id = ?");
  q.bind(1, id);
  if (!q.next()) return std::nullopt;
  return read_batch(q);
}

void Tx::mark_batch_exported(std::int64_t id, UnixTime at) {
  db_.query("UPDATE batches SET state = 'exported', exported_at = ? WHERE id = ?")
      .bind(1, at)
      .bind(2, id)
      .run();
}

}  // namespace licet::issuer::store
