// The license model's derived facts, each defined once: a license's status, its kind, what a
// status means as a ledger query, the settings and their defaults. docs/ARCHITECTURE.md "Rules".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/records.hpp"
#include "store/tx.hpp"

namespace licet::issuer::core {

// How a license reaches devices (DESIGN "How a license reaches devices").
enum class Kind { node_locked, activation, unlocked, floating };
std::string_view to_string(Kind k);
std::optional<Kind> kind_from_string(std::string_view s);
Kind kind_of(const store::LicenseRecord& r);
// Kinds whose customers hold one whole-license file (re-issued on changes).
bool has_license_file(Kind k);

enum class Status { active, expired, revoked };
std::string_view to_string(Status s);
std::optional<Status> status_from_string(std::string_view s);
// revoked beats expired: a revoked license stays revoked after its expiry.
Status status_of(const store::LicenseRecord& r, UnixTime now);
// The same rule as ledger predicates, for lists and counts (agrees with status_of: tested).
void restrict_to(store::LicenseQuery& q, Status s, UnixTime now);

// ---- settings: one table of names, ranges and defaults -------------------------------------
struct SettingInfo {
  std::string_view name;
  std::int64_t min;
  std::int64_t max;
  std::int64_t fallback;
  std::string_view meaning;
};
const std::vector<SettingInfo>& settings_table();
const SettingInfo* find_setting(std::string_view name);
// The stored value, or the default (a stored value outside the range reads as the default).
std::int64_t setting(store::Tx& tx, std::string_view name);

// Device removals allowed per license within a window (settings transfer_cap and
// transfer_window_days).
struct TransferPolicy {
  std::int64_t cap = 3;
  std::int64_t window_days = 30;
};
TransferPolicy transfer_policy(store::Tx& tx);

}  // namespace licet::issuer::core
