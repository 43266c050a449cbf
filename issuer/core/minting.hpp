// Turning ledger state into signed tokens: the claims of a license (and of a machine file for one
// device), the signature with the active key, the armored file, and the tokens row — recorded in
// the caller's transaction before any file carrying the token is written.
#pragma once

#include <string>
#include <vector>

#include "core/ledger.hpp"
#include "core/signing_keys.hpp"
#include "licet/common/claims.hpp"
#include "store/records.hpp"
#include "store/tx.hpp"

namespace licet::issuer::core {

struct Minted {
  Claims claims;
  std::string kid;
  std::string token;      // v4.public.…
  std::string file_text;  // armored, with informational comments
};

std::string new_jti();
std::string vendor_of(store::Tx& tx);

// The claims of `r` at `revision`, issued `now`. No devices leaves the file not node-locked.
Claims claims_for(const store::LicenseRecord& r, const std::vector<std::string>& devices,
                  const std::string& vendor, std::int64_t revision, UnixTime now);

// validate_claims, sign with footer {"kid": …}, armor. Touches no database.
Minted sign_claims(Claims claims, const LoadedKey& key);

// The whole-license file (node-locked: every bound device; unlocked: none) at r.revision,
// recorded as a `license` token.
Minted mint_license_file(Session& s, store::Tx& tx, const store::LicenseRecord& r);
// A machine file for one device (`devices` holds only it) at r.revision, recorded as a
// `machine` token for that device.
Minted mint_machine_file(Session& s, store::Tx& tx, const store::LicenseRecord& r,
                         const std::string& device_id);

// A stored token as a file again (no new signature).
Minted from_token(const store::TokenRecord& t);
// `machine`: a machine file (one device's file of an activation license) rather than a license
// file; only the informational comment line differs.
std::string license_file_text(const Claims& claims, const std::string& token, bool machine = false);

}  // namespace licet::issuer::core
