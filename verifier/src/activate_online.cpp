// Online activation against `licet serve` (POST /v1/activate, DESIGN.md "Activation server"):
// sends this device's ID, stores the returned license with Verifier::store (so only a license
// that verifies here is kept) and maps every answer and network failure to an ActivationStatus.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "licet/common/json.hpp"
#include "licet/verifier.hpp"

#ifdef LICET_WITH_CURL
#include <curl/curl.h>

#include <memory>
#include <mutex>
#endif

#ifndef LICET_VERSION_STRING
#define LICET_VERSION_STRING "0.0.0"
#endif

namespace licet {
namespace {

constexpr std::size_t kMaxAnswer = 256 * 1024;

ActivationResult result(ActivationStatus s, std::string message, long http = 0) {
  ActivationResult r;
  r.status = s;
  r.message = std::move(message);
  r.http_status = static_cast<int>(http);
  return r;
}

std::string request_body(const std::string& license_key, const std::string& device,
                         const ActivationOptions& opt) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  auto put = [&w](const char* k, const std::string& v) {
    w.Key(k);
    w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
  };
  w.StartObject();
  put("license_key", license_key);
  put("device_id", device);
  if (!opt.device_name.empty()) put("device_name", opt.device_name);
  if (!opt.hostname.empty()) put("hostname", opt.hostname);
  if (!opt.os.empty()) put("os", opt.os);
  w.EndObject();
  return buf.GetString();
}

std::string str_member(const rapidjson::Document& d, const char* name) {
  const auto it = d.FindMember(name);
  if (it == d.MemberEnd() || !it->value.IsString()) return {};
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

// The server's answer (HTTP status + JSON body) as a result; stores a granted license.
ActivationResult interpret(const Verifier& v, long http, const std::string& body,
                           std::int64_t retry_after, const DeviceOverride& device) {
  json::Limits limits;
  limits.max_bytes = kMaxAnswer;
  auto doc = json::parse_object(body, limits);
  if (!doc) {
    return result(
        ActivationStatus::server_error,
        "the activation server answered HTTP " + std::to_string(http) + " without a JSON body",
        http);
  }
  const std::string error = str_member(*doc, "error");
  const std::string message = str_member(*doc, "message");
  if (http == 200) {
    const std::string status = str_member(*doc, "status");
    const std::string license = str_member(*doc, "license");
    if ((status != "activated" && status != "already_active") || license.empty()) {
      return result(ActivationStatus::server_error, "the activation server's answer has no license",
                    http);
    }
    ActivationResult r = result(
        status == "activated" ? ActivationStatus::activated : ActivationStatus::already_active, "",
        http);
    r.verification = v.store(license, device);
    if (!r.verification.ok()) {
      r.status = ActivationStatus::invalid_license;
      r.message =
          "the license from the activation server does not verify here: " + r.verification.message;
    }
    return r;
  }
  struct Known {
    const char* code;
    ActivationStatus status;
  };
  static constexpr Known kKnown[] = {
      {"seats_full", ActivationStatus::seats_full},
      {"revoked", ActivationStatus::revoked},
      {"expired", ActivationStatus::expired},
      {"unknown_license", ActivationStatus::unknown_license},
      {"rate_limited", ActivationStatus::rate_limited},
      {"bad_request", ActivationStatus::bad_request},
  };
  for (const auto& k : kKnown) {
    if (error == k.code) {
      ActivationResult r = result(k.status, message.empty() ? error : message, http);
      r.retry_after = retry_after;
      return r;
    }
  }
  return result(ActivationStatus::server_error,
                "the activation server answered HTTP " + std::to_string(http) +
                    (error.empty() ? "" : " " + error) + (message.empty() ? "" : ": " + message),
                http);
}

#ifdef LICET_WITH_CURL

struct Sink {
  std::string body;
  bool too_large = false;
};

std::size_t write_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const std::size_t n = size * count;
  if (n > kMaxAnswer - sink->body.size()) {
    sink->too_large = true;
    return 0;
  }
  sink->body.append(data, n);
  return n;
}

ActivationStatus status_of(CURLcode rc) {
  switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
      return ActivationStatus::timeout;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
      return ActivationStatus::tls_error;
    default:
      return ActivationStatus::network_error;
  }
}

