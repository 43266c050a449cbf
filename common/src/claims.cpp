#include "licet/common/claims.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <set>

#include "licet/common/claims_canonical.hpp"
#include "licet/common/device_id_rule.hpp"
#include "licet/common/json.hpp"
#include "licet/common/license_key.hpp"

namespace licet {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void put(Writer& w, std::string_view name, std::string_view value) {
  // Explicit lengths: a meta name may contain NUL ("\u0000" in the JSON), which c_str() would cut.
  w.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void put_time(Writer& w, const char* name, UnixTime t) {
  put(w, name, format_rfc3339(t));
}

Error bad(std::string_view claim, std::string_view problem) {
  return make_error(ErrorCode::malformed,
                    "claim \"" + std::string(claim) + "\" " + std::string(problem));
}

bool printable_ascii(std::string_view s) {
  for (char c : s) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

// Field readers: each returns an empty optional Error on success.
class Reader {
 public:
  explicit Reader(const rapidjson::Value& obj) : obj_(obj) {}

  const rapidjson::Value* find(const char* name) const {
    auto it = obj_.FindMember(name);
    return it == obj_.MemberEnd() ? nullptr : &it->value;
  }

  std::optional<Error> string(const char* name, std::string& out, bool required) const {
    const auto* v = find(name);
    if (v == nullptr) return required ? std::optional(bad(name, "is missing")) : std::nullopt;
    if (!v->IsString())
      return bad(name, "must be a string, not " + std::string(json::type_name(*v)));
    out.assign(v->GetString(), v->GetStringLength());
    return std::nullopt;
  }

  std::optional<Error> integer(const char* name, std::int64_t& out, bool required) const {
    const auto* v = find(name);
    if (v == nullptr) return required ? std::optional(bad(name, "is missing")) : std::nullopt;
    if (!v->IsInt64()) return bad(name, "must be an integer");
    out = v->GetInt64();
    return std::nullopt;
  }

  std::optional<Error> time(const char* name, std::optional<UnixTime>& out, bool required) const {
    std::string text;
    bool present = find(name) != nullptr;
    if (auto e = string(name, text, required)) return e;
    if (!present) return std::nullopt;
    auto t = parse_rfc3339(text);
    if (!t) return bad(name, "is not an RFC 3339 date-time");
    out = *t;
    return std::nullopt;
  }

  std::optional<Error> string_array(const char* name, std::optional<std::vector<std::string>>& out,
                                    std::size_t max_items) const {
    const auto* v = find(name);
    if (v == nullptr) return std::nullopt;
    if (!v->IsArray()) return bad(name, "must be an array of strings");
    if (v->Size() > max_items)
      return bad(name, "has more than " + std::to_string(max_items) + " items");
    std::vector<std::string> items;
    for (const auto& item : v->GetArray()) {
      if (!item.IsString()) return bad(name, "must contain only strings");
      items.emplace_back(item.GetString(), item.GetStringLength());
    }
    out = std::move(items);
    return std::nullopt;
  }

 private:
  const rapidjson::Value& obj_;
};

}  // namespace

std::string claims_to_json(const Claims& c) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  put(w, "iss", c.iss);
  put(w, "sub", c.sub);
  put(w, "aud", c.aud);
  put(w, "jti", c.jti);
  put(w, "lic", c.lic);
  w.Key("rev");
  w.Int64(c.rev);
  put_time(w, "iat", c.iat);
  if (c.nbf) put_time(w, "nbf", *c.nbf);
  if (c.exp) put_time(w, "exp", *c.exp);
  w.Key("seats");
  w.Int64(c.seats);
  if (c.devices) {
    w.Key("devices");
    w.StartArray();
    for (const auto& d : *c.devices) w.String(d.data(), static_cast<rapidjson::SizeType>(d.size()));
    w.EndArray();
  }
  if (!c.features.empty()) {
    w.Key("features");
    w.StartArray();
    for (const auto& f : c.features) w.String(f.data(), static_cast<rapidjson::SizeType>(f.size()));
    w.EndArray();
  }
  if (c.maint) put_time(w, "maint", *c.maint);
  if (c.sync) {
    w.Key("sync");
    w.StartObject();
    put(w, "url", c.sync->url);
    w.Key("max_age");
    w.Int64(c.sync->max_age);
    w.EndObject();
  }
  if (!c.meta.empty()) {
    w.Key("meta");
    w.StartObject();
    for (const auto& [k, v] : c.meta) put(w, k, v);
    w.EndObject();
  }
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

Result<Claims> claims_from_json(std::string_view text) {
  // Licenses minted by licet are read without building a JSON document; anything else, and every
  // refusal, goes through the strict reader (common/include/licet/common/claims_canonical.hpp).
  if (auto canonical = detail::read_canonical_claims(text)) return std::move(*canonical);
  return detail::read_claims_strict(text);
}

Result<Claims> detail::read_claims_strict(std::string_view text) {
  auto doc = json::parse_object(text, {ClaimLimits::kMaxPayloadBytes, 4});
  if (!doc) return std::move(doc).error();
  const Reader r(*doc);
  Claims c;
  std::optional<UnixTime> iat;
  std::optional<std::vector<std::string>> features;
  for (auto e :
       {r.string("iss", c.iss, true), r.string("sub", c.sub, true), r.string("aud", c.aud, true),
        r.string("jti", c.jti, true), r.string("lic", c.lic, true), r.integer("rev", c.rev, true),
        r.time("iat", iat, true), r.time("nbf", c.nbf, false), r.time("exp", c.exp, false),
        r.integer("seats", c.seats, true), r.string_array("devices", c.devices, 4096),
        r.string_array("features", features, ClaimLimits::kMaxFeatures),
        r.time("maint", c.maint, false)}) {
    if (e) return *e;
  }
  c.iat = *iat;
  if (features) c.features = std::move(*features);
  if (const auto* sync = r.find("sync")) {
    if (!sync->IsObject()) return bad("sync", "must be an object");
    const Reader sr(*sync);
    SyncPolicy policy;
    if (auto e = sr.string("url", policy.url, true)) return bad("sync", "needs a string \"url\"");
    if (auto e = sr.integer("max_age", policy.max_age, true)) {
      return bad("sync", "needs an integer \"max_age\"");
    }
    c.sync = std::move(policy);
  }
  if (const auto* meta = r.find("meta")) {
    if (!meta->IsObject()) return bad("meta", "must be an object of strings");
    for (auto it = meta->MemberBegin(); it != meta->MemberEnd(); ++it) {
      if (!it->value.IsString()) return bad("meta", "must contain only string values");
      c.meta.emplace(std::string(it->name.GetString(), it->name.GetStringLength()),
                     std::string(it->value.GetString(), it->value.GetStringLength()));
    }
  }
  if (auto st = validate_claims(c); !st) return st.error();
  return c;
}

Status validate_claims(const Claims& c) {
  const std::pair<const char*, const std::string*> strings[] = {
      {"iss", &c.iss}, {"sub", &c.sub}, {"aud", &c.aud}, {"jti", &c.jti}};
  for (const auto& [name, value] : strings) {
    if (value->empty()) return bad(name, "is empty");
    if (value->size() > ClaimLimits::kMaxStringBytes) return bad(name, "is longer than 256 bytes");
  }
  if (!license_key::is_canonical(c.lic)) {
    auto key = license_key::normalize(c.lic);
    if (!key) return bad("lic", "is not a license key: " + key.error().message);
    return bad("lic", "is not in canonical form");
  }
  if (c.rev < 1) return bad("rev", "must be at least 1");
  if (c.seats < 1 || c.seats > ClaimLimits::kMaxSeats) return bad("seats", "must be 1..10000");
  const std::pair<const char*, std::optional<UnixTime>> times[] = {
      {"iat", c.iat}, {"nbf", c.nbf}, {"exp", c.exp}, {"maint", c.maint}};
  for (const auto& [name, t] : times) {
    if (t && (*t < kMinTime || *t > kMaxTime)) return bad(name, "is out of range");
  }
  if (c.devices) {
    if (static_cast<std::int64_t>(c.devices->size()) > c.seats) {
      return bad("devices", "lists more devices than seats");
    }
    // Pairwise for the usual handful of devices (no allocation on every license check).
    const auto& devices = *c.devices;
    const bool small = devices.size() <= 32;
    std::set<std::string_view> seen;
    for (std::size_t i = 0; i < devices.size(); ++i) {
      const std::string& d = devices[i];
      if (auto why = device_id_rule::invalid_reason(d); !why.empty()) {
        return bad("devices", "contains an invalid device ID: " + why);
      }
      const bool twice =
          small ? std::find(devices.begin(), devices.begin() + static_cast<std::ptrdiff_t>(i), d) !=
                      devices.begin() + static_cast<std::ptrdiff_t>(i)
                : !seen.insert(d).second;
      if (twice) return bad("devices", "lists the device " + d + " twice");
    }
  }
  if (c.features.size() > ClaimLimits::kMaxFeatures) return bad("features", "has too many items");
  for (const auto& f : c.features) {
    if (f.empty() || f.size() > ClaimLimits::kMaxStringBytes) {
      return bad("features", "contains an empty or overlong feature");
    }
  }
  if (c.sync) {
    const auto& url = c.sync->url;
    if (url.empty() || url.size() > ClaimLimits::kMaxUrlBytes ||
        !(url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0) || !printable_ascii(url)) {
      return bad("sync", "url must be an http(s) URL");
    }
    if (c.sync->max_age < 0 || c.sync->max_age > 10LL * 366 * 86400) {
      return bad("sync", "max_age must be 0..10 years in seconds");
    }
  }
  if (c.meta.size() > ClaimLimits::kMaxMetaEntries) return bad("meta", "has more than 64 entries");
  for (const auto& [k, v] : c.meta) {
    if (k.empty() || k.size() > ClaimLimits::kMaxStringBytes ||
        v.size() > ClaimLimits::kMaxMetaValueBytes) {
      return bad("meta", "has an empty or overlong name, or an overlong value");
    }
  }
  return {};
}

}  // namespace licet
