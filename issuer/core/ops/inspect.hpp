// inspect: any license file, judged as the verifier judges it (same code: licet/common/verdict.hpp)
// against this ledger's keys and what the revocation feed says now, plus what the ledger knows.
// The device and the product are the app's to check; inspect has neither.
#pragma once

#include <optional>
#include <string>

#include "core/json_doc.hpp"
#include "core/ledger.hpp"
#include "core/refusal.hpp"
#include "licet/common/claims.hpp"

namespace licet::issuer::core {

struct InspectReport {
  std::string file;
  std::optional<std::string> footer, kid, payload;
  std::string key_state = "unknown";    // active | verifying | retired | unknown
  std::string signature = "unchecked";  // valid | invalid | unchecked
  std::optional<Claims> claims;
  std::optional<std::string> claims_error;
  std::string verdict_code = "malformed";  // "ok" or the verifier's error code
  std::string verdict;                     // one line
  std::string ledger_state = "unknown";    // current | valid | superseded | revoked | unknown
  std::optional<std::int64_t> current_revision, superseded_below;
  std::optional<std::string> license_status;

  bool valid() const { return verdict_code == "ok"; }

  template <class A>
  void save(A& ar) const {
    ar(cereal::make_nvp("file", file));
    tree(ar, "footer", footer);
    nullable(ar, "kid", kid);
    ar(cereal::make_nvp("key_state", key_state), cereal::make_nvp("signature", signature),
       cereal::make_nvp("verified", signature == "valid"));
    tree(ar, "claims", payload);
    nullable(ar, "claims_error", claims_error);
    ar(cereal::make_nvp("valid", valid()), cereal::make_nvp("verdict_code", verdict_code),
       cereal::make_nvp("verdict", verdict));
    ar.setNextName("ledger");
    ar.startNode();
    ar(cereal::make_nvp("state", ledger_state));
    nullable(ar, "status", license_status);
    nullable(ar, "current_revision", current_revision);
    nullable(ar, "superseded_below", superseded_below);
    ar.finishNode();
  }
};

Outcome<InspectReport> inspect(Session& s, const std::string& text, const std::string& file_name);

}  // namespace licet::issuer::core
