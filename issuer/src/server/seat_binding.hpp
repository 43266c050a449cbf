// Binding and unbinding devices under a license's seat rules: the ledger side of online
// activation (`POST /v1/activate`, `/v1/deactivate`), written so that the offline twin
// (`licet activation respond`) can call the same functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "keystore.hpp"
#include "ledger/db.hpp"
#include "license/mint.hpp"

namespace licet::issuer::seats {

struct DeviceInfo {
  std::string device_id;  // checked with field::device_id by the caller
  std::optional<std::string> name;
  std::optional<std::string> hostname;
  std::optional<std::string> os;
};

enum class Outcome {
  activated,       // a free seat was taken; `license` is a new revision bound to the device
  already_active,  // the device was bound already; `license` is the current revision
  deactivated,     // the device's seat was freed; older revisions are superseded
  unknown_license,
  revoked,
  expired,
  seats_full,
  not_bound,  // deactivate: the device holds no seat of this license
};

struct Result {
  Outcome outcome = Outcome::unknown_license;
  std::optional<SignedLicense> license;  // activated / already_active
  std::int64_t seats = 0;                // the license's seats
  std::int64_t bound = 0;                // devices bound after the call
};

// The answer to a repeated activation without taking the write lock: already_active with the
// current file when the license is active and unexpired, the device is bound and the current
// file names it. nullopt otherwise: call activate(). Read-only.
std::optional<Result> activate_read_only(Db& db, const std::string& license_key,
                                         const std::string& device_id, UnixTime now);

// bind_device (license/seats.hpp: the seat rules shared with `licet activation respond`, one
// BEGIN IMMEDIATE transaction, so concurrent activations never overbook) with its refusals
// mapped to outcomes. Idempotent: a bound device gets the current file again.
Result activate(Db& db, const ActiveKey& key, const std::string& license_key,
                const DeviceInfo& device, const std::string& actor, UnixTime now);

// Frees the device's seat (devices.unbound_at), mints the next revision without it and raises
// licenses.superseded_below to that revision, so every older file (the device's included) is
// superseded in the revocation feed. Records a "deactivate" audit entry.
Result deactivate(Db& db, const ActiveKey& key, const std::string& license_key,
                  const std::string& device_id, const std::string& actor, UnixTime now);

std::string_view to_string(Outcome o);

}  // namespace licet::issuer::seats
