#include "server/api_tokens.hpp"

#include <sodium.h>

#include <array>

#include "context.hpp"
#include "ledger/audit.hpp"
#include "licet/common/base64.hpp"
#include "licet/common/sodium_init.hpp"
#include "output.hpp"

namespace licet::issuer::tokens {
namespace {

constexpr std::string_view kPrefix = "licet_at_";
constexpr std::size_t kTokenBytes = 32;

std::array<std::uint8_t, 32> hash_token(std::string_view token) {
  ensure_sodium();
  std::array<std::uint8_t, 32> h{};
  crypto_generichash(h.data(), h.size(), reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  return h;
}

}  // namespace

std::optional<Role> role_from_string(std::string_view s) {
  if (s == "viewer") return Role::viewer;
  if (s == "support") return Role::support;
  if (s == "admin") return Role::admin;
  return std::nullopt;
}

std::string_view to_string(Role r) {
  switch (r) {
    case Role::viewer:
      return "viewer";
    case Role::support:
      return "support";
    case Role::admin:
      return "admin";
  }
  return "viewer";
}

std::string check_name(std::string_view name) {
  if (name.empty() || name.size() > 64) throw CliError("token name: 1 to 64 characters");
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) throw CliError("token name: only letters, digits, '.', '_' and '-'");
  }
  return std::string(name);
}

std::string create(Db& db, const std::string& name, Role role, const std::string& actor,
                   std::int64_t now) {
  ensure_sodium();
  std::array<std::uint8_t, kTokenBytes> raw{};
  randombytes_buf(raw.data(), raw.size());
  std::string token = std::string(kPrefix) + b64url_encode(raw.data(), raw.size());
  sodium_memzero(raw.data(), raw.size());
  const auto h = hash_token(token);
  Transaction tx(db);
  {
    auto st = db.prepare("SELECT 1 FROM api_tokens WHERE name = ?");
    st.bind(1, name);
    if (st.step()) throw CliError("an API token named " + name + " exists already");
  }
  db.prepare("INSERT INTO api_tokens (name, role, token_hash, created_at) VALUES (?, ?, ?, ?)")
      .bind(1, name)
      .bind(2, std::string(to_string(role)))
      .bind_blob(3, h.data(), h.size())
      .bind(4, now)
      .run();
  audit::record(
      db, actor, "token.create", std::nullopt, std::nullopt,
      "{\"name\":" + json_string(name) + ",\"role\":" + json_string(to_string(role)) + "}");
  tx.commit();
  return token;
}

std::vector<TokenInfo> list(Db& db) {
  auto st = db.prepare("SELECT name, role, created_at, revoked_at FROM api_tokens ORDER BY name");
  std::vector<TokenInfo> out;
  while (st.step()) {
    out.push_back({st.text(0), role_from_string(st.text(1)).value_or(Role::viewer), st.int64(2),
                   st.opt_int64(3)});
  }
  return out;
}

void revoke(Db& db, const std::string& name, const std::string& actor, std::int64_t now) {
  Transaction tx(db);
  auto st = db.prepare("SELECT role, revoked_at FROM api_tokens WHERE name = ?");
  st.bind(1, name);
  if (!st.step()) throw CliError("no API token named " + name);
  if (!st.is_null(1)) throw CliError("API token " + name + " is revoked already");
  const std::string role = st.text(0);
  db.prepare("UPDATE api_tokens SET revoked_at = ? WHERE name = ?")
      .bind(1, now)
      .bind(2, name)
      .run();
  audit::record(db, actor, "token.revoke", std::nullopt,
                "{\"name\":" + json_string(name) + ",\"role\":" + json_string(role) + "}",
                std::nullopt);
  tx.commit();
}

std::optional<TokenInfo> authenticate(Db& db, std::string_view presented) {
  if (presented.size() < kPrefix.size() || presented.substr(0, kPrefix.size()) != kPrefix ||
      presented.size() > 128) {
    return std::nullopt;
  }
  const auto h = hash_token(presented);
  auto st = db.prepare(
      "SELECT name, role, created_at FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL");
  st.bind_blob(1, h.data(), h.size());
  if (!st.step()) return std::nullopt;
  auto role = role_from_string(st.text(1));
  if (!role) return std::nullopt;
  return TokenInfo{st.text(0), *role, st.int64(2), std::nullopt};
}

}  // namespace licet::issuer::tokens
