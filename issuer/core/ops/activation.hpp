// Devices taking and giving back seats: activation (online through `licet serve`, offline through
// `licet activation respond`) and deactivation (a request token signed by the device key, online
// or as an offline request file). docs/ARCHITECTURE.md "activate", "deactivate".
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/documents.hpp"
#include "core/ledger.hpp"
#include "core/minting.hpp"
#include "core/refusal.hpp"

namespace licet::issuer::core {

struct ActivationRequest {
  enum class Via { online, offline };
  std::string license_key;  // as received
  std::string device_id;
  std::optional<std::string> device_key;  // k4.public of the device (recommended)
  std::optional<std::string> product;     // the app's product: checked before anything is bound
  std::optional<std::string> app;         // the app id the device ID was computed for
  std::optional<std::string> device_name, hostname, os;
  Via via = Via::online;
  bool accept_new_app = false;  // offline: an app id this product has never used is intended
};

struct ActivationResult {
  std::string status;  // activated | already_active
  std::string license_key;
  std::string device_id;
  Minted license;  // the file for this device
  std::int64_t seats = 0;
  std::int64_t bound = 0;

  template <class A>
  void save(A& ar) const {
    ar(cereal::make_nvp("status", status), cereal::make_nvp("license", license.file_text),
       cereal::make_nvp("license_key", license_key), cereal::make_nvp("device_id", device_id),
       cereal::make_nvp("revision", license.claims.rev),
       cereal::make_nvp("jti", license.claims.jti), cereal::make_nvp("seats", seats),
       cereal::make_nvp("bound", bound));
  }
};

// A repeat that changes nothing (a bound device asking again for a current file) is answered
// from a read snapshot, without the write lock.
Outcome<ActivationResult> activate(Session& s, const ActivationRequest& req);

struct DeactivationRequest {
  std::string request_token;
  std::vector<std::string> audiences;  // accepted `aud` values (the server's origins, or "offline")
  bool offline = false;                // offline request file: longer lifetime allowed
};

struct DeactivationResult {
  std::string license_key;
  std::string device_id;
  std::int64_t seats = 0;
  std::int64_t bound = 0;
  template <class A>
  void save(A& ar) const {
    ar(cereal::make_nvp("status", std::string("deactivated")),
       cereal::make_nvp("license_key", license_key), cereal::make_nvp("device_id", device_id),
       cereal::make_nvp("seats", seats), cereal::make_nvp("bound", bound));
  }
};

Outcome<DeactivationResult> deactivate(Session& s, const DeactivationRequest& req);

}  // namespace licet::issuer::core
