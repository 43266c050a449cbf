// store::Tx — the audit table: the one appender every operation (single and batch) uses.
#include <cstring>

#include "store/audit_chain.hpp"
#include "store/tx.hpp"

namespace licet::issuer::store {
namespace {

// A blob of the wrong size becomes all zeros, which never equals a real BLAKE2b output, so a
// mangled hash column shows up as a mismatch rather than being trusted.
AuditHash to_hash(const std::vector<std::uint8_t>& blob) {
  AuditHash h{};
  if (blob.size() == h.size()) std::memcpy(h.data(), blob.data(), h.size());
  return h;
}

AuditRecord read_entry(const sql::Query& q) {
  AuditRecord e;
  e.id = q.i64(0);
  e.at = q.i64(1);
  e.actor = q.text(2);
  e.action = q.text(3);
  e.license_key = q.opt_text(4);
  e.before = q.opt_text(5);
  e.after = q.opt_text(6);
  e.prev_hash = to_hash(q.blob(7));
  e.hash = to_hash(q.blob(8));
  return e;
}

}  // namespace

AuditRecord Tx::append_audit(AuditRecord e) {
  if (!audit_tip_) {
    // Locks the chain head for the rest of the transaction where the backend locks rows, so
    // servers sharing one ledger append one chain.
    auto lock = db_.query("SELECT value FROM settings WHERE name = 'audit_head'" +
                          std::string(db_.lock_rows()));
    lock.run();
    auto last = db_.query("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1");
    AuditTip tip;
    if (last.next()) {
      tip.id = last.i64(0);
      tip.hash = to_hash(last.blob(1));
    }
    audit_tip_ = tip;
  }
  e.id = audit_tip_->id + 1;
  e.prev_hash = audit_tip_->hash;
  e.hash = audit_hash(e);
  db_.query(
         "INSERT INTO audit (id, at, actor, action, license_key, before, after, prev_hash, hash) "
         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, e.id)
      .bind(2, e.at)
      .bind(3, e.actor)
      .bind(4, e.action)
      .bind(5, e.license_key)
      .bind(6, e.before)
      .bind(7, e.after)
      .bind_blob(8, e.prev_hash.data(), e.prev_hash.size())
      .bind_blob(9, e.hash.data(), e.hash.size())
      .run();
  audit_tip_ = AuditTip{e.id, e.hash};
  head_dirty_ = true;
  return e;
}

void Tx::write_audit_head() {
  set_setting("audit_head", head_value(audit_tip_->id, audit_tip_->hash));
  head_dirty_ = false;
}

std::vector<AuditRecord> Tx::audit(const AuditQuery& aq) {
  std::string sql =
      "SELECT id, at, actor, action, license_key, before, after, prev_hash, hash FROM audit "
      "WHERE 1 = 1";
  if (aq.license_key) sql += " AND license_key = ?";
  if (aq.action_prefix) sql += " AND substr(action, 1, length(?)) = ?";
  if (aq.before_id > 0) sql += " AND id < ?";
  sql += aq.limit > 0 ? " ORDER BY id DESC LIMIT " + std::to_string(aq.limit) : " ORDER BY id";
  auto q = db_.query(sql);
  int i = 1;
  if (aq.license_key) q.bind(i++, *aq.license_key);
  if (aq.action_prefix) {
    q.bind(i++, *aq.action_prefix);
    q.bind(i++, *aq.action_prefix);
  }
  if (aq.before_id > 0) q.bind(i++, aq.before_id);
  std::vector<AuditRecord> out;
  while (q.next()) out.push_back(read_entry(q));
  return out;
}

std::optional<AuditHead> Tx::audit_head() {
  auto v = setting("audit_head");
  if (!v) return std::nullopt;
  return parse_head(*v);
}

std::int64_t Tx::audit_count() {
  auto q = db_.query("SELECT COUNT(*) FROM audit");
  q.next();
  return q.i64(0);
}

}  // namespace licet::issuer::store
