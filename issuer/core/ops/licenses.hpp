// The operations that create and change licenses. Each plans and checks every rule, takes the
// backup it needs, writes in one transaction with its audit event, and returns what changed
// (docs/ARCHITECTURE.md "Operations" gives the rules of each).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/fields.hpp"
#include "core/ledger.hpp"
#include "core/ops/results.hpp"
#include "core/refusal.hpp"

namespace licet::issuer::core {

Outcome<ChangeResult> issue(Session& s, const LicenseSpec& spec);

struct ReissueRequest {
  std::string key;
  std::vector<std::string> add;       // node-locked: devices to bind
  std::vector<std::string> remove;    // node-locked: devices to unbind (transfer cap)
  std::optional<std::string> device;  // activation: re-sign this device's machine file
  bool force = false;                 // exceed the transfer cap (needs a reason)
  std::optional<std::string> reason;
};
Outcome<ChangeResult> reissue(Session& s, const ReissueRequest& r);

struct ExtendRequest {
  std::string key;
  std::optional<UnixTime> expires;   // a new expiry date
  std::optional<std::int64_t> days;  // or N days from the current expiry (from today if expired)
  bool from_today = false;           // --days on a perpetual license must say so
};
Outcome<ChangeResult> extend(Session& s, const ExtendRequest& r);

struct SeatsRequest {
  std::string key;
  std::int64_t seats = 1;
};
Outcome<ChangeResult> set_seats(Session& s, const SeatsRequest& r);

struct RemoveDeviceRequest {
  std::string key;
  std::string device;
  bool force = false;
  std::optional<std::string> reason;
};
Outcome<ChangeResult> remove_device(Session& s, const RemoveDeviceRequest& r);

struct StatusRequest {
  std::string key;
  std::optional<std::string> reason;
};
Outcome<ChangeResult> revoke(Session& s, const StatusRequest& r);
Outcome<ChangeResult> reinstate(Session& s, const StatusRequest& r);

// Re-signs every current file and machine file signed by `kid` with the active key (after a
// rotation, before retiring the old key): new revisions for whole-license files, fresh machine
// files for activated devices. Nothing is superseded: the old files stay valid until the key is
// retired.
struct Resigned {
  std::string license_key;
  std::optional<std::string> device_id;  // machine files
  Minted file;
};
Outcome<std::vector<Resigned>> reissue_signed_by(Session& s, const std::string& kid);

// The newest file of a license (or of one device's machine file) from the ledger, signed
// nothing new: for deliveries that were lost (a crash after the commit, a failed write).
Outcome<ChangeResult> export_file(Session& s, const std::string& key,
                                  const std::optional<std::string>& device);

}  // namespace licet::issuer::core
