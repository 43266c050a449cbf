#include "core/audit_check.hpp"

#include <fmt/core.h>

#include "core/checkpoint.hpp"
#include "store/audit_chain.hpp"

namespace licet::issuer::core {
namespace {

std::string range(std::int64_t from, std::int64_t to) {
  return from == to ? fmt::format("entry {}", from) : fmt::format("entries {}..{}", from, to);
}

AuditVerification broken(std::int64_t checked, std::int64_t id, std::string problem) {
  AuditVerification v;
  v.intact = false;
  v.entries = checked;
  v.at_id = id;
  v.problem = std::move(problem);
  return v;
}

// The id an entry was written with, when its stored hash matches its fields under another id:
// then the row was moved rather than edited.
std::optional<std::int64_t> original_id(const store::AuditRecord& e, std::int64_t max_id) {
  store::AuditRecord probe = e;
  for (std::int64_t id = 1; id <= max_id + 1; ++id) {
    if (id == e.id) continue;
    probe.id = id;
    if (store::audit_hash(probe) == e.hash) return id;
  }
  return std::nullopt;
}

}  // namespace

AuditVerification verify_audit(store::Tx& tx, const std::optional<std::string>& checkpoint_token) {
  const auto rows = tx.audit({});
  const std::int64_t max_id = rows.empty() ? 0 : std::max(rows.back().id, rows.front().id);
  std::int64_t expected = 1;
  store::AuditHash prev{};
  std::int64_t checked = 0;
  for (const auto& e : rows) {
    if (e.id < expected) {
      return broken(checked, e.id, fmt::format("entry {}: invalid id (ids run 1, 2, 3, …)", e.id));
    }
    if (e.id > expected) {
      return broken(checked, expected, range(expected, e.id - 1) + " missing (deleted)");
    }
    ++checked;
    if (store::audit_hash(e) != e.hash) {
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
  // `licet init` writes the first entry: a ledger without any has lost its trail.
  if (last == 0) return broken(0, 1, "the audit trail is empty (every entry was deleted)");
  const auto head = tx.audit_head();
  if (!head) {
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
  if (head->hash_hex != store::to_hex(rows.back().hash)) {
    return broken(
        checked, last,
        fmt::format("entry {}: does not match the audit head (the newest entry was replaced)",
                    last));
  }
  AuditVerification v;
  v.entries = checked;
  if (checkpoint_token) {
    auto cp = open_checkpoint(tx, *checkpoint_token);
    if (!cp) return broken(checked, last, cp.error().message);
    if (cp->id > last) {
      return broken(checked, last + 1,
                    fmt::format("{} missing at the end: the signed checkpoint of {} records entry "
                                "{} (the trail was truncated)",
                                range(last + 1, cp->id), format_rfc3339(cp->at), cp->id));
    }
    if (store::to_hex(rows[static_cast<std::size_t>(cp->id - 1)].hash) != cp->hash_hex) {
      return broken(checked, cp->id,
                    fmt::format("entry {} differs from the signed checkpoint of {} (the trail was "
                                "rewritten)",
                                cp->id, format_rfc3339(cp->at)));
    }
    v.checkpoint = cp->id;
  }
  return v;
}

}  // namespace licet::issuer::core
