#include "commands/license_common.hpp"

#include <fmt/core.h>

#include "license/staged_file.hpp"
#include "licet/common/license_key.hpp"
#include "output.hpp"

namespace licet::issuer {

std::filesystem::path license_out_path(const std::string& out_option,
                                       const std::string& license_key) {
  if (!out_option.empty()) return out_option;
  return std::filesystem::path(license_key + ".lic");
}

void commit_with_file(Transaction& tx, const SignedLicense& lic, const std::filesystem::path& out) {
  StagedFile file(out, lic.file_text);
  tx.commit();
  file.publish();
}

void print_license_result(const Context& ctx, std::string_view what, const SignedLicense& lic,
                          const std::filesystem::path& out, const std::string& extra_json) {
  if (ctx.json) {
    fmt::print("{{\"license_key\":{},\"revision\":{},\"file\":{},\"jti\":{},\"kid\":{}{}}}\n",
               json_string(lic.claims.lic), lic.claims.rev, json_string(out.string()),
               json_string(lic.claims.jti), json_string(lic.kid),
               extra_json.empty() ? "" : "," + extra_json);
    return;
  }
  fmt::print("{} {} (revision {})\n", what, lic.claims.lic, lic.claims.rev);
  fmt::print("  file {}\n", out.string());
}

std::string display_key(const std::string& typed) {
  auto k = license_key::normalize(typed);
  return k ? *k : typed;
}

}  // namespace licet::issuer
