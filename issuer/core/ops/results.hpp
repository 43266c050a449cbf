// What a license-changing operation returns, whichever door called it: whether anything changed,
// one line for people, the license afterwards, and the file to deliver when the change produced
// one (already recorded in the ledger; the door writes or sends it).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "core/documents.hpp"
#include "core/minting.hpp"

namespace licet::issuer::core {

struct ChangeResult {
  bool changed = false;
  std::string message;
  LicenseDoc license;
  std::optional<Minted> file;                   // the new license file or machine file
  std::optional<std::filesystem::path> backup;  // the automatic backup taken first
  std::optional<std::string> written_to;        // set by the door that wrote `file`

  template <class A>
  void save(A& ar) const {
    // The license's members at the top level, so scripts read e.g. `license_key` directly.
    license.save(ar);
    ar(cereal::make_nvp("changed", changed), cereal::make_nvp("message", message));
    if (file) {
      ar(cereal::make_nvp("license_file", file->file_text),
         cereal::make_nvp("jti", file->claims.jti), cereal::make_nvp("kid", file->kid));
    } else {
      ar(cereal::make_nvp("license_file", nullptr), cereal::make_nvp("jti", nullptr),
         cereal::make_nvp("kid", nullptr));
    }
    nullable(ar, "file", written_to);
    nullable(ar, "backup", backup ? std::optional<std::string>(backup->string()) : std::nullopt);
  }
};

}  // namespace licet::issuer::core
