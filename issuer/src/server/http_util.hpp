// Request and response helpers of the activation server: strict JSON bodies, error documents,
// and masking for the access log.
#pragma once

#include <httplib.h>
#include <rapidjson/document.h>

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace licet::issuer::server {

inline constexpr std::size_t kMaxBody = 16 * 1024;

// An HTTP refusal: status, error code (DESIGN.md "Activation server"), one-line message.
struct HttpError {
  int status;
  std::string code;
  std::string message;
};

// {"error":code,"message":…} with the status.
void send_error(httplib::Response& res, const HttpError& e);
void send_json(httplib::Response& res, int status, std::string body);

// The body as a JSON object: Content-Type must be application/json (415), the body at most
// kMaxBody bytes (413), well-formed, without members other than `allowed` (400). Throws HttpError.
rapidjson::Document parse_body(const httplib::Request& req,
                               std::initializer_list<std::string_view> allowed);

// Member `name`: absent → nullopt; not a string, empty, longer than max_len or holding control
// characters → HttpError 400.
std::optional<std::string> opt_string(const rapidjson::Document& doc, std::string_view name,
                                      std::size_t max_len);
std::string req_string(const rapidjson::Document& doc, std::string_view name, std::size_t max_len);

// "MOSTAG…-K": enough to tell keys apart in a log, not enough to use one.
std::string mask_key(std::string_view key);
// The path with long segments (license keys in admin paths) masked.
std::string mask_path(std::string_view path);

}  // namespace licet::issuer::server
