#include "server/http_json.hpp"

#include "licet/common/json.hpp"
#include "server/statuses.hpp"

namespace licet::issuer::server {
namespace {

const rapidjson::Value* find(const rapidjson::Document& doc, std::string_view name) {
  const auto it = doc.FindMember(rapidjson::Value(
      rapidjson::StringRef(name.data(), static_cast<rapidjson::SizeType>(name.size()))));
  return it == doc.MemberEnd() ? nullptr : &it->value;
}

[[noreturn]] void bad(std::string message) {
  throw HttpError{400, "bad_request", std::move(message)};
}

}  // namespace

namespace {

struct ErrorBody {
  std::string error;
  std::string message;
  const std::vector<std::string>* details = nullptr;
  template <class A>
  void save(A& ar) const {
    ar(cereal::make_nvp("error", error), cereal::make_nvp("message", message));
    if (details != nullptr && !details->empty()) ar(cereal::make_nvp("details", *details));
  }
};

}  // namespace

void send_error(httplib::Response& res, int status, std::string_view code,
                std::string_view message) {
  send_doc(res, status, ErrorBody{std::string(code), std::string(message)});
}

void send_refusal(httplib::Response& res, const core::Refusal& r) {
  send_doc(res, http_status_for(r.code),
           ErrorBody{std::string(core::to_string(r.code)), r.message, &r.details});
}

rapidjson::Document parse_body(const httplib::Request& req,
                               std::initializer_list<std::string_view> allowed,
                               bool optional_body) {
  if (optional_body && req.body.empty()) {
    rapidjson::Document d;
    d.SetObject();
    return d;
  }
  const std::string type = req.get_header_value("Content-Type");
  const std::string_view media = std::string_view(type).substr(0, type.find(';'));
  if (media != "application/json") {
    throw HttpError{
        415, "unsupported_media_type",
        "Content-Type must be application/json" +
            (type.empty() ? std::string(" (none was sent)") : " (got " + type.substr(0, 80) + ")")};
  }
  if (req.body.size() > kMaxBody) {
    throw HttpError{413, "payload_too_large",
                    "the body is larger than " + std::to_string(kMaxBody) + " bytes"};
  }
  auto doc = json::parse_object(req.body, json::Limits{kMaxBody, 4});
  if (!doc) bad("invalid JSON body: " + doc.error().message);
  const rapidjson::Document& members = *doc;
  for (const auto& m : members.GetObject()) {
    const std::string_view name(m.name.GetString(), m.name.GetStringLength());
    bool known = false;
    for (auto a : allowed) known = known || a == name;
    if (!known) bad("unknown member \"" + std::string(name.substr(0, 40)) + "\"");
  }
  return std::move(*doc);
}

std::optional<std::string> opt_string(const rapidjson::Document& doc, std::string_view name,
                                      std::size_t max_len) {
  const auto* v = find(doc, name);
  if (v == nullptr || v->IsNull()) return std::nullopt;
  const std::string n(name);
  if (!v->IsString()) bad(n + ": expected a string, got " + std::string(json::type_name(*v)));
  std::string s(v->GetString(), v->GetStringLength());
  if (s.size() > max_len) bad(n + ": longer than " + std::to_string(max_len) + " bytes");
  return s;
}

std::string req_string(const rapidjson::Document& doc, std::string_view name, std::size_t max_len) {
  auto s = opt_string(doc, name, max_len);
  if (!s || s->empty()) bad(std::string(name) + ": missing");
  return *s;
}

std::optional<std::int64_t> opt_int(const rapidjson::Document& doc, std::string_view name) {
  const auto* v = find(doc, name);
  if (v == nullptr || v->IsNull()) return std::nullopt;
  if (!v->IsInt64()) bad(std::string(name) + ": expected a whole number");
  return v->GetInt64();
}

std::optional<bool> opt_bool(const rapidjson::Document& doc, std::string_view name) {
  const auto* v = find(doc, name);
  if (v == nullptr || v->IsNull()) return std::nullopt;
  if (!v->IsBool()) bad(std::string(name) + ": expected true or false");
  return v->GetBool();
}

std::vector<std::string> opt_strings(const rapidjson::Document& doc, std::string_view name) {
  const auto* v = find(doc, name);
  std::vector<std::string> out;
  if (v == nullptr || v->IsNull()) return out;
  if (!v->IsArray()) bad(std::string(name) + ": expected an array of strings");
  for (const auto& item : v->GetArray()) {
    if (!item.IsString()) bad(std::string(name) + ": expected an array of strings");
    out.emplace_back(item.GetString(), item.GetStringLength());
  }
  return out;
}

std::string mask_key(std::string_view key) {
  if (key.size() <= 8) return "…";
  return std::string(key.substr(0, 6)) + "…" + std::string(key.substr(key.size() - 1));
}

}  // namespace licet::issuer::server
