#include "core/offline_requests.hpp"

#include <fmt/core.h>

#include "core/refusal.hpp"
#include "licet/common/json.hpp"
#include "licet/common/time.hpp"

namespace licet::issuer::core {
namespace {

[[noreturn]] void bad(const char* what, std::string message) {
  throw Refused(Code::bad_request, fmt::format("{}: {}", what, message));
}

rapidjson::Document parse(std::string_view text, const char* what) {
  json::Limits limits;
  limits.max_bytes = kMaxRequestFileBytes;
  limits.max_depth = 2;
  auto doc = json::parse_object(text, limits);
  if (!doc) bad(what, doc.error().message);
  return std::move(*doc);
}

std::optional<std::string> member(const rapidjson::Document& doc, const char* name, std::size_t max,
                                  bool required, const char* what) {
  const auto it = doc.FindMember(name);
  if (it == doc.MemberEnd()) {
    if (required) bad(what, fmt::format("no \"{}\"", name));
    return std::nullopt;
  }
  if (!it->value.IsString()) {
    bad(what, fmt::format("\"{}\" must be a string, not {}", name, json::type_name(it->value)));
  }
  std::string v(it->value.GetString(), it->value.GetStringLength());
  if (v.size() > max) bad(what, fmt::format("\"{}\" is longer than {} bytes", name, max));
  if (v.empty() && required) bad(what, fmt::format("\"{}\" is empty", name));
  if (v.empty()) return std::nullopt;
  return v;
}

void check_members(const rapidjson::Document& doc, std::initializer_list<std::string_view> known,
                   const char* what) {
  const rapidjson::Value& obj = doc;
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
    const std::string_view name(it->name.GetString(), it->name.GetStringLength());
    bool ok = false;
    for (auto k : known) ok = ok || k == name;
    if (!ok) bad(what, fmt::format("unknown member \"{}\"", name.substr(0, 40)));
  }
}

void check_type(const rapidjson::Document& doc, const char* type, int version, const char* what) {
  if (member(doc, "type", 64, true, what) != type) {
    bad(what, fmt::format("not a {} (type is not \"{}\")", what, type));
  }
  const auto v = doc.FindMember("version");
  if (v == doc.MemberEnd() || !v->value.IsInt()) bad(what, "no version number");
  if (v->value.GetInt() != version) {
    bad(what, fmt::format("version {} (this licet reads version {}{})", v->value.GetInt(), version,
                          v->value.GetInt() < version
                              ? "; make a new request with licet-verify 0.2 or later"
                              : "; upgrade licet"));
  }
}

}  // namespace

ActivationRequest parse_activation_request(std::string_view text) {
  const char* what = "activation request";
  const auto doc = parse(text, what);
  check_type(doc, "licet-activation-request", 2, what);
  check_members(doc,
                {"type", "version", "license_key", "device_id", "device_key", "product", "app",
                 "hostname", "os", "device_name", "created"},
                what);
  ActivationRequest r;
  r.via = ActivationRequest::Via::offline;
  r.license_key = *member(doc, "license_key", 128, true, what);
  r.device_id = *member(doc, "device_id", 256, true, what);
  r.device_key = member(doc, "device_key", 256, true, what);
  r.product = member(doc, "product", 256, true, what);
  r.app = member(doc, "app", 256, true, what);
  r.hostname = member(doc, "hostname", 256, false, what);
  r.os = member(doc, "os", 256, false, what);
  r.device_name = member(doc, "device_name", 256, false, what);
  if (!parse_rfc3339(*member(doc, "created", 64, true, what))) {
    bad(what, "\"created\" is not an RFC 3339 time");
  }
  return r;
}

std::string parse_deactivation_request(std::string_view text) {
  const char* what = "deactivation request";
  const auto doc = parse(text, what);
  check_type(doc, "licet-deactivation-request", 1, what);
  check_members(doc, {"type", "version", "request_token"}, what);
  return *member(doc, "request_token", 8192, true, what);
}

}  // namespace licet::issuer::core
