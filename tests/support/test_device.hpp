// A device as `licet serve` sees it, for tests: a device ID and a device key of its own (Ed25519,
// as an app keeps in its state dir), the bodies of POST /v1/activate and /v1/deactivate, request
// tokens signed with licet/common/request_token (docs/FORMAT.md "Request token"), and the
// offline activation and deactivation request files (docs/FORMAT.md "Activation request").
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "licet/common/request_token.hpp"
#include "licet/common/time.hpp"
#include "licet/keys/paserk.hpp"

namespace licet::test {

// A JSON object of string members (and the one integer `version` where a format needs it),
// written by RapidJSON so every value is escaped as JSON demands.
inline std::string json_object(const std::map<std::string, std::string>& strings,
                               const std::map<std::string, long long>& integers = {}) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  for (const auto& [k, v] : integers) {
    w.Key(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
    w.Int64(v);
  }
  for (const auto& [k, v] : strings) {
    w.Key(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
    w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
  }
  w.EndObject();
  return buf.GetString();
}

class TestDevice {
 public:
  explicit TestDevice(std::string device_id)
      : id_(std::move(device_id)), key_(paserk::generate_secret_key()) {}

  const std::string& id() const { return id_; }
  // The device key's k4.public, as the app sends it at its first activation.
  std::string public_key() const { return paserk::to_public(key_.public_key()); }
  const SecretKey& secret_key() const { return key_; }

  // The body of POST /v1/activate. `extra` adds or replaces members (app, device_name, …).
  std::string activation_body(const std::string& license_key, const std::string& product,
                              std::map<std::string, std::string> extra = {}) const {
    std::map<std::string, std::string> m = {{"license_key", license_key},
                                            {"device_id", id_},
                                            {"device_key", public_key()},
                                            {"product", product}};
    for (auto& [k, v] : extra) m[k] = std::move(v);
    return json_object(m);
  }

  // A request token for `act` on `license_key`, addressed to `aud` (the server's origin, e.g.
  // "http://127.0.0.1:PORT", or "offline"), valid from `iat` for `lifetime` seconds.
  std::string request_token(const std::string& license_key, const std::string& aud,
                            std::string act = std::string(request_token::kDeactivate),
                            std::optional<UnixTime> iat = std::nullopt,
                            std::int64_t lifetime = 120) const {
    request_token::Claims c;
    c.lic = license_key;
    c.dev = id_;
    c.act = std::move(act);
    c.aud = aud;
    c.iat = iat.value_or(system_now());
    c.exp = c.iat + lifetime;
    return request_token::sign(c, key_);
  }

  // The body of POST /v1/deactivate.
  static std::string deactivation_body(const std::string& token) {
    return json_object({{"request_token", token}});
  }

  // An offline activation request (docs/FORMAT.md "Activation request", version 2).
  std::string activation_request(const std::string& license_key, const std::string& product,
                                 const std::string& app,
                                 std::map<std::string, std::string> extra = {}) const {
    std::map<std::string, std::string> m = {{"type", "licet-activation-request"},
                                            {"license_key", license_key},
                                            {"device_id", id_},
                                            {"device_key", public_key()},
                                            {"product", product},
                                            {"app", app},
                                            {"hostname", "test-host"},
                                            {"os", "Linux 6.1"},
                                            {"device_name", "test device " + id_},
                                            {"created", format_rfc3339(system_now())}};
    for (auto& [k, v] : extra) m[k] = std::move(v);
    return json_object(m, {{"version", 2}});
  }

  // An offline deactivation request: a request token addressed to "offline".
  std::string deactivation_request(const std::string& license_key) const {
    return json_object({{"type", "licet-deactivation-request"},
                        {"request_token",
                         request_token(license_key, std::string(request_token::kOfflineAudience))}},
                       {{"version", 1}});
  }

 private:
  std::string id_;
  SecretKey key_;
};

}  // namespace licet::test
