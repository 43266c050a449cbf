// The application's side of the activation server (docs/INTEGRATION.md, "The license
// lifecycle"; protocol: docs/FORMAT.md, "Device key", "Request token"): POST /v1/activate with
// this device's key, and POST /v1/deactivate with a request token it signs. Every answer and
// failure becomes a distinct status; a returned license is verified before it is stored.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <exception>

#include "licet/common/armor.hpp"
#include "licet/common/json.hpp"
#include "licet/common/license_key.hpp"
#include "licet/common/paseto.hpp"
#include "licet/common/request_token.hpp"
#include "licet/keys/paserk.hpp"
#include "lifecycle/device_key.hpp"
#include "lifecycle/host_info.hpp"
#include "lifecycle/lifecycle_util.hpp"
#include "net/http_client.hpp"
#include "verifier_impl.hpp"

namespace licet {
namespace {

constexpr std::size_t kMaxAnswerBytes = 256 * 1024;

// What the server said, read once for both operations.
struct Answer {
  net::Response http;
  std::optional<rapidjson::Document> json;  // set when the body is a JSON object
  std::string error;                        // its "error" member
  std::string message;                      // its "message" member
  std::string status;                       // its "status" member

  std::int64_t integer(const char* name) const {
    if (!json) return 0;
    const auto it = json->FindMember(name);
    return it != json->MemberEnd() && it->value.IsInt64() ? it->value.GetInt64() : 0;
  }
  std::string text(const char* name) const {
    if (!json) return {};
    const auto it = json->FindMember(name);
    if (it == json->MemberEnd() || !it->value.IsString()) return {};
    return std::string(it->value.GetString(), it->value.GetStringLength());
  }
  // One line for the app: the server's message, else its code, else the HTTP status.
  std::string describe() const {
    if (!message.empty()) return detail::one_line(message);
    if (!error.empty()) return error;
    return "the server answered HTTP " + std::to_string(http.status);
  }
};

Answer post_json(const std::string& server_url, const char* path, const std::string& body,
                 const std::string& ca_file, long connect_timeout_ms, long timeout_ms) {
  std::string url = server_url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  net::Request request;
  request.url = url + path;
  request.post = true;
  request.body = body;
  request.ca_file = ca_file;
  request.connect_timeout_ms = connect_timeout_ms;
  request.timeout_ms = timeout_ms;
  request.max_bytes = kMaxAnswerBytes;
  Answer a;
  a.http = net::perform(request);
  if (!a.http.ok()) return a;
  auto doc = json::parse_object(a.http.body, {kMaxAnswerBytes, 8});
  if (doc) {
    a.json = std::move(*doc);
    a.error = a.text("error");
    a.message = a.text("message");
    a.status = a.text("status");
  }
  return a;
}

template <class Status>
Status status_of_failure(net::Failure f) {
  switch (f) {
    case net::Failure::timeout:
      return Status::timeout;
    case net::Failure::tls:
      return Status::tls_error;
    case net::Failure::unavailable:
      return Status::unavailable;
    case net::Failure::bad_url:
      return Status::bad_request;
    case net::Failure::too_large:
    case net::Failure::protocol:
      return Status::server_error;
    case net::Failure::none:
    case net::Failure::connect:
      break;
  }
  return Status::network_error;
}

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void put(Writer& w, const char* key, std::string_view value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

// ---- activate ----

ActivationResult activation(ActivationStatus s, std::string message, int http = 0) {
  ActivationResult r;
  r.status = s;
  r.message = std::move(message);
  r.http_status = http;
  return r;
}

struct ActivationCode {
  const char* error;
  ActivationStatus status;
};
constexpr ActivationCode kActivationCodes[] = {
    {"seats_full", ActivationStatus::seats_full},
    {"revoked", ActivationStatus::revoked},
    {"expired", ActivationStatus::expired},
    {"unknown_license", ActivationStatus::unknown_license},
    {"rate_limited", ActivationStatus::rate_limited},
    {"bad_request", ActivationStatus::bad_request},
    {"wrong_product", ActivationStatus::wrong_product},
    {"device_key_mismatch", ActivationStatus::device_key_mismatch},
    {"not_activatable", ActivationStatus::not_activatable},
};

// ---- deactivate ----

DeactivationResult deactivation(DeactivationStatus s, std::string message, int http = 0) {
  DeactivationResult r;
  r.status = s;
  r.message = std::move(message);
  r.http_status = http;
  return r;
}

struct DeactivationCode {
  const char* error;
  DeactivationStatus status;
};
constexpr DeactivationCode kDeactivationCodes[] = {
    {"not_active", DeactivationStatus::not_active},
    {"no_device_key", DeactivationStatus::no_device_key},
    {"transfer_cap", DeactivationStatus::transfer_cap},
    {"invalid_token", DeactivationStatus::invalid_token},
    {"unknown_license", DeactivationStatus::unknown_license},
    {"rate_limited", DeactivationStatus::rate_limited},
    {"bad_request", DeactivationStatus::bad_request},
};

}  // namespace

ActivationResult Verifier::activate(const std::string& server_url, const std::string& license_key,
                                    const ActivationOptions& options) const noexcept {
  try {
    if (!impl_) return activation(ActivationStatus::bad_request, "this Verifier was moved from");
    const Impl& impl = *impl_;
    if (request_token::origin_of(server_url).empty()) {
      return activation(ActivationStatus::bad_request,
                        "the activation server URL must be an http:// or https:// URL");
    }
    auto key = license_key::normalize(license_key);
    if (!key) {
      return activation(ActivationStatus::bad_request, detail::license_key_problem(key.error()));
    }
    if (impl.config.state_dir.empty()) {
      return activation(ActivationStatus::bad_request,
                        "no state_dir is configured: the device key and the license are kept "
                        "there");
    }
    auto device = impl.presented_device(options.device);
    if (!device) {
      return activation(ActivationStatus::bad_request,
                        "cannot tell this device's ID: " + device.error().message);
    }
    auto device_key = detail::load_or_create_device_key(impl.config.state_dir);
    if (!device_key) return activation(ActivationStatus::io_error, device_key.error().message);

    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    put(w, "license_key", *key);
    put(w, "device_id", *device);
    put(w, "device_key", paserk::to_public(device_key->public_key()));
    put(w, "product", impl.config.product);
    put(w, "app", impl.app_id);
    if (!options.device_name.empty()) put(w, "device_name", options.device_name);
    const std::string host = options.hostname.empty() ? detail::host_name() : options.hostname;
    if (!host.empty()) put(w, "hostname", host);
    const std::string os = options.os.empty() ? detail::os_description() : options.os;
    if (!os.empty()) put(w, "os", os);
    w.EndObject();

    const Answer a =
        post_json(server_url, "/v1/activate", std::string(buf.GetString(), buf.GetSize()),
                  options.ca_file, options.connect_timeout_ms, options.timeout_ms);
    if (!a.http.ok()) {
      return activation(status_of_failure<ActivationStatus>(a.http.failure),
                        "activation server " + server_url + ": " + a.http.message);
    }
    const int http = static_cast<int>(a.http.status);
    if (!a.json) {
      return activation(
          ActivationStatus::server_error,
          "the activation server answered HTTP " + std::to_string(http) + " without a JSON object",
          http);
    }
    if (http == 200) {
      const std::string license = a.text("license");
      if ((a.status != "activated" && a.status != "already_active") || license.empty()) {
        return activation(ActivationStatus::server_error,
                          "the activation server's answer has no status and license", http);
      }
      ActivationResult r = activation(
          a.status == "activated" ? ActivationStatus::activated : ActivationStatus::already_active,
          "", http);
      r.seats = a.integer("seats");
      r.bound = a.integer("bound");
      // Verified before it is stored; store() keeps the old license when this one fails.
      r.verification = store(license, options.device);
      if (r.verification.code == ErrorCode::stale_revocations) {
        // The license wants a fresh revocation feed, and the app is online right now.
        (void)sync();
        r.verification = store(license, options.device);
      }
      if (!r.verification.ok()) {
        r.status = ActivationStatus::invalid_license;
        r.message = "the license from the activation server does not verify here (" +
                    std::string(to_string(r.verification.code)) + "): " + r.verification.message;
        return r;
      }
      r.revision = r.verification.license ? r.verification.license->revision : 0;
      return r;
    }
    for (const auto& known : kActivationCodes) {
      if (a.error == known.error) {
        ActivationResult r = activation(known.status, a.describe(), http);
        r.retry_after = a.http.retry_after.value_or(0);
        r.seats = a.integer("seats");
        r.bound = a.integer("bound");
        return r;
      }
    }
    return activation(ActivationStatus::server_error,
                      "the activation server answered HTTP " + std::to_string(http) +
                          (a.error.empty() ? "" : " " + a.error) +
                          (a.message.empty() ? "" : ": " + detail::one_line(a.message)),
                      http);
  } catch (const std::exception& e) {
    return activation(ActivationStatus::io_error, std::string("activation failed: ") + e.what());
  } catch (...) {
    return activation(ActivationStatus::io_error, "activation failed");
  }
}

DeactivationResult Verifier::deactivate(const std::string& server_url,
                                        const DeactivationOptions& options) const noexcept {
  try {
    if (!impl_)
      return deactivation(DeactivationStatus::bad_request, "this Verifier was moved from");
    const Impl& impl = *impl_;
    const std::string origin = request_token::origin_of(server_url);
    if (origin.empty()) {
      return deactivation(DeactivationStatus::bad_request,
                          "the activation server URL must be an http:// or https:// URL");
    }
    auto text = impl.read_stored();
    if (!text) {
      return deactivation(text.code() == ErrorCode::not_activated
                              ? DeactivationStatus::not_activated
                              : DeactivationStatus::io_error,
                          text.error().message);
    }
    // Signature checked (the key and device are read from what the vendor signed), but not
    // time or feed: an expired or revoked license may still free its seat.
    auto checked = impl.authenticate(*text);
    if (!checked) {
      return deactivation(DeactivationStatus::io_error,
                          "the stored license " + impl.stored_license_path().string() +
                              " is damaged: " + checked.error().message);
    }
    const Claims& claims = (*checked)->claims;
    auto presented = impl.presented_device(options.device);
    if (!presented && options.device.device_id) {
      return deactivation(DeactivationStatus::bad_request, presented.error().message);
    }
    auto device = detail::bound_device(
        claims, presented ? std::optional<std::string>(*presented) : std::nullopt);
    if (!device) return deactivation(DeactivationStatus::bad_request, device.error().message);
    auto device_key = detail::load_device_key(impl.config.state_dir);
    if (!device_key) {
      return device_key.code() == ErrorCode::not_activated
                 ? deactivation(DeactivationStatus::no_device_key,
                                "this device has no device key: its seat was bound by the "
                                "vendor, and support removes it")
                 : deactivation(DeactivationStatus::io_error, device_key.error().message);
    }
    request_token::Claims token;
    token.lic = claims.lic;
    token.dev = *device;
    token.act = std::string(request_token::kDeactivate);
    token.aud = origin;
    token.iat = impl.now();
    token.exp = token.iat + request_token::kMaxOnlineLifetime;
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    put(w, "request_token", request_token::sign(token, *device_key));
    w.EndObject();

    const Answer a =
        post_json(server_url, "/v1/deactivate", std::string(buf.GetString(), buf.GetSize()),
                  options.ca_file, options.connect_timeout_ms, options.timeout_ms);
    if (!a.http.ok()) {
      return deactivation(status_of_failure<DeactivationStatus>(a.http.failure),
                          "activation server " + server_url + ": " + a.http.message);
    }
    const int http = static_cast<int>(a.http.status);
    if (!a.json) {
      return deactivation(
          DeactivationStatus::server_error,
          "the activation server answered HTTP " + std::to_string(http) + " without a JSON object",
          http);
    }
    DeactivationResult r;
    if (http == 200 && a.status == "deactivated") {
      r = deactivation(DeactivationStatus::deactivated, "", http);
    } else {
      r = deactivation(DeactivationStatus::server_error,
                       "the activation server answered HTTP " + std::to_string(http) +
                           (a.error.empty() ? "" : " " + a.error) +
                           (a.message.empty() ? "" : ": " + detail::one_line(a.message)),
                       http);
      for (const auto& known : kDeactivationCodes) {
        if (http != 200 && a.error == known.error) {
          r = deactivation(known.status, a.describe(), http);
          r.retry_after = a.http.retry_after.value_or(0);
        }
      }
    }
    r.seats = a.integer("seats");
    r.bound = a.integer("bound");
    // The seat is free (or was never held): this device stops using the license. After any
    // other answer, including transfer_cap, everything stays as it was.
    if (r.status == DeactivationStatus::deactivated || r.status == DeactivationStatus::not_active) {
      if (auto st = clear_stored(); !st) {
        r.status = DeactivationStatus::io_error;
        r.message = "the server freed the seat, but the stored license could not be removed: " +
                    st.error().message;
      }
    }
    return r;
  } catch (const std::exception& e) {
    return deactivation(DeactivationStatus::io_error,
                        std::string("deactivation failed: ") + e.what());
  } catch (...) {
    return deactivation(DeactivationStatus::io_error, "deactivation failed");
  }
}

ActivationResult activate_online(const Verifier& verifier, const std::string& server_url,
                                 const std::string& license_key,
                                 const ActivationOptions& options) noexcept {
  return verifier.activate(server_url, license_key, options);
}

}  // namespace licet
