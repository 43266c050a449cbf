// Helpers shared by the common/ and keys/ tests: vector files, hex, a fixed signing key.
#pragma once

#include <rapidjson/document.h>
#include <sodium.h>

#include <cstdint>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "licet/common/claims.hpp"
#include "licet/common/key_types.hpp"
#include "licet/common/license_key.hpp"

namespace licet::test {

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::vector<std::uint8_t> hex(std::string_view text) {
  if (text.size() % 2 != 0) throw std::runtime_error("odd hex length");
  std::vector<std::uint8_t> out(text.size() / 2);
  std::size_t len = 0;
  if (sodium_hex2bin(out.data(), out.size(), text.data(), text.size(), nullptr, &len, nullptr) !=
          0 ||
      len != out.size()) {
    throw std::runtime_error("bad hex");
  }
  return out;
}

inline std::string as_string(const std::vector<std::uint8_t>& b) {
  return {b.begin(), b.end()};
}

// One test object of an official vector file, flattened to strings: JSON null members are left
// out, "options" members appear as "options.memlimit" etc., and expect-fail as "true"/"false".
struct Vector {
  std::string file;
  std::map<std::string, std::string> f;
  const std::string& name() const { return f.at("name"); }
  bool expect_fail() const { return f.at("expect-fail") == "true"; }
  bool has(const std::string& k) const { return f.count(k) != 0; }
  const std::string& at(const std::string& k) const { return f.at(k); }
};

inline void flatten(const rapidjson::Value& obj, const std::string& prefix, Vector& v) {
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
    const std::string key = prefix + it->name.GetString();
    const auto& val = it->value;
    if (val.IsString()) {
      v.f[key].assign(val.GetString(), val.GetStringLength());
    } else if (val.IsBool()) {
      v.f[key] = val.GetBool() ? "true" : "false";
    } else if (val.IsUint64()) {
      v.f[key] = std::to_string(val.GetUint64());
    } else if (val.IsObject()) {
      flatten(val, key + ".", v);
    }
  }
}

// Loads the "tests" array of tests/vectors/<file>. Returns an empty list when the file cannot be
// read, so that a separate count test fails loudly instead of the binary crashing at start-up.
inline std::vector<Vector> load_vectors(const std::string& file) {
  std::vector<Vector> out;
  std::string text;
  try {
    text = read_text(std::string(LICET_VECTORS_DIR) + "/" + file);
  } catch (const std::exception&) {
    return out;
  }
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("tests")) return out;
  for (const auto& t : doc["tests"].GetArray()) {
    Vector v;
    v.file = file;
    flatten(t, "", v);
    out.push_back(std::move(v));
  }
  return out;
}

// gtest parameter names allow only [A-Za-z0-9_].
inline std::string sanitize(std::string_view name) {
  std::string out;
  for (char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    out += ok ? c : '_';
  }
  return out;
}

// A deterministic key pair from a 32-byte seed (Ed25519 signing is deterministic, so tokens made
// with it are reproducible).
inline SecretKey key_from_seed(std::uint8_t first) {
  std::uint8_t seed[32], pk[32], sk[64];
  for (std::size_t i = 0; i < 32; ++i) seed[i] = static_cast<std::uint8_t>(first + i);
  if (sodium_init() < 0) throw std::runtime_error("sodium_init");
  crypto_sign_seed_keypair(pk, sk, seed);
  return SecretKey::from_bytes(sk);
}

// Completes "PREFIX-XXXX-XXXX-XXXX-XXXX" with the check symbol that normalize() accepts.
inline std::string with_check(std::string_view groups) {
  for (char c : std::string_view("0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U")) {
    const std::string key = std::string(groups) + "-" + c;
    if (license_key::normalize(key)) return key;
  }
  throw std::runtime_error("no check symbol fits");
}

// A realistic license, about 300 bytes of JSON.
inline Claims sample_claims() {
  Claims c;
  c.iss = "acme";
  c.sub = "jane.doe@example.com";
  c.aud = "mostagare";
  c.jti = "01HGW2N7EXAMPLE0000000000";
  c.lic = with_check("MOSTAGARE-7Q4K-9XJ2-P3MV-HC8D");
  c.rev = 2;
  c.iat = 1704067200;  // 2024-01-01T00:00:00Z
  c.nbf = 1704067200;
  c.exp = 1735689600;  // 2025-01-01T00:00:00Z
  c.seats = 3;
  c.devices = std::vector<std::string>{"dev-1a2b3c4d", "dev-5e6f7a8b"};
  c.features = {"pro", "export"};
  c.maint = 1735689600;
  c.sync = SyncPolicy{"https://licenses.example.com/v1/revocations", 86400};
  c.meta = {{"order", "A-10042"}};
  return c;
}

}  // namespace licet::test
