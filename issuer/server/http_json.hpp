// JSON in and out of the server: request bodies through the strict parser (size, depth, UTF-8,
// duplicates, BOM and NUL refused), answers as the core's documents.
#pragma once

#include <httplib.h>
#include <rapidjson/document.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "core/documents.hpp"
#include "core/json_doc.hpp"
#include "core/refusal.hpp"

namespace licet::issuer::server {

inline constexpr std::size_t kMaxBody = 64 * 1024;

// An answer that is not a document (415, 429…) or a core refusal, as {"error","message"}.
struct HttpError {
  int status;
  std::string code;
  std::string message;
};

void send_error(httplib::Response& res, int status, std::string_view code,
                std::string_view message);
void send_refusal(httplib::Response& res, const core::Refusal& r);

template <class Doc>
void send_doc(httplib::Response& res, int status, const Doc& doc) {
  res.status = status;
  res.set_content(core::to_json(doc), "application/json");
}

// The body as a JSON object with only the `allowed` members. An empty body is an empty object
// when `optional_body` (e.g. revoke's optional reason). Throws HttpError.
rapidjson::Document parse_body(const httplib::Request& req,
                               std::initializer_list<std::string_view> allowed,
                               bool optional_body = false);

std::optional<std::string> opt_string(const rapidjson::Document& doc, std::string_view name,
                                      std::size_t max_len);
std::string req_string(const rapidjson::Document& doc, std::string_view name, std::size_t max_len);
std::optional<std::int64_t> opt_int(const rapidjson::Document& doc, std::string_view name);
std::optional<bool> opt_bool(const rapidjson::Document& doc, std::string_view name);
std::vector<std::string> opt_strings(const rapidjson::Document& doc, std::string_view name);

// "MOSTAG…-Z": enough for support to match a log line, too little to use.
std::string mask_key(std::string_view key);

}  // namespace licet::issuer::server
