// PASERK k4 serialisations of Ed25519 keys: k4.public, k4.secret, k4.pid, k4.secret-pw.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "licet/common/error.hpp"
#include "licet/common/key_types.hpp"

namespace licet::paserk {

// A fresh random Ed25519 key pair.
SecretKey generate_secret_key();

std::string to_public(const PublicKey& key);  // "k4.public.…"
Result<PublicKey> parse_public(std::string_view paserk);

std::string to_secret(const SecretKey& key);  // "k4.secret.…"; the caller must wipe the string
Result<SecretKey> parse_secret(std::string_view paserk);

std::string pid(const PublicKey& key);  // "k4.pid.…": the key id carried in token footers
bool looks_like_pid(std::string_view text);

// Argon2id cost for k4.secret-pw.
struct PwCost {
  std::uint64_t memlimit = 64ULL * 1024 * 1024;  // bytes (libsodium INTERACTIVE)
  std::uint32_t opslimit = 2;
};
// What an unwrap will agree to run: the cost comes from the file, so it is capped before Argon2
// runs (a hostile file must not make licet allocate gigabytes or spin for minutes).
struct PwLimits {
  std::uint64_t max_memlimit = 1024ULL * 1024 * 1024;
  std::uint32_t max_opslimit = 16;
};

// salt and nonce are random unless given (tests reproduce the official vectors with them).
std::string wrap_secret_pw(const SecretKey& key, std::string_view password, const PwCost& cost = {},
                           const std::uint8_t* salt16 = nullptr, const std::uint8_t* nonce24 = nullptr);
// A wrong password and a tampered file both fail the tag: `bad_signature`, "wrong passphrase".
Result<SecretKey> unwrap_secret_pw(std::string_view paserk, std::string_view password,
                                   const PwLimits& limits = {});

}  // namespace licet::paserk
