#include "licet/keys/keyring.hpp"

#include "licet/keys/paserk.hpp"

namespace licet::keys {

Result<std::string> Keyring::add(std::string_view k4_public) {
  auto key = paserk::parse_public(k4_public);
  if (!key) return std::move(key).error();
  return add(*key);
}

std::string Keyring::add(const PublicKey& key) {
  std::string id = paserk::pid(key);
  by_pid_.insert_or_assign(id, key);
  return id;
}

std::optional<PublicKey> Keyring::find(std::string_view pid) const {
  auto it = by_pid_.find(pid);
  if (it == by_pid_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> Keyring::pids() const {
  std::vector<std::string> out;
  for (const auto& [pid, key] : by_pid_) out.push_back(pid);
  return out;
}

}  // namespace licet::keys
