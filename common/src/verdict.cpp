#include "licet/common/verdict.hpp"

#include <string>

namespace licet {

Status check_product(const Claims& c, std::string_view expected_product) {
  if (!expected_product.empty() && c.aud != expected_product) {
    return make_error(ErrorCode::wrong_product, "license is for product '" + c.aud + "', not '" +
                                                    std::string(expected_product) + "'");
  }
  return {};
}

Status check_product_and_time(const Claims& c, const TimePolicy& p) {
  if (auto st = check_product(c, p.expected_product); !st) return st;
  return check_time(c, p);
}

Status check_time(const Claims& c, const TimePolicy& p) {
  const std::int64_t tol = p.tolerance_seconds;
  const UnixTime now = p.now;
  if (c.iat > now + tol) {
    return make_error(ErrorCode::clock_tampered,
                      "this computer's clock is behind: the license was issued at " +
                          format_rfc3339(c.iat) + " but the clock says " + format_rfc3339(now) +
                          "; correct the date and time settings");
  }
  if (c.nbf && *c.nbf > now + tol) {
    return make_error(ErrorCode::not_yet_valid,
                      "license is not valid before " + format_rfc3339(*c.nbf));
  }
  // exp is exclusive: valid while now < exp (+ tolerance).
  if (c.exp && now - tol >= *c.exp) {
    return make_error(ErrorCode::expired, "license expired at " + format_rfc3339(*c.exp));
  }
  if (c.maint && p.release_date && *p.release_date > *c.maint) {
    return make_error(ErrorCode::maintenance_expired,
                      "this release (" + format_rfc3339(*p.release_date) +
                          ") is newer than the license's maintenance period, which ended at " +
                          format_rfc3339(*c.maint));
  }
  return {};
}

RevocationKeys revocation_keys(const Claims& claims, std::string_view kid) {
  RevocationKeys keys;
  keys.license = feed::hash_license_key(claims.lic);
  keys.token = feed::hash_token_id(claims.jti);
  if (auto id = feed::key_id_from_pid(kid)) keys.signer = *id;
  return keys;
}

Status revocation_verdict(const feed::View& list, const Claims& claims, std::string_view kid) {
  return revocation_verdict(list, claims, kid, revocation_keys(claims, kid));
}

Status revocation_verdict(const feed::View& list, const Claims& c, std::string_view kid,
                          const RevocationKeys& keys) {
  if (keys.signer && list.is_retired(*keys.signer)) {
    return make_error(ErrorCode::revoked, "license is signed by a retired key (" +
                                              std::string(kid) +
                                              "); ask the vendor for a new file");
  }
  const auto value = list.lookup(keys.license);
  if (value && *value == feed::kRevoked) {
    return make_error(ErrorCode::revoked,
                      "license " + c.lic + " has been revoked (" + list.describe() + ")");
  }
  if (list.token_revoked(keys.token)) {
    return make_error(ErrorCode::revoked,
                      "this file of license " + c.lic + " (token " + c.jti +
                          ") has been revoked, e.g. after its device was deactivated or its "
                          "lease released (" +
                          list.describe() + ")");
  }
  if (value && c.rev < static_cast<std::int64_t>(*value)) {
    return make_error(ErrorCode::superseded,
                      "this file is revision " + std::to_string(c.rev) + " of license " + c.lic +
                          "; revisions below " + std::to_string(*value) +
                          " were replaced (e.g. after a device change): use the newest file");
  }
  return {};
}

}  // namespace licet
