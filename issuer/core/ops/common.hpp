// What the license operations share: finding a license by what a person typed, the refusals
// every change makes, and the document of a license as it is now.
#pragma once

#include <string_view>

#include "core/documents.hpp"
#include "core/ledger.hpp"
#include "store/tx.hpp"

namespace licet::issuer::core {

// Normalises the typed key (case, spaces, look-alikes) and finds the license. Refused
// unknown_license, with "did you mean …?" when a one-typo neighbour exists in this ledger.
store::LicenseRecord require_license(store::Tx& tx, std::string_view typed);

// Refused revoked: "… is revoked; `licet reinstate KEY` first".
void refuse_revoked(const store::LicenseRecord& r);
// Refused expired for changes that would sign an already expired license.
void refuse_expired(const store::LicenseRecord& r, UnixTime now, std::string_view what);

LicenseDoc license_doc(store::Tx& tx, const store::LicenseRecord& r, UnixTime now);

// Loads the active signing key (asking for the passphrase) before a write transaction starts,
// so nobody types a passphrase while the ledger is locked for writing.
void preload_signing_key(Session& s);

}  // namespace licet::issuer::core
