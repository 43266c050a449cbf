#include "core/minting.hpp"

#include <fmt/core.h>
#include <sodium.h>

#include "core/refusal.hpp"
#include "licet/common/armor.hpp"
#include "licet/common/base64.hpp"
#include "licet/common/paseto.hpp"
#include "licet/common/sodium_init.hpp"

namespace licet::issuer::core {

std::string new_jti() {
  ensure_sodium();
  std::uint8_t bytes[16];
  randombytes_buf(bytes, sizeof bytes);
  return b64url_encode(bytes, sizeof bytes);
}

std::string vendor_of(store::Tx& tx) {
  auto v = tx.setting("vendor");
  if (!v)
    throw Refused(Code::integrity, "the ledger has no vendor setting (was `licet init` run?)");
  return *v;
}

Claims claims_for(const store::LicenseRecord& r, const std::vector<std::string>& devices,
                  const std::string& vendor, std::int64_t revision, UnixTime now) {
  Claims c;
  c.iss = vendor;
  c.sub = r.customer;
  c.aud = r.product;
  c.jti = new_jti();
  c.lic = r.key;
  c.rev = revision;
  c.iat = now;
  c.nbf = r.not_before;
  c.exp = r.expires_at;
  c.seats = r.seats;
  if (!devices.empty()) c.devices = devices;
  c.features = r.features;
  c.maint = r.maint_until;
  c.sync = r.sync;
  c.meta = r.meta;
  return c;
}

std::string license_file_text(const Claims& c, const std::string& token, bool machine) {
  const char* what = machine ? "machine file" : "license";
  return armor::write(token, {fmt::format("licet {} {} for {}, product {}, revision {}", what,
                                          c.lic, c.sub, c.aud, c.rev)});
}

Minted sign_claims(Claims claims, const LoadedKey& key) {
  if (auto st = validate_claims(claims); !st) {
    throw Refused(Code::bad_request, "refusing to sign invalid claims: " + st.error().message);
  }
  Minted out;
  out.kid = key.pid;
  out.token = paseto::sign(claims_to_json(claims), key.key, "{\"kid\":\"" + key.pid + "\"}");
  out.file_text = license_file_text(claims, out.token);
  out.claims = std::move(claims);
  return out;
}

namespace {

Minted mint(Session& s, store::Tx& tx, const store::LicenseRecord& r,
            const std::vector<std::string>& devices, const std::optional<std::string>& device,
            const char* kind) {
  const LoadedKey& key = s.ledger.keys().active(tx);
  const UnixTime now = s.ledger.now();
  Minted m = sign_claims(claims_for(r, devices, vendor_of(tx), r.revision, now), key);
  if (device) m.file_text = license_file_text(m.claims, m.token, /*machine=*/true);
  store::TokenRecord t;
  t.jti = m.claims.jti;
  t.license_id = r.id;
  t.revision = r.revision;
  t.kid = m.kid;
  t.kind = kind;
  t.device_id = device;
  t.issued_at = now;
  t.expires_at = m.claims.exp;
  t.token = m.token;
  tx.insert_token(t);
  return m;
}

}  // namespace

Minted mint_license_file(Session& s, store::Tx& tx, const store::LicenseRecord& r) {
  std::vector<std::string> devices;
  for (const auto& d : tx.devices(r.id, false)) devices.push_back(d.device_id);
  return mint(s, tx, r, devices, std::nullopt, "license");
}

Minted mint_machine_file(Session& s, store::Tx& tx, const store::LicenseRecord& r,
                         const std::string& device_id) {
  return mint(s, tx, r, {device_id}, device_id, "machine");
}

Minted from_token(const store::TokenRecord& t) {
  Minted m;
  m.token = t.token;
  m.kid = t.kid;
  auto parsed = paseto::parse(t.token);
  if (!parsed) throw Refused(Code::integrity, "the ledger's token " + t.jti + " is unreadable");
  auto claims = claims_from_json(parsed->payload);
  if (!claims) throw Refused(Code::integrity, "the ledger's token " + t.jti + " is unreadable");
  m.claims = std::move(*claims);
  m.file_text = license_file_text(m.claims, m.token, t.kind == "machine");
  return m;
}

}  // namespace licet::issuer::core
