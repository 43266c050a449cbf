#include "ledger/audit.hpp"

#include <sodium.h>

#include <cstring>

#include "licet/common/pae.hpp"
#include "licet/common/time.hpp"

namespace licet::issuer::audit {
namespace {

// Distinguishes an absent field from an empty one inside the hashed encoding.
std::string opt_field(const std::optional<std::string>& v) {
  return v ? "1" + *v : "0";
}

Hash to_hash(const std::vector<std::uint8_t>& blob) {
  Hash h{};
  if (blob.size() == h.size()) std::memcpy(h.data(), blob.data(), h.size());
  return h;
}

}  // namespace

Hash entry_hash(const Entry& e) {
  const std::string id = std::to_string(e.id);
  const std::string at = std::to_string(e.at);
  const std::string key = opt_field(e.license_key);
  const std::string before = opt_field(e.before);
  const std::string after = opt_field(e.after);
  const std::string_view prev(reinterpret_cast<const char*>(e.prev_hash.data()),
                              e.prev_hash.size());
  const Bytes msg = pae({"licet-audit-v1", id, at, e.actor, e.action, key, before, after, prev});
  Hash h{};
  crypto_generichash(h.data(), h.size(), msg.data(), msg.size(), nullptr, 0);
  return h;
}

Entry append(Db& db, Entry e) {
  auto last = db.prepare("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1");
  e.id = 1;
  e.prev_hash = Hash{};
  if (last.step()) {
    e.id = last.int64(0) + 1;
    e.prev_hash = to_hash(last.blob(1));
  }
  if (e.at == 0) e.at = system_now();
  e.hash = entry_hash(e);
  db.prepare(
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
  return e;
}

Entry record(Db& db, std::string actor, std::string action, std::optional<std::string> license_key,
             std::optional<std::string> before, std::optional<std::string> after) {
  Entry e;
  e.actor = std::move(actor);
  e.action = std::move(action);
  e.license_key = std::move(license_key);
  e.before = std::move(before);
  e.after = std::move(after);
  return append(db, std::move(e));
}

std::vector<Entry> read_all(Db& db) {
  std::vector<Entry> out;
  auto st = db.prepare(
      "SELECT id, at, actor, action, license_key, before, after, prev_hash, hash FROM audit "
      "ORDER BY rowid");
  while (st.step()) {
    Entry e;
    e.id = st.int64(0);
    e.at = st.int64(1);
    e.actor = st.text(2);
    e.action = st.text(3);
    e.license_key = st.opt_text(4);
    e.before = st.opt_text(5);
    e.after = st.opt_text(6);
    e.prev_hash = to_hash(st.blob(7));
    e.hash = to_hash(st.blob(8));
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace licet::issuer::audit
