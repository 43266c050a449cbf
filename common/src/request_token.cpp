#include "licet/common/request_token.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sodium.h>

#include <array>
#include <cctype>

#include "licet/common/base64.hpp"
#include "licet/common/device_id_rule.hpp"
#include "licet/common/json.hpp"
#include "licet/common/license_key.hpp"
#include "licet/common/paseto.hpp"
#include "licet/common/sodium_init.hpp"

namespace licet::request_token {
namespace {

constexpr std::size_t kJtiBytes = 16;
constexpr std::size_t kPidDigestBytes = 33;
constexpr std::string_view kPidPrefix = "k4.pid.";
constexpr std::size_t kMaxFooterBytes = 1024;
constexpr std::size_t kMaxPayloadBytes = 4096;
constexpr std::size_t kMaxAudBytes = 2048;
constexpr std::string_view kActions[] = {kDeactivate, kLeaseCheckout, kLeaseRenew, kLeaseRelease};

Error malformed(std::string message) {
  return make_error(ErrorCode::malformed, "request token: " + std::move(message));
}

bool is_pid(std::string_view text) {
  if (text.substr(0, kPidPrefix.size()) != kPidPrefix) return false;
  auto digest = b64url_decode(text.substr(kPidPrefix.size()));
  return digest && digest->size() == kPidDigestBytes;
}

// {"kid":"k4.pid.…"}: strict JSON, depth 1; other members are refused (licet writes only kid).
Result<std::string> footer_kid(std::string_view footer) {
  if (footer.empty()) return malformed("no footer naming the device key");
  if (footer.size() > kMaxFooterBytes) return malformed("footer is larger than 1 KiB");
  auto doc = json::parse_object(footer, {kMaxFooterBytes, 1});
  if (!doc) return malformed("footer: " + doc.error().message);
  const rapidjson::Value& fields = *doc;
  const auto kid = fields.FindMember("kid");
  if (kid == fields.MemberEnd() || !kid->value.IsString()) {
    return malformed("footer has no string \"kid\"");
  }
  if (fields.MemberCount() != 1) return malformed("footer has members other than \"kid\"");
  std::string pid(kid->value.GetString(), kid->value.GetStringLength());
  if (!is_pid(pid)) return malformed("footer \"kid\" is not a k4.pid");
  return pid;
}

Result<std::string> string_claim(const rapidjson::Value& fields, const char* name) {
  const auto it = fields.FindMember(name);
  if (it == fields.MemberEnd()) {
    return malformed("claim \"" + std::string(name) + "\" is missing");
  }
  if (!it->value.IsString()) {
    return malformed("claim \"" + std::string(name) + "\" must be a string, not " +
                     std::string(json::type_name(it->value)));
  }
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

Result<UnixTime> time_claim(const rapidjson::Value& fields, const char* name) {
  auto text = string_claim(fields, name);
  if (!text) return std::move(text).error();
  const auto t = parse_rfc3339(*text);
  if (!t || *t < kMinTime || *t > kMaxTime) {
    return malformed("claim \"" + std::string(name) + "\" is not an RFC 3339 date-time");
  }
  return *t;
}

// Every claim's syntax; the checks that need the caller's expectations are in verify().
Status validate(const Claims& c) {
  if (!license_key::is_canonical(c.lic)) {
    return malformed("claim \"lic\" is not a license key in canonical form");
  }
  if (auto why = device_id_rule::invalid_reason(c.dev); !why.empty()) {
    return malformed("claim \"dev\" is not a device ID: " + why);
  }
  bool known = false;
  for (auto a : kActions) known = known || c.act == a;
  if (!known) return malformed("claim \"act\" names an unknown action '" + c.act + "'");
  if (c.aud.empty() || c.aud.size() > kMaxAudBytes ||
      (c.aud != kOfflineAudience && origin_of(c.aud) != c.aud)) {
    return malformed("claim \"aud\" must be a server origin (scheme://host[:port]) or \"offline\"");
  }
  auto jti = b64url_decode(c.jti);
  if (!jti || jti->size() != kJtiBytes) {
    return malformed("claim \"jti\" must be 16 bytes in base64url");
  }
  if (c.exp <= c.iat) return malformed("claim \"exp\" is not after \"iat\"");
  return {};
}

Result<Claims> claims_from_payload(std::string_view payload) {
  auto doc = json::parse_object(payload, {kMaxPayloadBytes, 1});
  if (!doc) return malformed("claims: " + doc.error().message);
  const rapidjson::Value& fields = *doc;
  Claims c;
  std::string* strings[] = {&c.lic, &c.dev, &c.act, &c.aud, &c.jti};
  const char* names[] = {"lic", "dev", "act", "aud", "jti"};
  for (std::size_t i = 0; i < 5; ++i) {
    auto v = string_claim(fields, names[i]);
    if (!v) return std::move(v).error();
    *strings[i] = std::move(*v);
  }
  auto iat = time_claim(fields, "iat");
  if (!iat) return std::move(iat).error();
  auto exp = time_claim(fields, "exp");
  if (!exp) return std::move(exp).error();
  c.iat = *iat;
  c.exp = *exp;
  if (auto st = validate(c); !st) return st.error();
  return c;
}

std::string claims_json(const Claims& c, const std::string& jti) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  auto put = [&w](const char* k, std::string_view v) {
    w.Key(k);
    w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
  };
  w.StartObject();
  put("lic", c.lic);
  put("dev", c.dev);
  put("act", c.act);
  put("aud", c.aud);
  put("iat", format_rfc3339(c.iat));
  put("exp", format_rfc3339(c.exp));
  put("jti", jti);
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

std::string footer_for(const PublicKey& key) {
  return "{\"kid\":\"" + key_pid(key) + "\"}";
}

}  // namespace

std::string key_pid(const PublicKey& key) {
  ensure_sodium();
  // PASERK k4.pid: BLAKE2b-264("k4.pid." || "k4.public." || base64url(pk)).
  const std::string input =
      std::string(kPidPrefix) + "k4.public." + b64url_encode(key.bytes.data(), key.bytes.size());
  std::array<std::uint8_t, kPidDigestBytes> digest{};
  crypto_generichash(digest.data(), digest.size(),
                     reinterpret_cast<const std::uint8_t*>(input.data()), input.size(), nullptr, 0);
  return std::string(kPidPrefix) + b64url_encode(digest.data(), digest.size());
}

std::string new_jti() {
  ensure_sodium();
  std::array<std::uint8_t, kJtiBytes> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  return b64url_encode(bytes.data(), bytes.size());
}

std::string sign(const Claims& claims, const SecretKey& device_key) {
  const std::string jti = claims.jti.empty() ? new_jti() : claims.jti;
  return paseto::sign(claims_json(claims, jti), device_key, footer_for(device_key.public_key()));
}

Result<std::string> peek_kid(std::string_view token) {
  auto parsed = paseto::parse(token);
  if (!parsed) return malformed(parsed.error().message);
  return footer_kid(parsed->footer);
}

Result<Claims> peek(std::string_view token) {
  auto parsed = paseto::parse(token);
  if (!parsed) return malformed(parsed.error().message);
  if (auto kid = footer_kid(parsed->footer); !kid) return std::move(kid).error();
  return claims_from_payload(parsed->payload);
}

Result<Claims> verify(std::string_view token, const PublicKey& device_key,
                      std::string_view expected_aud, std::string_view expected_act, UnixTime now,
                      std::int64_t max_lifetime, std::int64_t tolerance) {
  auto parsed = paseto::parse(token);
  if (!parsed) return malformed(parsed.error().message);
  auto kid = footer_kid(parsed->footer);
  if (!kid) return std::move(kid).error();
  const std::string expected_kid = key_pid(device_key);
  if (*kid != expected_kid) {
    return make_error(ErrorCode::bad_signature, "request token: signed by key " + *kid +
                                                    ", not by this device's key " + expected_kid);
  }
  if (auto st = paseto::verify_signature(*parsed, device_key); !st) {
    return make_error(ErrorCode::bad_signature,
                      "request token: the signature does not verify with this device's key");
  }
  auto claims = claims_from_payload(parsed->payload);
  if (!claims) return std::move(claims).error();
  if (claims->act != expected_act) {
    return malformed("it authorizes '" + claims->act + "', not '" + std::string(expected_act) +
                     "'");
  }
  if (claims->aud != expected_aud) {
    return malformed("it is meant for '" + claims->aud + "', not '" + std::string(expected_aud) +
                     "'");
  }
  if (claims->exp - claims->iat > max_lifetime) {
    return malformed("its lifetime (" + std::to_string(claims->exp - claims->iat) +
                     " s) exceeds the " + std::to_string(max_lifetime) + " s allowed");
  }
  if (claims->exp < now - tolerance) {
    return make_error(ErrorCode::expired,
                      "request token: expired at " + format_rfc3339(claims->exp));
  }
  if (claims->iat > now + tolerance) {
    return malformed("it was issued at " + format_rfc3339(claims->iat) +
                     ", in the future (the device's clock is ahead, or the token is forged)");
  }
  return std::move(*claims);
}

std::string origin_of(std::string_view url) {
  const auto sep = url.find("://");
  if (sep == std::string_view::npos) return {};
  std::string scheme(url.substr(0, sep));
  for (auto& ch : scheme) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (scheme != "http" && scheme != "https") return {};
  std::string_view rest = url.substr(sep + 3);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    authority = authority.substr(at + 1);
  }
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {  // IPv6 literal
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return {};
    host = authority.substr(0, close + 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return {};
      port = after.substr(1);
    }
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return {};
  for (char ch : host) {
    if (static_cast<unsigned char>(ch) <= 0x20 || static_cast<unsigned char>(ch) >= 0x7F) {
      return {};
    }
  }
  for (char ch : port) {
    if (ch < '0' || ch > '9') return {};
  }
  // Leading zeros and the default port name the same origin as no port at all.
  if (!port.empty()) {
    const auto first_digit = port.find_first_not_of('0');
    if (first_digit == std::string_view::npos) return {};  // port 0
    port = port.substr(first_digit);
  }
  if (port.size() > 5 || (!port.empty() && std::stoi(std::string(port)) > 65535)) return {};
  if ((scheme == "http" && port == "80") || (scheme == "https" && port == "443")) port = {};
  std::string out = scheme + "://";
  for (char ch : host) out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (!port.empty()) out += ":" + std::string(port);
  return out;
}

}  // namespace licet::request_token
