// Turning ledger state into signed license files: claims from a license row and its devices,
// signature with the active key, the tokens row and the revision bump. Shared by the CLI
// commands, batch issuance and `licet serve`.
#pragma once

#include <string>
#include <vector>

#include "keystore.hpp"
#include "ledger/db.hpp"
#include "license/ledger_rows.hpp"
#include "license/spec.hpp"
#include "licet/common/claims.hpp"

namespace licet::issuer {

struct SignedLicense {
  Claims claims;
  std::string kid;
  std::string token;      // v4.public.…
  std::string file_text;  // armored, with informational comments
};

// 128 random bits, base64url.
std::string new_jti();

// A ledger row for a license that does not exist yet (id 0, revision 1, status active).
LicenseRow row_from_spec(const LicenseSpec& spec, std::string license_key, UnixTime now);

// The claims of `row` at revision `revision`, issued now. An empty device list leaves the
// license not node-locked (no `devices` claim).
Claims claims_for(const LicenseRow& row, const std::vector<std::string>& devices,
                  const std::string& vendor, std::int64_t revision, UnixTime now);

// validate_claims, sign with footer {"kid": …}, armor. Touches no database: safe to call from
// several threads with the same key.
SignedLicense sign_license(Claims claims, const ActiveKey& key);

// The rows of a brand-new license (licenses, devices, tokens) and its "issue" audit entry, in the
// caller's transaction. Generates the license key.
SignedLicense mint_new(Db& db, const LicenseSpec& spec, const ActiveKey& key,
                       const std::string& vendor, const std::string& actor, UnixTime now);

// Signs the license's current ledger state (row fields + bound devices) as revision
// row.revision + 1, stores the token and bumps licenses.revision/updated_at, in the caller's
// transaction. `row` is updated. The caller records the audit entry.
SignedLicense mint_next_revision(Db& db, LicenseRow& row, const ActiveKey& key, UnixTime now);

// The stored token of the license's current revision, armored again (no signing needed).
std::optional<SignedLicense> current_license_file(Db& db, const LicenseRow& row);

std::string license_file_text(const Claims& claims, const std::string& token);

}  // namespace licet::issuer
