#include <algorithm>

#include "license_from_claims.hpp"

namespace licet {

bool License::has_feature(std::string_view feature) const {
  return std::find(features.begin(), features.end(), feature) != features.end();
}

namespace detail {

License license_from_claims(const Claims& c) {
  License l;
  l.license_key = c.lic;
  l.customer = c.sub;
  l.product = c.aud;
  l.vendor = c.iss;
  l.token_id = c.jti;
  l.revision = c.rev;
  l.seats = c.seats;
  l.issued_at = c.iat;
  l.not_before = c.nbf;
  l.expires_at = c.exp;
  l.maintenance_until = c.maint;
  l.features = c.features;
  l.devices = c.devices;
  l.meta = c.meta;
  if (c.sync) {
    l.sync_url = c.sync->url;
    l.sync_max_age = c.sync->max_age;
  }
  return l;
}

}  // namespace detail
}  // namespace licet
