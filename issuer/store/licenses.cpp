// store::Tx — the licenses table.
#include <string>

#include "store/json_columns.hpp"
#include "store/tx.hpp"

namespace licet::issuer::store {
namespace {

constexpr const char* kColumns =
    "l.id, l.license_key, l.product, l.customer, l.kind, l.seats, l.not_before, l.expires_at, "
    "l.maint_until, l.features, l.meta, l.sync_url, l.sync_max_age, l.lease_seconds, "
    "l.borrow_max_seconds, l.status, l.revoked_reason, l.revision, l.superseded_below, "
    "l.batch_id, l.created_at, l.updated_at";
constexpr int kColumnCount = 22;

LicenseRecord read_license(const sql::Query& q) {
  LicenseRecord r;
  r.id = q.i64(0);
  r.key = q.text(1);
  r.product = q.text(2);
  r.customer = q.text(3);
  r.kind = q.text(4);
  r.seats = q.i64(5);
  r.not_before = q.opt_i64(6);
  r.expires_at = q.opt_i64(7);
  r.maint_until = q.opt_i64(8);
  r.features = array_from_json(q.text(9));
  r.meta = object_from_json(q.text(10));
  if (auto url = q.opt_text(11)) r.sync = SyncPolicy{*url, q.opt_i64(12).value_or(0)};
  r.lease_seconds = q.opt_i64(13);
  r.borrow_max_seconds = q.opt_i64(14);
  r.status = q.text(15);
  r.revoked_reason = q.opt_text(16);
  r.revision = q.i64(17);
  r.superseded_below = q.i64(18);
  r.batch_id = q.opt_i64(19);
  r.created_at = q.i64(20);
  r.updated_at = q.i64(21);
  return r;
}

// LIKE pattern for a literal substring.
std::string like_contains(std::string_view s) {
  std::string out = "%";
  for (char c : s) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

// The WHERE clause of a query; parameters are numbered from 1 in order of appearance.
std::string where_clause(const LicenseQuery& q, std::vector<std::string>& text_params,
                         std::vector<std::int64_t>& int_params, std::vector<bool>& is_text) {
  std::string w = " WHERE 1 = 1";
  auto text = [&](std::string v) {
    text_params.push_back(std::move(v));
    is_text.push_back(true);
  };
  auto integer = [&](std::int64_t v) {
    int_params.push_back(v);
    is_text.push_back(false);
  };
  if (q.key_prefix) {
    w += " AND substr(l.license_key, 1, length(?)) = ?";
    text(*q.key_prefix);
    text(*q.key_prefix);
  }
  if (q.product) {
    w += " AND l.product = ?";
    text(*q.product);
  }
  if (q.customer_contains) {
    w += " AND lower(l.customer) LIKE lower(?) ESCAPE '\\'";
    text(like_contains(*q.customer_contains));
  }
  if (q.meta_contains) {
    w += " AND lower(l.meta) LIKE lower(?) ESCAPE '\\'";
    text(like_contains(*q.meta_contains));
  }
  if (q.kind) {
    w += " AND l.kind = ?";
    text(*q.kind);
  }
  if (q.signed_by) {
    // A license is "signed by" a key while a current file or machine file of it is. A device's
    // machine file is current until another key signs a newer one for that device (`licet
    // reissue --signed-by`): then the device's file no longer depends on this key.
    w += " AND EXISTS (SELECT 1 FROM tokens t WHERE t.license_id = l.id AND t.kid = ? AND "
         "t.revoked_at IS NULL AND t.revision >= l.superseded_below AND "
         "((t.kind <> 'machine' AND t.revision = l.revision) OR (t.kind = 'machine' AND "
         "NOT EXISTS (SELECT 1 FROM tokens n WHERE n.license_id = t.license_id AND "
         "n.device_id = t.device_id AND n.kind = 'machine' AND n.revoked_at IS NULL AND "
         "n.kid <> t.kid AND (n.revision > t.revision OR (n.revision = t.revision AND "
         "n.issued_at >= t.issued_at))))))";
    text(*q.signed_by);
  }
  if (q.batch_id) {
    w += " AND l.batch_id = ?";
    integer(*q.batch_id);
  }
  if (q.stored_status) {
    w += " AND l.status = ?";
    text(*q.stored_status);
  }
  if (q.expires_after) {
    w += q.perpetual_ok ? " AND (l.expires_at IS NULL OR l.expires_at > ?)"
                        : " AND l.expires_at IS NOT NULL AND l.expires_at > ?";
    integer(*q.expires_after);
  }
  if (q.expires_by) {
    w += " AND l.expires_at IS NOT NULL AND l.expires_at <= ?";
    integer(*q.expires_by);
  }
  if (q.after_id > 0) {
    w += " AND l.id > ?";
    integer(q.after_id);
  }
  return w;
}

void bind_where(sql::Query& query, const std::vector<std::string>& texts,
                const std::vector<std::int64_t>& ints, const std::vector<bool>& is_text) {
  std::size_t t = 0, n = 0;
  for (std::size_t i = 0; i < is_text.size(); ++i) {
    const int index = static_cast<int>(i) + 1;
    if (is_text[i]) {
      query.bind(index, texts[t++]);
    } else {
      query.bind(index, ints[n++]);
    }
  }
}

}  // namespace

std::optional<LicenseRecord> Tx::license(std::string_view key) {
  auto q =
      db_.query(std::string("SELECT ") + kColumns + " FROM licenses l WHERE l.license_key = ?" +
                std::string(write_ ? db_.lock_rows() : ""));
  q.bind(1, key);
  if (!q.next()) return std::nullopt;
  return read_license(q);
}

std::optional<LicenseRecord> Tx::license_by_id(std::int64_t id) {
  auto q = db_.query(std::string("SELECT ") + kColumns + " FROM licenses l WHERE l.id = ?");
  q.bind(1, id);
  if (!q.next()) return std::nullopt;
  return read_license(q);
}

std::vector<LicenseListItem> Tx::licenses(const LicenseQuery& lq) {
  std::vector<std::string> texts;
  std::vector<std::int64_t> ints;
  std::vector<bool> is_text;
  std::string sql = std::string("SELECT ") + kColumns +
                    ", (SELECT COUNT(*) FROM devices d WHERE d.license_id = l.id AND "
                    "d.unbound_at IS NULL) FROM licenses l" +
                    where_clause(lq, texts, ints, is_text) + " ORDER BY l.id";
  if (lq.limit > 0) sql += " LIMIT " + std::to_string(lq.limit);
  auto q = db_.query(sql);
  bind_where(q, texts, ints, is_text);
  std::vector<LicenseListItem> out;
  while (q.next()) out.push_back({read_license(q), q.i64(kColumnCount)});
  return out;
}

std::int64_t Tx::count_licenses(const LicenseQuery& lq) {
  std::vector<std::string> texts;
  std::vector<std::int64_t> ints;
  std::vector<bool> is_text;
  LicenseQuery all = lq;
  all.after_id = 0;
  auto q = db_.query("SELECT COUNT(*) FROM licenses l" + where_clause(all, texts, ints, is_text));
  bind_where(q, texts, ints, is_text);
  q.next();
  return q.i64(0);
}

std::int64_t Tx::insert_license(const LicenseRecord& r) {
  auto q = db_.query(
      "INSERT INTO licenses (license_key, product, customer, kind, seats, not_before, "
      "expires_at, maint_until, features, meta, sync_url, sync_max_age, lease_seconds, "
      "borrow_max_seconds, status, revoked_reason, revision, superseded_below, batch_id, "
      "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
      "?) RETURNING id");
  q.bind(1, r.key)
      .bind(2, r.product)
      .bind(3, r.customer)
      .bind(4, r.kind)
      .bind(5, r.seats)
      .bind(6, r.not_before)
      .bind(7, r.expires_at)
      .bind(8, r.maint_until)
      .bind(9, to_json_array(r.features))
      .bind(10, to_json_object(r.meta))
      .bind(11, r.sync ? std::optional<std::string>(r.sync->url) : std::nullopt)
      .bind(12, r.sync ? std::optional<std::int64_t>(r.sync->max_age) : std::nullopt)
      .bind(13, r.lease_seconds)
      .bind(14, r.borrow_max_seconds)
      .bind(15, r.status)
      .bind(16, r.revoked_reason)
      .bind(17, r.revision)
      .bind(18, r.superseded_below)
      .bind(19, r.batch_id)
      .bind(20, r.created_at)
      .bind(21, r.updated_at);
  q.next();
  const std::int64_t id = q.i64(0);
  q.run();
  return id;
}

void Tx::update_license(const LicenseRecord& r) {
  db_.query(
         "UPDATE licenses SET customer = ?, seats = ?, not_before = ?, expires_at = ?, "
         "maint_until = ?, features = ?, meta = ?, sync_url = ?, sync_max_age = ?, "
         "lease_seconds = ?, borrow_max_seconds = ?, status = ?, revoked_reason = ?, "
         "revision = ?, superseded_below = ?, updated_at = ? WHERE id = ?")
      .bind(1, r.customer)
      .bind(2, r.seats)
      .bind(3, r.not_before)
      .bind(4, r.expires_at)
      .bind(5, r.maint_until)
      .bind(6, to_json_array(r.features))
      .bind(7, to_json_object(r.meta))
      .bind(8, r.sync ? std::optional<std::string>(r.sync->url) : std::nullopt)
      .bind(9, r.sync ? std::optional<std::int64_t>(r.sync->max_age) : std::nullopt)
      .bind(10, r.lease_seconds)
      .bind(11, r.borrow_max_seconds)
      .bind(12, r.status)
      .bind(13, r.revoked_reason)
      .bind(14, r.revision)
      .bind(15, r.superseded_below)
      .bind(16, r.updated_at)
      .bind(17, r.id)
      .run();
}

std::vector<Tx::FeedLicense> Tx::feed_licenses() {
  auto q = db_.query(
      "SELECT license_key, status, superseded_below FROM licenses "
      "WHERE status = 'revoked' OR superseded_below > 1 ORDER BY id");
  std::vector<FeedLicense> out;
  while (q.next()) out.push_back({q.text(0), q.text(1), q.i64(2)});
  return out;
}

}  // namespace licet::issuer::store
