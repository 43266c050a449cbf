// The checks that follow a license's signature check, in one place, so that the verifier and
// `licet inspect` give the same verdict for the same file and revocation list. Order and
// messages: docs/SECURITY.md and docs/FORMAT.md ("Time checks, precisely", "Revocation feed").
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "licet/common/claims.hpp"
#include "licet/common/error.hpp"
#include "licet/common/revocation_feed.hpp"
#include "licet/common/time.hpp"

namespace licet {

struct TimePolicy {
  // The application's product; empty skips the product check (licet inspect has none). Must
  // outlive the call.
  std::string_view expected_product;
  UnixTime now = 0;
  std::int64_t tolerance_seconds = 300;  // clock skew allowed for iat, nbf and exp
  std::optional<UnixTime> release_date;  // this build's release, checked against `maint`
};

// wrong_product when `expected_product` is not empty and differs from the claims' aud.
Status check_product(const Claims& claims, std::string_view expected_product);
// clock_tampered (iat later than now + tolerance: this machine's clock is behind), not_yet_valid
// (nbf), expired (exp is exclusive), maintenance_expired; else ok. The product is not checked.
Status check_time(const Claims& claims, const TimePolicy& policy);

// check_product, then check_time: wrong_product, then clock_tampered (iat later than now + tolerance: this machine's clock is
// behind), not_yet_valid (nbf), expired (exp is exclusive), maintenance_expired; else ok.
Status check_product_and_time(const Claims& claims, const TimePolicy& policy);

// What a revocation list is asked about one license file, computed once per file.
struct RevocationKeys {
  feed::LicenseHash license{};        // hash_license_key(lic)
  feed::TokenHash token{};            // hash_token_id(jti)
  std::optional<feed::KeyId> signer;  // from `kid`; nullopt when kid is not a k4.pid
};
RevocationKeys revocation_keys(const Claims& claims, std::string_view kid);

// revoked (the file is signed by a retired key, the license is revoked, or this very token is
// revoked), superseded (its revision is below the list's N for the license), else ok. `kid` is
// the k4.pid that signed the file. Staleness is the caller's policy, not part of the verdict.
Status revocation_verdict(const feed::View& list, const Claims& claims, std::string_view kid);
Status revocation_verdict(const feed::View& list, const Claims& claims, std::string_view kid,
                          const RevocationKeys& keys);

}  // namespace licet
