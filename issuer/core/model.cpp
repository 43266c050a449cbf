#include "core/model.hpp"

#include <charconv>

#include "core/refusal.hpp"

namespace licet::issuer::core {

std::string_view to_string(Kind k) {
  switch (k) {
    case Kind::node_locked:
      return "node_locked";
    case Kind::activation:
      return "activation";
    case Kind::unlocked:
      return "unlocked";
    case Kind::floating:
      return "floating";
  }
  return "unlocked";
}

std::optional<Kind> kind_from_string(std::string_view s) {
  for (Kind k : {Kind::node_locked, Kind::activation, Kind::unlocked, Kind::floating}) {
    if (to_string(k) == s) return k;
  }
  return std::nullopt;
}

Kind kind_of(const store::LicenseRecord& r) {
  auto k = kind_from_string(r.kind);
  if (!k) throw Refused(Code::integrity, "license " + r.key + " has an unknown kind " + r.kind);
  return *k;
}

bool has_license_file(Kind k) {
  return k == Kind::node_locked || k == Kind::unlocked;
}

std::string_view to_string(Status s) {
  switch (s) {
    case Status::active:
      return "active";
    case Status::expired:
      return "expired";
    case Status::revoked:
      return "revoked";
  }
  return "active";
}

std::optional<Status> status_from_string(std::string_view s) {
  for (Status st : {Status::active, Status::expired, Status::revoked}) {
    if (to_string(st) == s) return st;
  }
  return std::nullopt;
}

Status status_of(const store::LicenseRecord& r, UnixTime now) {
  if (r.status == "revoked") return Status::revoked;
  if (r.expires_at && *r.expires_at <= now) return Status::expired;
  return Status::active;
}

void restrict_to(store::LicenseQuery& q, Status s, UnixTime now) {
  switch (s) {
    case Status::revoked:
      q.stored_status = "revoked";
      break;
    case Status::expired:
      q.stored_status = "active";
      q.expires_by = now;
      break;
    case Status::active:
      q.stored_status = "active";
      q.expires_after = now;
      q.perpetual_ok = true;
      break;
  }
}

const std::vector<SettingInfo>& settings_table() {
  static const std::vector<SettingInfo> table = {
      {"transfer_cap", 0, 1000000, 3, "device removals allowed per license per window"},
      {"transfer_window_days", 1, 3660, 30, "the transfer cap's window, in days"},
      {"backups_keep", 1, 100000, 10, "automatic backups kept"},
  };
  return table;
}

const SettingInfo* find_setting(std::string_view name) {
  for (const auto& s : settings_table()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

std::int64_t setting(store::Tx& tx, std::string_view name) {
  const SettingInfo* info = find_setting(name);
  if (info == nullptr) throw Refused(Code::internal, "unknown setting " + std::string(name));
  auto v = tx.setting(name);
  if (!v) return info->fallback;
  std::int64_t out = 0;
  const auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || p != v->data() + v->size() || out < info->min || out > info->max) {
    return info->fallback;
  }
  return out;
}

TransferPolicy transfer_policy(store::Tx& tx) {
  return {setting(tx, "transfer_cap"), setting(tx, "transfer_window_days")};
}

}  // namespace licet::issuer::core
