#include "core/audit_log.hpp"

#include "core/json_doc.hpp"

namespace licet::issuer::core {
namespace {

struct StateDoc {
  const LicenseState& s;
  template <class A>
  void save(A& ar) const {
    const auto& r = *s.license;
    ar(cereal::make_nvp("product", r.product), cereal::make_nvp("customer", r.customer),
       cereal::make_nvp("kind", r.kind), cereal::make_nvp("seats", r.seats));
    time_value(ar, "expires", r.expires_at);
    time_value(ar, "maint", r.maint_until);
    ar(cereal::make_nvp("features", r.features), cereal::make_nvp("status", r.status),
       cereal::make_nvp("revision", r.revision),
       cereal::make_nvp("superseded_below", r.superseded_below),
       cereal::make_nvp("devices", s.devices));
    for (const auto& [k, v] : s.details) ar(cereal::make_nvp(k.c_str(), v));
  }
};

struct DetailsDoc {
  const std::map<std::string, std::string>& m;
  template <class A>
  void save(A& ar) const {
    for (const auto& [k, v] : m) ar(cereal::make_nvp(k.c_str(), v));
  }
};

}  // namespace

std::string_view to_string(Action a) {
  switch (a) {
    case Action::init:
      return "init";
    case Action::issue:
      return "issue";
    case Action::batch:
      return "batch";
    case Action::reissue:
      return "reissue";
    case Action::extend:
      return "extend";
    case Action::seats:
      return "seats";
    case Action::device_remove:
      return "device.remove";
    case Action::revoke:
      return "revoke";
    case Action::reinstate:
      return "reinstate";
    case Action::activate:
      return "activate";
    case Action::deactivate:
      return "deactivate";
    case Action::key_generate:
      return "key.generate";
    case Action::key_rotate:
      return "key.rotate";
    case Action::key_activate:
      return "key.activate";
    case Action::key_retire:
      return "key.retire";
    case Action::key_passwd:
      return "key.passwd";
    case Action::publish:
      return "revocations.publish";
    case Action::restore:
      return "restore";
    case Action::token_create:
      return "token.create";
    case Action::token_revoke:
      return "token.revoke";
    case Action::config_set:
      return "config.set";
  }
  return "unknown";
}

std::string state_json(const LicenseState& s) {
  return to_json(StateDoc{s});
}

std::string details_json(const std::map<std::string, std::string>& members) {
  return to_json(DetailsDoc{members});
}

std::vector<std::string> bound_ids(store::Tx& tx, std::int64_t license_id) {
  std::vector<std::string> out;
  for (const auto& d : tx.devices(license_id, false)) out.push_back(d.device_id);
  return out;
}

void record(store::Tx& tx, const Session& s, Action action, std::optional<std::string> license_key,
            std::optional<std::string> before, std::optional<std::string> after) {
  store::AuditRecord e;
  e.at = s.ledger.now();
  e.actor = s.actor.name;
  e.action = std::string(to_string(action));
  e.license_key = std::move(license_key);
  e.before = std::move(before);
  e.after = std::move(after);
  tx.append_audit(std::move(e));
}

}  // namespace licet::issuer::core
