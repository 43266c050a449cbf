#include "license/mint.hpp"

#include <fmt/core.h>
#include <sodium.h>

#include "context.hpp"
#include "ledger/audit.hpp"
#include "licet/common/armor.hpp"
#include "licet/common/base64.hpp"
#include "licet/common/license_key.hpp"
#include "licet/common/paseto.hpp"
#include "licet/common/sodium_init.hpp"
#include "output.hpp"

namespace licet::issuer {

std::string new_jti() {
  ensure_sodium();
  std::uint8_t bytes[16];
  randombytes_buf(bytes, sizeof bytes);
  return b64url_encode(bytes, sizeof bytes);
}

LicenseRow row_from_spec(const LicenseSpec& spec, std::string license_key, UnixTime now) {
  LicenseRow r;
  r.license_key = std::move(license_key);
  r.product = spec.product;
  r.customer = spec.customer;
  r.seats = spec.seats;
  r.expires_at = spec.expires;
  r.maint_until = spec.maint;
  r.features = spec.features;
  r.meta = spec.meta;
  r.sync = spec.sync;
  r.status = "active";
  r.revision = 1;
  r.created_at = now;
  r.updated_at = now;
  return r;
}

Claims claims_for(const LicenseRow& row, const std::vector<std::string>& devices,
                  const std::string& vendor, std::int64_t revision, UnixTime now) {
  Claims c;
  c.iss = vendor;
  c.sub = row.customer;
  c.aud = row.product;
  c.jti = new_jti();
  c.lic = row.license_key;
  c.rev = revision;
  c.iat = now;
  c.nbf = row.not_before;
  c.exp = row.expires_at;
  c.seats = row.seats;
  if (!devices.empty()) c.devices = devices;
  c.features = row.features;
  c.maint = row.maint_until;
  c.sync = row.sync;
  c.meta = row.meta;
  return c;
}

std::string license_file_text(const Claims& claims, const std::string& token) {
  return armor::write(token, {fmt::format("licet license {} for {}, product {}, revision {}",
                                          claims.lic, claims.sub, claims.aud, claims.rev)});
}

SignedLicense sign_license(Claims claims, const ActiveKey& key) {
  if (auto st = validate_claims(claims); !st) {
    throw CliError("refusing to sign invalid claims: " + st.error().message);
  }
  SignedLicense out;
  out.kid = key.pid;
  out.token =
      paseto::sign(claims_to_json(claims), key.key, "{\"kid\":" + json_string(key.pid) + "}");
  out.file_text = license_file_text(claims, out.token);
  out.claims = std::move(claims);
  return out;
}

namespace {

void store_token(Db& db, std::int64_t license_id, const SignedLicense& s) {
  db.prepare(
        "INSERT INTO tokens (jti, license_id, revision, kid, issued_at, token) "
        "VALUES (?, ?, ?, ?, ?, ?)")
      .bind(1, s.claims.jti)
      .bind(2, license_id)
      .bind(3, s.claims.rev)
      .bind(4, s.kid)
      .bind(5, s.claims.iat)
      .bind(6, s.token)
      .run();
}

}  // namespace

SignedLicense mint_new(Db& db, const LicenseSpec& spec, const ActiveKey& key,
                       const std::string& vendor, const std::string& actor, UnixTime now) {
  check_spec(spec, now);
  LicenseRow row = row_from_spec(
      spec, license_key::generate(license_key::prefix_for_product(spec.product)), now);
  SignedLicense s = sign_license(claims_for(row, spec.devices, vendor, 1, now), key);
  db.prepare(
        "INSERT INTO licenses (license_key, product, customer, seats, expires_at, maint_until, "
        "features, meta, sync_url, sync_max_age, revision, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)")
      .bind(1, row.license_key)
      .bind(2, row.product)
      .bind(3, row.customer)
      .bind(4, row.seats)
      .bind(5, row.expires_at)
      .bind(6, row.maint_until)
      .bind(7, to_json_array(row.features))
      .bind(8, to_json_object(row.meta))
      .bind(9, row.sync ? std::optional<std::string>(row.sync->url) : std::nullopt)
      .bind(10, row.sync ? std::optional<std::int64_t>(row.sync->max_age) : std::nullopt)
      .bind(11, now)
      .bind(12, now)
      .run();
  row.id = db.last_insert_id();
  std::vector<DeviceRow> devices;
  for (const auto& d : spec.devices) {
    db.prepare("INSERT INTO devices (license_id, device_id, bound_at) VALUES (?, ?, ?)")
        .bind(1, row.id)
        .bind(2, d)
        .bind(3, now)
        .run();
    devices.push_back({d, std::nullopt, std::nullopt, std::nullopt, now});
  }
  store_token(db, row.id, s);
  audit::record(db, actor, "issue", row.license_key, std::nullopt,
                license_state_json(row, devices));
  return s;
}

SignedLicense mint_next_revision(Db& db, LicenseRow& row, const ActiveKey& key, UnixTime now) {
  std::vector<std::string> ids;
  for (const auto& d : bound_devices(db, row.id)) ids.push_back(d.device_id);
  const std::int64_t revision = row.revision + 1;
  SignedLicense s = sign_license(claims_for(row, ids, vendor_id(db), revision, now), key);
  db.prepare("UPDATE licenses SET revision = ?, updated_at = ? WHERE id = ?")
      .bind(1, revision)
      .bind(2, now)
      .bind(3, row.id)
      .run();
  row.revision = revision;
  row.updated_at = now;
  store_token(db, row.id, s);
  return s;
}

std::optional<SignedLicense> current_license_file(Db& db, const LicenseRow& row) {
  auto st = db.prepare("SELECT token, kid FROM tokens WHERE license_id = ? AND revision = ?");
  st.bind(1, row.id).bind(2, row.revision);
  if (!st.step()) return std::nullopt;
  SignedLicense s;
  s.token = st.text(0);
  s.kid = st.text(1);
  auto parsed = paseto::parse(s.token);
  if (!parsed) return std::nullopt;
  auto claims = claims_from_json(parsed->payload);
  if (!claims) return std::nullopt;
  s.claims = std::move(*claims);
  s.file_text = license_file_text(s.claims, s.token);
  return s;
}

}  // namespace licet::issuer
