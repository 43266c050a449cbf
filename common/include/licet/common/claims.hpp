// The license claims of DESIGN.md as one type, with strict JSON in and canonical JSON out.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "licet/common/error.hpp"
#include "licet/common/time.hpp"

namespace licet {

struct SyncPolicy {
  std::string url;
  std::int64_t max_age = 0;  // seconds; 0 = a successful sync at every check
  bool operator==(const SyncPolicy&) const = default;
};

struct Claims {
  std::string iss;  // vendor id
  std::string sub;  // customer
  std::string aud;  // product id
  std::string jti;  // unique token id
  std::string lic;  // license key
  std::int64_t rev = 1;
  UnixTime iat = 0;
  std::optional<UnixTime> nbf;
  std::optional<UnixTime> exp;  // absent = perpetual
  std::int64_t seats = 1;
  std::optional<std::vector<std::string>> devices;  // absent = not node-locked
  std::vector<std::string> features;                // empty = claim absent
  std::optional<UnixTime> maint;
  std::optional<SyncPolicy> sync;
  std::map<std::string, std::string> meta;  // empty = claim absent

  bool operator==(const Claims&) const = default;
};

// Bounds enforced on parse (and by the issuer before signing).
struct ClaimLimits {
  static constexpr std::size_t kMaxPayloadBytes = 512 * 1024;
  static constexpr std::size_t kMaxStringBytes = 256;
  static constexpr std::size_t kMaxUrlBytes = 2048;
  static constexpr std::size_t kMaxDeviceIdBytes = 128;  // device_id_rule::kMaxBytes
  static constexpr std::int64_t kMaxSeats = 10000;
  static constexpr std::size_t kMaxFeatures = 256;
  static constexpr std::size_t kMaxMetaEntries = 64;
  static constexpr std::size_t kMaxMetaValueBytes = 1024;
};

// Canonical JSON: fixed member order, optional claims omitted when absent, times as RFC 3339 "Z".
std::string claims_to_json(const Claims& claims);

// Strict: every type and bound checked, duplicate member names rejected, unknown members ignored.
// Errors are `malformed` and name the claim at fault.
Result<Claims> claims_from_json(std::string_view json);

// The same checks on an in-memory value (the issuer runs this before it signs).
Status validate_claims(const Claims& claims);

}  // namespace licet
