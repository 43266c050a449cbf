#include "store/audit_chain.hpp"

#include <sodium.h>

#include "licet/common/pae.hpp"
#include "licet/common/sodium_init.hpp"

namespace licet::issuer::store {
namespace {

// Distinguishes an absent field from an empty one inside the hashed encoding.
std::string opt_field(const std::optional<std::string>& v) {
  return v ? "1" + *v : "0";
}

}  // namespace

AuditHash audit_hash(const AuditRecord& e) {
  ensure_sodium();
  const std::string id = std::to_string(e.id);
  const std::string at = std::to_string(e.at);
  const std::string key = opt_field(e.license_key);
  const std::string before = opt_field(e.before);
  const std::string after = opt_field(e.after);
  const std::string_view prev(reinterpret_cast<const char*>(e.prev_hash.data()),
                              e.prev_hash.size());
  const Bytes msg = pae({"licet-audit-v1", id, at, e.actor, e.action, key, before, after, prev});
  AuditHash h{};
  crypto_generichash(h.data(), h.size(), msg.data(), msg.size(), nullptr, 0);
  return h;
}

std::string to_hex(const AuditHash& h) {
  std::string out(h.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), h.data(), h.size());
  out.pop_back();
  return out;
}

std::string head_value(std::int64_t id, const AuditHash& h) {
  return std::to_string(id) + ":" + to_hex(h);
}

AuditHead parse_head(const std::string& v) {
  AuditHead h{-1, {}};
  const auto colon = v.find(':');
  if (colon == std::string::npos || colon == 0 || colon > 18) return h;
  std::int64_t id = 0;
  for (std::size_t i = 0; i < colon; ++i) {
    if (v[i] < '0' || v[i] > '9') return h;
    id = id * 10 + (v[i] - '0');
  }
  h.id = id;
  h.hash_hex = v.substr(colon + 1);
  return h;
}

}  // namespace licet::issuer::store
