// Typed Ed25519 keys for PASETO v4.public. The token code takes these types, never raw byte
// strings, so a key of the wrong kind cannot reach sign or verify ("algorithm lucidity").
#pragma once

#include <array>
#include <cstdint>
#include <memory>

namespace licet {

struct PublicKey {
  std::array<std::uint8_t, 32> bytes{};
  bool operator==(const PublicKey& other) const { return bytes == other.bytes; }
};

// A v4.public secret key: libsodium's 64-byte seed || public key, kept in guarded, locked
// memory (sodium_malloc) and wiped when released. Move-only.
class SecretKey {
 public:
  static constexpr std::size_t kSize = 64;

  // Copies 64 bytes into secure memory. Does not check that the halves belong together;
  // keys/paserk.hpp does that on import.
  static SecretKey from_bytes(const std::uint8_t (&bytes)[kSize]);
  static SecretKey from_bytes(const std::uint8_t* bytes);

  SecretKey(SecretKey&&) noexcept = default;
  SecretKey& operator=(SecretKey&&) noexcept = default;

  const std::uint8_t* data() const { return bytes_.get(); }
  PublicKey public_key() const;

 private:
  struct Free {
    void operator()(std::uint8_t* p) const noexcept;
  };
  SecretKey();
  std::unique_ptr<std::uint8_t, Free> bytes_;
};

}  // namespace licet
