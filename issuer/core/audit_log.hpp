// Typed audit events: every change the core makes appends one, in the same transaction, through
// store::Tx::append_audit (docs/ARCHITECTURE.md "Audit events" lists the actions and members).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ledger.hpp"
#include "store/records.hpp"
#include "store/tx.hpp"

namespace licet::issuer::core {

enum class Action {
  init,
  issue,
  batch,
  reissue,
  extend,
  seats,
  device_remove,
  revoke,
  reinstate,
  activate,
  deactivate,
  key_generate,
  key_rotate,
  key_activate,
  key_retire,
  key_passwd,
  publish,
  restore,
  token_create,
  token_revoke,
  config_set,
};

std::string_view to_string(Action a);

// A license as the audit trail records it before and after a change.
struct LicenseState {
  const store::LicenseRecord* license;
  std::vector<std::string> devices;  // bound
  // Extra string members of the event: the device acted on, the reason, the door…
  std::map<std::string, std::string> details;
};

std::string state_json(const LicenseState& s);
// The bound devices of a license, for LicenseState.
std::vector<std::string> bound_ids(store::Tx& tx, std::int64_t license_id);

void record(store::Tx& tx, const Session& s, Action action, std::optional<std::string> license_key,
            std::optional<std::string> before, std::optional<std::string> after);

// A flat object of string members, for events that are not about a license.
std::string details_json(const std::map<std::string, std::string>& members);

}  // namespace licet::issuer::core
