// Offline activation and deactivation requests (docs/FORMAT.md, "Activation request",
// "Deactivation request"): JSON files the customer carries to the vendor when the machine never
// reaches the activation server.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "licet/common/armor.hpp"
#include "licet/common/device_id_rule.hpp"
#include "licet/common/file_io.hpp"
#include "licet/common/license_key.hpp"
#include "licet/common/paseto.hpp"
#include "licet/common/request_token.hpp"
#include "licet/keys/paserk.hpp"
#include "lifecycle/device_key.hpp"
#include "lifecycle/host_info.hpp"
#include "lifecycle/lifecycle_util.hpp"
#include "verifier_impl.hpp"

namespace licet {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void put(Writer& w, const char* key, std::string_view value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

Error malformed(std::string message) {
  return make_error(ErrorCode::malformed, std::move(message));
}

// The app's override, else this machine's ID for app_id; nullopt (with `why`) when neither.
std::optional<std::string> presented(const OfflineRequestOptions& o, Error& why) {
  if (o.device.device_id) {
    if (auto reason = device_id_rule::invalid_reason(*o.device.device_id); !reason.empty()) {
      why = malformed("the device ID is invalid: " + reason);
      return std::nullopt;
    }
    return *o.device.device_id;
  }
  if (o.app_id.empty()) {
    why = malformed("name the app (its ID keys the device ID) or the device ID");
    return std::nullopt;
  }
  auto id = device_id(o.app_id, o.allow_device_id_override);
  if (!id) {
    why = std::move(id).error();
    return std::nullopt;
  }
  return *id;
}

std::string finish(rapidjson::StringBuffer& buf) {
  return std::string(buf.GetString(), buf.GetSize()) + "\n";
}

// Nothing escapes the public API: an exception (out of memory) becomes an io_error.
template <class F>
Result<std::string> guarded(F&& f) noexcept {
  try {
    return f();
  } catch (const std::exception& e) {
    return make_error(ErrorCode::io_error, std::string("cannot write the request: ") + e.what());
  } catch (...) {
    return make_error(ErrorCode::io_error, "cannot write the request");
  }
}

Result<std::string> build_activation_request(std::string_view license_key_text,
                                             const OfflineRequestOptions& o) {
  auto key = license_key::normalize(license_key_text);
  if (!key) {
    return malformed(detail::license_key_problem(key.error()));
  }
  if (o.state_dir.empty()) return malformed("a state dir is needed: it keeps the device key");
  if (o.app_id.empty()) return malformed("the app ID is needed");
  Error why;
  const auto device = presented(o, why);
  if (!device) return why;
  auto device_key = detail::load_or_create_device_key(o.state_dir);
  if (!device_key) return std::move(device_key).error();

  const std::string host = o.hostname.empty() ? detail::host_name() : o.hostname;
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  put(w, "type", "licet-activation-request");
  w.Key("version");
  w.Int(2);
  put(w, "license_key", *key);
  put(w, "device_id", *device);
  put(w, "device_key", paserk::to_public(device_key->public_key()));
  put(w, "product", o.product.empty() ? o.app_id : o.product);
  put(w, "app", o.app_id);
  put(w, "hostname", host);
  put(w, "os", o.os.empty() ? detail::os_description() : o.os);
  put(w, "device_name", o.device_name.empty() ? host : o.device_name);
  put(w, "created", format_rfc3339(system_now()));
  w.EndObject();
  return finish(buf);
}

Result<std::string> build_deactivation_request(const OfflineRequestOptions& o) {
  if (o.state_dir.empty()) return malformed("a state dir is needed: it holds the license");
  const auto path = std::filesystem::path(o.state_dir) / "license.lic";
  std::error_code ec;
  if (!std::filesystem::exists(std::filesystem::symlink_status(path, ec))) {
    return make_error(ErrorCode::not_activated,
                      "no license is activated in " + o.state_dir + ": nothing to deactivate");
  }
  auto text = read_file(path, armor::kMaxFileBytes);
  if (!text) return std::move(text).error();
  // Read without the vendor's key: the vendor checks the device key's signature, which is
  // what proves this request, against the key the ledger bound to lic and dev.
  auto file = armor::read(*text);
  if (!file)
    return make_error(ErrorCode::io_error,
                      "the stored license is damaged: " + file.error().message);
  auto parsed = paseto::parse(file->token);
  if (!parsed)
    return make_error(ErrorCode::io_error,
                      "the stored license is damaged: " + parsed.error().message);
  auto claims = claims_from_json(parsed->payload);
  if (!claims)
    return make_error(ErrorCode::io_error,
                      "the stored license is damaged: " + claims.error().message);

  Error why;
  const auto device = detail::bound_device(*claims, presented(o, why));
  if (!device) return device.error();
  auto device_key = detail::load_device_key(o.state_dir);
  if (!device_key) {
    if (device_key.code() != ErrorCode::not_activated) return std::move(device_key).error();
    return make_error(ErrorCode::io_error,
                      "this device has no device key: its seat was bound by the vendor, and "
                      "support removes it");
  }
  request_token::Claims token;
  token.lic = claims->lic;
  token.dev = *device;
  token.act = std::string(request_token::kDeactivate);
  token.aud = std::string(request_token::kOfflineAudience);
  token.iat = system_now();
  token.exp = token.iat + request_token::kMaxOfflineLifetime;

  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  put(w, "type", "licet-deactivation-request");
  w.Key("version");
  w.Int(1);
  put(w, "request_token", request_token::sign(token, *device_key));
  w.EndObject();
  return finish(buf);
}

}  // namespace

Result<std::string> make_activation_request(std::string_view license_key,
                                            const OfflineRequestOptions& options) {
  return guarded([&] { return build_activation_request(license_key, options); });
}

Result<std::string> make_deactivation_request(const OfflineRequestOptions& options) {
  return guarded([&] { return build_deactivation_request(options); });
}

Result<std::string> Verifier::activation_request(std::string_view license_key,
                                                 const DeviceOverride& device) const {
  if (!impl_) return make_error(ErrorCode::io_error, "this Verifier was moved from");
  OfflineRequestOptions o;
  o.state_dir = impl_->config.state_dir;
  o.app_id = impl_->app_id;
  o.product = impl_->config.product;
  o.device = device;
  return make_activation_request(license_key, o);
}

Result<std::string> Verifier::deactivation_request(const DeviceOverride& device) const {
  if (!impl_) return make_error(ErrorCode::io_error, "this Verifier was moved from");
  OfflineRequestOptions o;
  o.state_dir = impl_->config.state_dir;
  o.app_id = impl_->app_id;
  o.device = device;
  return make_deactivation_request(o);
}

}  // namespace licet