#endif

}  // namespace

std::string_view to_string(ActivationStatus s) noexcept {
  switch (s) {
    case ActivationStatus::activated:
      return "activated";
    case ActivationStatus::already_active:
      return "already_active";
    case ActivationStatus::seats_full:
      return "seats_full";
    case ActivationStatus::revoked:
      return "revoked";
    case ActivationStatus::expired:
      return "expired";
    case ActivationStatus::unknown_license:
      return "unknown_license";
    case ActivationStatus::rate_limited:
      return "rate_limited";
    case ActivationStatus::bad_request:
      return "bad_request";
    case ActivationStatus::network_error:
      return "network_error";
    case ActivationStatus::timeout:
      return "timeout";
    case ActivationStatus::tls_error:
      return "tls_error";
    case ActivationStatus::server_error:
      return "server_error";
    case ActivationStatus::invalid_license:
      return "invalid_license";
    case ActivationStatus::unavailable:
      return "unavailable";
  }
  return "unavailable";
}

ActivationResult activate_online(const Verifier& verifier, const std::string& server_url,
                                 const std::string& license_key,
                                 const ActivationOptions& options) noexcept {
  try {
    if (server_url.rfind("http://", 0) != 0 && server_url.rfind("https://", 0) != 0) {
      return result(ActivationStatus::bad_request,
                    "the activation server URL must start with http:// or https://");
    }
    if (license_key.empty()) return result(ActivationStatus::bad_request, "no license key");
    const auto& cfg = verifier.config();
    std::string device = options.device.device_id.value_or("");
    if (device.empty()) {
      auto id = device_id(cfg.app_id.empty() ? cfg.product : cfg.app_id);
      if (!id) {
        return result(ActivationStatus::bad_request,
                      "cannot compute this device's ID: " + id.error().message);
      }
      device = *id;
    }
    ActivationOptions opt = options;
    if (opt.hostname.empty()) {
      char host[256] = {0};
      if (::gethostname(host, sizeof host - 1) == 0) opt.hostname = host;
    }
    const std::string body = request_body(license_key, device, opt);
#ifdef LICET_WITH_CURL
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
    if (!curl) return result(ActivationStatus::network_error, "cannot start an HTTP client");
    std::string url = server_url;
    while (!url.empty() && url.back() == '/') url.pop_back();
    url += "/v1/activate";
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(
        curl_slist_append(nullptr, "Content-Type: application/json"), &curl_slist_free_all);
    Sink sink;
    char errbuf[CURL_ERROR_SIZE] = {0};
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    if (!options.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options.ca_file.c_str());
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, options.connect_timeout_ms);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, options.timeout_ms);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "licet/" LICET_VERSION_STRING);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &write_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    const CURLcode rc = curl_easy_perform(c);
    if (sink.too_large) {
      return result(ActivationStatus::server_error, "the activation server's answer is too large");
    }
    if (rc != CURLE_OK) {
      return result(status_of(rc), "cannot reach the activation server at " + server_url + ": " +
                                       (errbuf[0] != '\0' ? std::string(errbuf)
                                                          : std::string(curl_easy_strerror(rc))));
    }
    long http = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &http);
    std::int64_t retry_after = 0;
    curl_header* h = nullptr;
    if (curl_easy_header(c, "Retry-After", 0, CURLH_HEADER, -1, &h) == CURLHE_OK && h != nullptr) {
      retry_after = std::strtoll(h->value, nullptr, 10);
    }
    return interpret(verifier, http, sink.body, retry_after, options.device);
#else
    (void)body;
    return result(ActivationStatus::unavailable,
                  "online activation is compiled out of this build (LICET_WITH_CURL=OFF)");
#endif
  } catch (const std::exception& e) {
    return result(ActivationStatus::network_error, std::string("activation failed: ") + e.what());
  } catch (...) {
    return result(ActivationStatus::network_error, "activation failed");
  }
}

}  // namespace licet
