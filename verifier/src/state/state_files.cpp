#include "state/state_files.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <initializer_list>
#include <optional>

#include "licet/common/base64.hpp"
#include "licet/common/json.hpp"
#include "licet/common/sodium_init.hpp"

namespace licet::detail {
namespace {

constexpr std::string_view kKeyContext = "licet state key v1";
constexpr std::string_view kClockName = "clock.json";
constexpr std::string_view kFeedMetaName = "revocations.json";

void absorb(crypto_generichash_state& st, std::string_view bytes) {
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(bytes.data()),
                            bytes.size());
}

// BLAKE2b-256 keyed with `key` over the fields as netstrings ("<length>:<bytes>,"), so no two
// field lists share an encoding.
std::array<unsigned char, crypto_generichash_BYTES> mac_of(
    const StateKey& key, std::initializer_list<std::string_view> fields) {
  std::array<unsigned char, crypto_generichash_BYTES> out{};
  crypto_generichash_state st;
  crypto_generichash_init(&st, key.data(), key.size(), out.size());
  for (std::string_view f : fields) {
    absorb(st, std::to_string(f.size()));
    absorb(st, ":");
    absorb(st, f);
    absorb(st, ",");
  }
  crypto_generichash_final(&st, out.data(), out.size());
  return out;
}

std::string encode(const unsigned char* bytes, std::size_t size) {
  return b64url_encode(reinterpret_cast<const std::uint8_t*>(bytes), size);
}

Error bad(std::string why) {
  return make_error(ErrorCode::malformed, std::move(why));
}

// Exactly these members, in any order (the MAC covers only what the format defines).
std::string unexpected_member(const rapidjson::Value& doc,
                              std::initializer_list<std::string_view> names) {
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
    const std::string_view name(it->name.GetString(), it->name.GetStringLength());
    bool known = false;
    for (std::string_view n : names) known = known || n == name;
    if (!known) return "unknown member \"" + std::string(name) + "\"";
  }
  for (std::string_view n : names) {
    if (!doc.HasMember(rapidjson::StringRef(n.data(), n.size()))) {
      return "missing member \"" + std::string(n) + "\"";
    }
  }
  return {};
}

// The "v" member: 2, or a message for version 1 (written before the files carried a MAC).
std::string version_problem(const rapidjson::Value& doc) {
  const auto& v = doc["v"];
  if (v.IsInt() && v.GetInt() == 2) return {};
  if (v.IsInt() && v.GetInt() == 1) return "version 1, written by an older licet without a MAC";
  return "unknown version \"v\"";
}

std::optional<std::array<unsigned char, 32>> bytes32(const rapidjson::Value& v) {
  if (!v.IsString()) return std::nullopt;
  auto decoded = b64url_decode(std::string_view(v.GetString(), v.GetStringLength()));
  if (!decoded || decoded->size() != 32) return std::nullopt;
  std::array<unsigned char, 32> out{};
  std::copy(decoded->begin(), decoded->end(), out.begin());
  return out;
}

bool in_time_range(const rapidjson::Value& v) {
  return v.IsInt64() && v.GetInt64() >= kMinTime && v.GetInt64() <= kMaxTime;
}

std::string_view text_of(const rapidjson::Value& v) {
  return {v.GetString(), v.GetStringLength()};
}

const char* const kMacMismatch =
    "its MAC does not match: the file was edited, or comes from another machine, application or "
    "state directory";

}  // namespace

StateKey derive_state_key(const StateSecret& secret, std::string_view app_id,
                          std::string_view machine) {
  ensure_sodium();
  StateKey key{};
  crypto_generichash_state st;
  crypto_generichash_init(&st, secret.data(), secret.size(), key.size());
  absorb(st, kKeyContext);
  absorb(st, std::string_view("\0", 1));
  absorb(st, app_id);
  absorb(st, std::string_view("\0", 1));
  absorb(st, machine);
  crypto_generichash_final(&st, key.data(), key.size());
  return key;
}

std::string format_clock_state(const ClockState& state, const StateKey& key) {
  const std::string seen = std::to_string(state.last_seen);
  const std::string feed = std::to_string(state.feed);
  const auto mac = mac_of(key, {kClockName, seen, feed});
  return "{\"v\":2,\"secret\":\"" + encode(state.secret.data(), state.secret.size()) +
         "\",\"last_seen\":" + seen + ",\"feed\":" + feed + ",\"mac\":\"" +
         encode(mac.data(), mac.size()) + "\"}\n";
}

