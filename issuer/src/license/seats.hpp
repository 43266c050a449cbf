// Seat accounting: binding a device to a license (offline activation now, `licet serve`'s
// POST /v1/activate later) and unbinding one (device swaps, deactivation). Each call runs in
// its own BEGIN IMMEDIATE transaction, so concurrent activations on one license never bind more
// devices than it has seats.
#pragma once

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "keystore.hpp"
#include "ledger/db.hpp"
#include "license/ledger_rows.hpp"
#include "license/mint.hpp"

namespace licet::issuer {

// Why a device could not be bound; `code` is DESIGN.md's activation error
// (unknown_license, revoked, expired, seats_full, bad_request).
class SeatError : public std::runtime_error {
 public:
  SeatError(std::string code, const std::string& message,
            std::vector<std::string> bound_devices = {})
      : std::runtime_error(message), code_(std::move(code)), bound_(std::move(bound_devices)) {}
  const std::string& code() const { return code_; }
  const std::vector<std::string>& bound_devices() const { return bound_; }

 private:
  std::string code_;
  std::vector<std::string> bound_;
};

struct BindRequest {
  std::string license_key;  // as received; normalized here
  std::string device_id;
  std::string name;
  std::string hostname;
  std::string os;
};

struct BindResult {
  bool newly_bound = false;  // false: the device already held a seat ("already_active")
  SignedLicense license;     // a file bound to the device, at the license's current revision
};

// Checks the license (exists, active, not expired), then binds the device if a seat is free and
// mints a new revision; an already-bound device gets the current file again (re-signed only when
// the stored token is missing). Audited as "activate" with `actor`. Throws SeatError.
// `before_commit` runs with the license inside the transaction (e.g. to stage its file), so a
// failure there binds nothing.
BindResult bind_device(Db& db, const BindRequest& req, const ActiveKey& key,
                       const std::string& actor, std::string_view via, UnixTime now,
                       const std::function<void(const SignedLicense&)>& before_commit = {});

// Unbinds `device_ids` from the license in the caller's transaction: devices.unbound_at = now.
// Does not bump the revision (the caller mints the next one and sets superseded_below).
// Throws CliError naming a device that is not bound.
void unbind_devices(Db& db, const LicenseRow& row, const std::vector<std::string>& device_ids,
                    UnixTime now);

// Device swaps allowed per license within a window (settings transfer_cap,
// transfer_window_days; defaults 3 per 30 days).
struct TransferPolicy {
  std::int64_t cap = 3;
  std::int64_t window_days = 30;
};
TransferPolicy transfer_policy(Db& db);
// Devices unbound from the license within the window ending now.
std::int64_t recent_transfers(Db& db, std::int64_t license_id, const TransferPolicy& p,
                              UnixTime now);

}  // namespace licet::issuer
