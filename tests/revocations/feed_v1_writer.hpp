// Writes a version-1 revocation feed byte by byte from docs/FORMAT.md ("Version 1"), the way
// issuers before version 2 published them, so the tests can check that such feeds still parse
// and verify. Independent of common/: it is the reference for the read-only v1 path.
#pragma once

#include <sodium.h>

#include <algorithm>
#include <string>

#include "licet/common/revocation_feed.hpp"

namespace licet::test {

inline void v1_put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
inline void v1_put_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// `c.revoked_tokens` and `c.audit_head` have no place in version 1 and are ignored.
inline std::string write_v1_feed(feed::Content c, const SecretKey& key) {
  std::sort(c.retired_keys.begin(), c.retired_keys.end());
  std::sort(c.entries.begin(), c.entries.end(),
            [](const feed::Entry& a, const feed::Entry& b) { return a.hash < b.hash; });
  std::string out = "LICETRVK";
  out.push_back(1);
  out.append(3, '\0');
  const feed::KeyId id = feed::key_id_of(key.public_key());
  out.append(reinterpret_cast<const char*>(id.data()), id.size());
  v1_put_u64(out, c.sequence);
  v1_put_u64(out, static_cast<std::uint64_t>(c.issued_at));
  v1_put_u64(out, static_cast<std::uint64_t>(c.next_update));
  v1_put_u32(out, static_cast<std::uint32_t>(c.retired_keys.size()));
  for (const auto& k : c.retired_keys)
    out.append(reinterpret_cast<const char*>(k.data()), k.size());
  v1_put_u32(out, static_cast<std::uint32_t>(c.entries.size()));
  for (const auto& e : c.entries) {
    out.append(reinterpret_cast<const char*>(e.hash.data()), e.hash.size());
    v1_put_u32(out, e.value);
  }
  const std::string domain = "licet revocation feed v1\n";
  crypto_sign_state st;
  crypto_sign_init(&st);
  crypto_sign_update(&st, reinterpret_cast<const unsigned char*>(domain.data()), domain.size());
  crypto_sign_update(&st, reinterpret_cast<const unsigned char*>(out.data()), out.size());
  unsigned char sig[64];
  crypto_sign_final_create(&st, sig, nullptr, key.data());
  out.append(reinterpret_cast<const char*>(sig), sizeof sig);
  return out;
}

}  // namespace licet::test