Result<ClockState> parse_clock_state(std::string_view text, const KeyForSecret& key_for) {
  auto doc = json::parse_object(text, {kMaxClockStateBytes, 1});
  if (!doc) return std::move(doc).error();
  const rapidjson::Value& fields = *doc;
  if (fields.HasMember("v")) {
    if (auto why = version_problem(fields); !why.empty()) return bad(why);
  }
  if (auto why = unexpected_member(fields, {"v", "secret", "last_seen", "feed", "mac"});
      !why.empty()) {
    return bad(why);
  }
  const auto secret = bytes32(fields["secret"]);
  if (!secret) return bad("\"secret\" is not 32 bytes of base64url");
  if (!in_time_range(fields["last_seen"])) return bad("\"last_seen\" is not a Unix time");
  if (!fields["feed"].IsUint64()) return bad("\"feed\" is not a feed sequence");
  const auto mac = bytes32(fields["mac"]);
  if (!mac) return bad("\"mac\" is not 32 bytes of base64url");
  ClockState state;
  state.secret = *secret;
  state.last_seen = fields["last_seen"].GetInt64();
  state.feed = fields["feed"].GetUint64();
  const auto expected = mac_of(key_for(state.secret), {kClockName, std::to_string(state.last_seen),
                                                       std::to_string(state.feed)});
  if (sodium_memcmp(expected.data(), mac->data(), expected.size()) != 0) return bad(kMacMismatch);
  return state;
}

bool storable_text(std::string_view text) {
  for (char c : text) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

std::string format_feed_meta(const FeedMeta& meta, const StateKey& key) {
  const std::string seq = std::to_string(meta.sequence);
  const std::string at = std::to_string(meta.verified_at);
  const auto mac = mac_of(key, {kFeedMetaName, seq, at, meta.url, meta.etag});
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("v");
  w.Int(2);
  w.Key("sequence");
  w.Uint64(meta.sequence);
  w.Key("verified_at");
  w.Int64(meta.verified_at);
  w.Key("url");
  w.String(meta.url.data(), static_cast<rapidjson::SizeType>(meta.url.size()));
  w.Key("etag");
  w.String(meta.etag.data(), static_cast<rapidjson::SizeType>(meta.etag.size()));
  w.Key("mac");
  const std::string mac_text = encode(mac.data(), mac.size());
  w.String(mac_text.data(), static_cast<rapidjson::SizeType>(mac_text.size()));
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize()) + "\n";
}

Result<FeedMeta> parse_feed_meta(std::string_view text, const StateKey& key) {
  auto doc = json::parse_object(text, {kMaxFeedMetaBytes, 1});
  if (!doc) return std::move(doc).error();
  const rapidjson::Value& fields = *doc;
  if (fields.HasMember("v")) {
    if (auto why = version_problem(fields); !why.empty()) return bad(why);
  }
  if (auto why = unexpected_member(fields, {"v", "sequence", "verified_at", "url", "etag", "mac"});
      !why.empty()) {
    return bad(why);
  }
  const auto& seq = fields["sequence"];
  if (!seq.IsUint64() || seq.GetUint64() == 0) return bad("\"sequence\" is not a feed sequence");
  if (!in_time_range(fields["verified_at"])) return bad("\"verified_at\" is not a Unix time");
  if (!fields["url"].IsString()) return bad("\"url\" is not a string");
  if (!fields["etag"].IsString()) return bad("\"etag\" is not a string");
  const auto mac = bytes32(fields["mac"]);
  if (!mac) return bad("\"mac\" is not 32 bytes of base64url");
  FeedMeta meta;
  meta.sequence = seq.GetUint64();
  meta.verified_at = fields["verified_at"].GetInt64();
  meta.url = std::string(text_of(fields["url"]));
  meta.etag = std::string(text_of(fields["etag"]));
  const auto expected = mac_of(key, {kFeedMetaName, std::to_string(meta.sequence),
                                     std::to_string(meta.verified_at), meta.url, meta.etag});
  if (sodium_memcmp(expected.data(), mac->data(), expected.size()) != 0) return bad(kMacMismatch);
  return meta;
}

}  // namespace licet::detail
