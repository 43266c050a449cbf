// Bearer tokens for the activation server's admin API. A token is 256 random bits, shown once
// when created; the ledger keeps only its BLAKE2b-256 hash (api_tokens.token_hash), so a copy
// of the ledger or a backup does not grant access.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/db.hpp"

namespace licet::issuer::tokens {

// Ordered: each role may do everything the roles before it may.
enum class Role { viewer = 0, support = 1, admin = 2 };

std::optional<Role> role_from_string(std::string_view s);
std::string_view to_string(Role r);

struct TokenInfo {
  std::string name;
  Role role = Role::viewer;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> revoked_at;
};

// Names: 1..64 of [A-Za-z0-9._-]. Throws CliError.
std::string check_name(std::string_view name);

// Inserts the token and its audit entry ("token.create", in one transaction); returns the secret
// token text, which exists nowhere else afterwards. Throws CliError when the name is taken.
std::string create(Db& db, const std::string& name, Role role, const std::string& actor,
                   std::int64_t now);

std::vector<TokenInfo> list(Db& db);

// Marks the token revoked ("token.revoke" audit entry). Throws CliError when unknown or revoked.
void revoke(Db& db, const std::string& name, const std::string& actor, std::int64_t now);

// The live token presented in an Authorization header, or nullopt.
std::optional<TokenInfo> authenticate(Db& db, std::string_view presented);

}  // namespace licet::issuer::tokens
