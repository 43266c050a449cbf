#include "licet/common/key_types.hpp"

#include <sodium.h>

#include <cstring>
#include <new>

#include "licet/common/sodium_init.hpp"

namespace licet {

void SecretKey::Free::operator()(std::uint8_t* p) const noexcept { sodium_free(p); }

SecretKey::SecretKey() {
  ensure_sodium();
  auto* p = static_cast<std::uint8_t*>(sodium_malloc(kSize));
  if (p == nullptr) throw std::bad_alloc();
  bytes_.reset(p);
}

SecretKey SecretKey::from_bytes(const std::uint8_t (&bytes)[kSize]) {
  return from_bytes(static_cast<const std::uint8_t*>(bytes));
}

SecretKey SecretKey::from_bytes(const std::uint8_t* bytes) {
  SecretKey key;
  std::memcpy(key.bytes_.get(), bytes, kSize);
  return key;
}

PublicKey SecretKey::public_key() const {
  PublicKey pk;
  crypto_sign_ed25519_sk_to_pk(pk.bytes.data(), bytes_.get());
  return pk;
}

}  // namespace licet
