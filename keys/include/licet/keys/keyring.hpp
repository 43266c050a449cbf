// The public keys a verifier trusts, looked up by their k4.pid.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "licet/common/error.hpp"
#include "licet/common/key_types.hpp"

namespace licet::keys {

class Keyring {
 public:
  // Adds a "k4.public.…" key; returns its pid.
  Result<std::string> add(std::string_view k4_public);
  std::string add(const PublicKey& key);

  // Fails closed: nullopt for an unknown pid.
  std::optional<PublicKey> find(std::string_view pid) const;
  bool empty() const { return by_pid_.empty(); }
  std::size_t size() const { return by_pid_.size(); }
  std::vector<std::string> pids() const;

 private:
  std::map<std::string, PublicKey, std::less<>> by_pid_;
};

}  // namespace licet::keys
