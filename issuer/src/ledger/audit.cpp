#include "ledger/audit.hpp"

#include <fmt/core.h>
#include <sodium.h>

#include <algorithm>
#include <cstring>

#include "licet/common/pae.hpp"
#include "licet/common/time.hpp"

namespace licet::issuer::audit {
namespace {

constexpr const char* kColumns =
    "SELECT id, at, actor, action, license_key, before, after, prev_hash, hash FROM audit";

// Distinguishes an absent field from an empty one inside the hashed encoding.
std::string opt_field(const std::optional<std::string>& v) {
  return v ? "1" + *v : "0";
}

// A blob of the wrong size becomes all zeros, which never equals a real BLAKE2b output, so a
// mangled hash column shows up as a mismatch rather than being trusted.
Hash to_hash(const std::vector<std::uint8_t>& blob) {
  Hash h{};
  if (blob.size() == h.size()) std::memcpy(h.data(), blob.data(), h.size());
  return h;
}

Entry row_to_entry(const Stmt& st) {
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
  return e;
}

struct Head {
  std::int64_t id = 0;
  std::string hash_hex;
};

// "<id>:<hex hash>"; nullopt when absent, an id of -1 when unreadable.
std::optional<Head> read_head(Db& db) {
  auto st = db.prepare("SELECT value FROM settings WHERE name = 'audit_head'");
  if (!st.step()) return std::nullopt;
  const std::string v = st.text(0);
  Head h{-1, {}};
  const auto colon = v.find(':');
  if (colon == std::string::npos) return h;
  try {
    std::size_t used = 0;
    const long long id = std::stoll(v.substr(0, colon), &used);
    if (used == colon && id >= 0) h.id = id;
  } catch (const std::exception&) {
    return h;
  }
  h.hash_hex = v.substr(colon + 1);
  return h;
}

std::string range(std::int64_t from, std::int64_t to) {
  return from == to ? fmt::format("entry {}", from) : fmt::format("entries {}..{}", from, to);
}

Verification broken(std::int64_t checked, std::int64_t id, std::string problem) {
  return Verification{false, checked, id, std::move(problem)};
}

// The id an entry was written with, when its stored hash matches its fields under another id:
// then the row was moved rather than edited.
std::optional<std::int64_t> original_id(const Entry& e, std::int64_t max_id) {
  Entry probe = e;
  for (std::int64_t id = 1; id <= max_id + 1; ++id) {
    if (id == e.id) continue;
    probe.id = id;
    if (entry_hash(probe) == e.hash) return id;
  }
  return std::nullopt;
}

}  // namespace

std::string to_hex(const Hash& h) {
  std::string out(h.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), h.data(), h.size());
  out.pop_back();
  return out;
}

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
  db.prepare(
        "INSERT INTO settings (name, value) VALUES ('audit_head', ?) "
        "ON CONFLICT (name) DO UPDATE SET value = excluded.value")
      .bind(1, std::to_string(e.id) + ":" + to_hex(e.hash))
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
  return read(db, std::nullopt, std::nullopt);
}

std::vector<Entry> read(Db& db, const std::optional<std::string>& license_key,
                        std::optional<std::int64_t> limit) {
  std::string sql = kColumns;
  if (license_key) sql += " WHERE license_key = ?";
  sql += limit ? " ORDER BY id DESC LIMIT ?" : " ORDER BY id";
  auto st = db.prepare(sql);
  int i = 1;
  if (license_key) st.bind(i++, *license_key);
  if (limit) st.bind(i++, *limit);
  std::vector<Entry> out;
  while (st.step()) out.push_back(row_to_entry(st));
  if (limit) std::reverse(out.begin(), out.end());
  return out;
}

Verification verify(Db& db) {
  const std::vector<Entry> rows = read_all(db);
  const std::int64_t max_id = rows.empty() ? 0 : std::max(rows.back().id, rows.front().id);
  std::int64_t expected = 1;
  Hash prev{};
  std::int64_t checked = 0;
  for (const Entry& e : rows) {
    if (e.id < expected) {
      return broken(checked, e.id, fmt::format("entry {}: invalid id (ids run 1, 2, 3, …)", e.id));
    }
    if (e.id > expected) {
      return broken(checked, expected, range(expected, e.id - 1) + " missing (deleted)");
    }
    ++checked;
    if (entry_hash(e) != e.hash) {
      if (auto orig = original_id(e, max_id)) {
        return broken(
            checked, e.id,
            fmt::format("entry {} out of order (it was written as entry {})", e.id, *orig));
      }
      return broken(checked, e.id,
                    fmt::format("entry {}: hash mismatch (the row was edited)", e.id));
    }
    if (e.prev_hash != prev) {
      return broken(checked, e.id,
                    fmt::format("entry {}: previous-hash link broken (entry {} was replaced or "
                                "entries were reordered)",
                                e.id, e.id - 1));
    }
    prev = e.hash;
    ++expected;
  }
  const std::int64_t last = expected - 1;
  const auto head = read_head(db);
  if (!head) {
    if (last == 0) return Verification{true, 0, std::nullopt, {}};
    return broken(checked, last, "the audit head (settings row audit_head) is missing (deleted)");
  }
  if (head->id < 0) {
    return broken(checked, last, "the audit head (settings row audit_head) is unreadable (edited)");
  }
  if (head->id > last) {
    return broken(checked, last + 1,
                  range(last + 1, head->id) + " missing at the end (the trail was truncated)");
  }
  if (head->id < last) {
    return broken(checked, head->id + 1,
                  range(head->id + 1, last) +
                      " not recorded in the audit head (rows were inserted directly)");
  }
  if (last > 0 && head->hash_hex != to_hex(rows.back().hash)) {
    return broken(checked, last,
                  fmt::format("entry {}: does not match the audit head (the newest entry was "
                              "replaced)",
                              last));
  }
  return Verification{true, checked, std::nullopt, {}};
}

}  // namespace licet::issuer::audit
