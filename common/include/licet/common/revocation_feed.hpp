// The signed revocation feed: a compact binary list of revoked and superseded licenses (by a
// hash of their license key) and retired signing keys. The issuer builds it, the verifier parses
// untrusted bytes with it. Byte layout: docs/FORMAT.md, "Revocation feed".
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "licet/common/error.hpp"
#include "licet/common/key_types.hpp"
#include "licet/common/time.hpp"

namespace licet::feed {

inline constexpr std::string_view kMagic = "LICETRVK";
inline constexpr std::uint8_t kVersion = 1;
// Prefixed to the bytes that are signed, so a feed signature can never be replayed as (or be
// produced from) a signature over anything else the same key signs.
inline constexpr std::string_view kSignatureDomain = "licet revocation feed v1\n";
inline constexpr std::size_t kHeaderSize = 69;  // up to the retired-key count
inline constexpr std::size_t kKeyIdSize = 33;   // the digest inside a k4.pid
inline constexpr std::size_t kHashSize = 16;
inline constexpr std::size_t kEntrySize = kHashSize + 4;
inline constexpr std::size_t kSignatureSize = 64;
inline constexpr std::size_t kMinFeedSize = kHeaderSize + 4 + 4 + kSignatureSize;
// Bigger than any real feed (3.3 million entries); the verifier refuses to download more.
inline constexpr std::size_t kMaxFeedBytes = 64ULL * 1024 * 1024;

// Entry value: 0 = revoked; N >= 1 = revisions below N are superseded.
inline constexpr std::uint32_t kRevoked = 0;

using KeyId = std::array<std::uint8_t, kKeyIdSize>;
using LicenseHash = std::array<std::uint8_t, kHashSize>;

// BLAKE2b-128 keyed with a fixed domain string: the public feed names licenses without
// revealing their keys (a key has >= 80 random bits, so the hash cannot be inverted).
LicenseHash hash_license_key(std::string_view license_key);

// "k4.pid.…" <-> the 33 bytes it encodes.
Result<KeyId> key_id_from_pid(std::string_view pid);
std::string pid_from_key_id(const KeyId& id);

struct Entry {
  LicenseHash hash{};
  std::uint32_t value = kRevoked;
};

// What the issuer puts into a feed.
struct Content {
  std::uint64_t sequence = 0;
  UnixTime issued_at = 0;
  UnixTime next_update = 0;
  std::vector<KeyId> retired_keys;
  std::vector<Entry> entries;  // any order; build() sorts them
};

// Sorts the entries (and retired keys), rejects duplicates and impossible times, and signs.
// Returns the feed bytes.
Result<std::string> build(Content content, const SecretKey& key);

// A structurally valid feed: every length, count and ordering checked. The signature is checked
// separately (verify_signature), since the key comes from the caller's keyring by key_id().
// Lookups binary-search the original bytes: loading a feed copies nothing per entry.
class Feed {
 public:
  // `malformed` with a precise one-line message for anything that is not a version-1 feed.
  static Result<Feed> parse(std::string bytes);

  // `bad_signature` unless the signature verifies with `key`.
  Status verify_signature(const PublicKey& key) const;

  const KeyId& key_id() const { return key_id_; }
  std::string key_pid() const { return pid_from_key_id(key_id_); }
  std::uint64_t sequence() const { return sequence_; }
  UnixTime issued_at() const { return issued_at_; }
  UnixTime next_update() const { return next_update_; }
  std::size_t entry_count() const { return entry_count_; }
  std::size_t retired_key_count() const { return retired_count_; }
  KeyId retired_key(std::size_t i) const;
  bool is_retired(const KeyId& id) const;
  bool is_retired(std::string_view pid) const;

  // The entry's value for a license, nullopt when the feed does not name it. O(log n).
  std::optional<std::uint32_t> lookup(const LicenseHash& hash) const;
  Entry entry(std::size_t i) const;

  const std::string& bytes() const { return bytes_; }

 private:
  Feed() = default;
  std::string bytes_;
  KeyId key_id_{};
  std::uint64_t sequence_ = 0;
  UnixTime issued_at_ = 0;
  UnixTime next_update_ = 0;
  std::size_t retired_offset_ = 0;
  std::size_t retired_count_ = 0;
  std::size_t entries_offset_ = 0;
  std::size_t entry_count_ = 0;
  std::size_t signed_size_ = 0;
};

}  // namespace licet::feed
