#include "server/http_util.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "licet/common/json.hpp"
#include "output.hpp"

namespace licet::issuer::server {

void send_json(httplib::Response& res, int status, std::string body) {
  res.status = status;
  res.set_content(std::move(body), "application/json");
}

void send_error(httplib::Response& res, const HttpError& e) {
  send_json(res, e.status,
            "{\"error\":" + json_string(e.code) + ",\"message\":" + json_string(e.message) + "}");
}

rapidjson::Document parse_body(const httplib::Request& req,
                               std::initializer_list<std::string_view> allowed) {
  const std::string type = req.get_header_value("Content-Type");
  const std::string_view media = std::string_view(type).substr(0, type.find(';'));
  if (media != "application/json") {
    throw HttpError{415, "unsupported_media_type",
                    "Content-Type must be application/json" +
                        (type.empty() ? std::string(" (none was sent)") : " (got " + type + ")")};
  }
  if (req.body.size() > kMaxBody) {
    throw HttpError{413, "payload_too_large",
                    "the body is larger than " + std::to_string(kMaxBody) + " bytes"};
  }
  auto doc = json::parse_object(req.body, json::Limits{kMaxBody, 4});
  if (!doc) throw HttpError{400, "bad_request", "invalid JSON body: " + doc.error().message};
  // Through a const reference: clang 14 finds rapidjson's non-const iterator == ambiguous.
  const rapidjson::Document& members = *doc;
  for (const auto& m : members.GetObject()) {
    const std::string_view name(m.name.GetString(), m.name.GetStringLength());
    bool known = false;
    for (auto a : allowed) known = known || a == name;
    if (!known) throw HttpError{400, "bad_request", "unknown member \"" + std::string(name) + "\""};
  }
  return std::move(*doc);
}

std::optional<std::string> opt_string(const rapidjson::Document& doc, std::string_view name,
                                      std::size_t max_len) {
  const auto it = doc.FindMember(rapidjson::Value(
      rapidjson::StringRef(name.data(), static_cast<rapidjson::SizeType>(name.size()))));
  if (it == doc.MemberEnd()) return std::nullopt;
  const std::string n(name);
  if (!it->value.IsString()) {
    throw HttpError{400, "bad_request",
                    n + ": expected a string, got " + std::string(json::type_name(it->value))};
  }
  std::string s(it->value.GetString(), it->value.GetStringLength());
  if (s.empty()) throw HttpError{400, "bad_request", n + ": must not be empty"};
  if (s.size() > max_len) {
    throw HttpError{400, "bad_request", n + ": longer than " + std::to_string(max_len) + " bytes"};
  }
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) throw HttpError{400, "bad_request", n + ": control character"};
  }
  return s;
}

std::string req_string(const rapidjson::Document& doc, std::string_view name, std::size_t max_len) {
  auto s = opt_string(doc, name, max_len);
  if (!s) throw HttpError{400, "bad_request", std::string(name) + ": missing"};
  return *s;
}

std::string mask_key(std::string_view key) {
  if (key.size() <= 8) return "…";
  return std::string(key.substr(0, 6)) + "…" + std::string(key.substr(key.size() - 1));
}

std::string mask_path(std::string_view path) {
  std::string out;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const auto seg = path.substr(start, end - start);
    out += seg.size() > 16 ? mask_key(seg) : std::string(seg);
    if (end == path.size()) break;
    out += '/';
    start = end + 1;
  }
  return out.size() > 200 ? out.substr(0, 200) + "…" : out;
}

}  // namespace licet::issuer::server
