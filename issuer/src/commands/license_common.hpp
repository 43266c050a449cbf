// What the license-changing commands share: committing the ledger together with the new
// license file, and printing the outcome.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "context.hpp"
#include "ledger/db.hpp"
#include "license/mint.hpp"

namespace licet::issuer {

// --out, else ./<LICENSE-KEY>.lic.
std::filesystem::path license_out_path(const std::string& out_option,
                                       const std::string& license_key);

// Writes the file to a temporary name, commits the transaction, then renames the file into
// place: a failure before the commit leaves neither the ledger change nor the file.
void commit_with_file(Transaction& tx, const SignedLicense& lic, const std::filesystem::path& out);

// "<what> KEY revision N → FILE" for people; an object for --json.
void print_license_result(const Context& ctx, std::string_view what, const SignedLicense& lic,
                          const std::filesystem::path& out, const std::string& extra_json = "");

// Puts a key typed by a person into canonical form for messages (normalize, else as typed).
std::string display_key(const std::string& typed);

}  // namespace licet::issuer
