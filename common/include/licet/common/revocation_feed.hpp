// The signed revocation feed: a compact binary list of revoked and superseded licenses (by a
// hash of their license key), revoked single tokens (by a hash of their jti), retired signing
// keys and, optionally, the head of the issuer's audit trail. The issuer builds it, the verifier
// parses untrusted bytes with it. Byte layout and index rules: docs/FORMAT.md, "Revocation feed".
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
inline constexpr std::uint8_t kVersion1 = 1;  // read only
inline constexpr std::uint8_t kVersion2 = 2;  // what build() writes
// Prefixed to the bytes that are signed, so a feed signature can never be replayed as (or be
// produced from) a signature over anything else the same key signs.
inline constexpr std::string_view kSignatureDomainV1 = "licet revocation feed v1\n";
inline constexpr std::string_view kSignatureDomainV2 = "licet revocation feed v2\n";

inline constexpr std::size_t kKeyIdSize = 33;  // the digest inside a k4.pid
inline constexpr std::size_t kHashSize = 16;
inline constexpr std::size_t kEntrySize = kHashSize + 4;  // license hash + u32 value
inline constexpr std::size_t kTokenEntrySize = kHashSize;
inline constexpr std::size_t kSignatureSize = 64;
inline constexpr std::size_t kAuditHeadSize = 8 + 32;
inline constexpr std::size_t kMaxSigners = 16;

// Version 1: fixed header up to the retired-key count; the smallest feed.
inline constexpr std::size_t kV1HeaderSize = 69;
inline constexpr std::size_t kV1MinFeedSize = kV1HeaderSize + 4 + 4 + kSignatureSize;
// Version 2: fixed header up to the retired-key count; the smallest feed (one signer).
inline constexpr std::size_t kV2HeaderSize = 36;
inline constexpr std::size_t kV2MinFeedSize =
    kV2HeaderSize + 4 + 4 + 4 + 1 + kKeyIdSize + kSignatureSize;

// Bigger than any real feed (3.3 million entries); the verifier refuses to download more.
inline constexpr std::size_t kMaxFeedBytes = 64ULL * 1024 * 1024;

// Entry value: 0 = revoked; N >= 1 = revisions below N are superseded.
inline constexpr std::uint32_t kRevoked = 0;

using KeyId = std::array<std::uint8_t, kKeyIdSize>;
using LicenseHash = std::array<std::uint8_t, kHashSize>;
using TokenHash = std::array<std::uint8_t, kHashSize>;

// BLAKE2b-128 keyed with a fixed domain string: the public feed names licenses without
// revealing their keys (a key has >= 80 random bits, so the hash cannot be inverted).
LicenseHash hash_license_key(std::string_view license_key);
// The same for a token's `jti`, under its own domain string: a token hash never equals a
// license hash of the same text.
TokenHash hash_token_id(std::string_view jti);

// "k4.pid.…" <-> the 33 bytes it encodes.
Result<KeyId> key_id_from_pid(std::string_view pid);
std::string pid_from_key_id(const KeyId& id);
// The key id of a public key (the digest inside paserk::pid(key)).
KeyId key_id_of(const PublicKey& key);

struct Entry {
  LicenseHash hash{};
  std::uint32_t value = kRevoked;
};

// The head of the issuer's hash-chained audit trail when the feed was published: carried so
// that a wiped or truncated trail can be detected. The feed does not interpret it.
struct AuditHead {
  std::uint64_t id = 0;
  std::array<std::uint8_t, 32> hash{};
  bool operator==(const AuditHead&) const = default;
};

// What the issuer puts into a feed (any order; build() sorts).
struct Content {
  std::uint64_t sequence = 0;
  UnixTime issued_at = 0;
  UnixTime next_update = 0;
  std::vector<KeyId> retired_keys;
  std::vector<Entry> entries;
  std::vector<TokenHash> revoked_tokens;
  std::optional<AuditHead> audit_head;
};

// Sorts, rejects duplicates and impossible values (sequence 0, times out of range, next-update
// before issued-at, a signer that is also retired, a signer given twice), and signs a version-2
// feed with every key given (at least one, at most kMaxSigners). Returns the feed bytes.
Result<std::string> build(Content content, const std::vector<const SecretKey*>& signers);

// The questions a verdict asks of a revocation list, answered by a parsed feed or by any other
// source of the same facts (the issuer's ledger, without signing a feed).
class View {
 public:
  virtual ~View() = default;
  // The entry's value for a license, nullopt when the list does not name it.
  virtual std::optional<std::uint32_t> lookup(const LicenseHash& hash) const = 0;
  virtual bool token_revoked(const TokenHash& hash) const = 0;
  virtual bool is_retired(const KeyId& id) const = 0;
  // Names the list in messages, e.g. "revocation feed 42".
  virtual std::string describe() const { return "revocation list"; }
};

// A View over Content held in memory (sorted and indexed like a parsed feed).
class ContentView final : public View {
 public:
  // `malformed` for the duplicates build() refuses; times, sequence and signers are not needed.
  static Result<ContentView> create(Content content);
  std::optional<std::uint32_t> lookup(const LicenseHash& hash) const override;
  bool token_revoked(const TokenHash& hash) const override;
  bool is_retired(const KeyId& id) const override;
  std::string describe() const override;
  const Content& content() const { return content_; }

 private:
  ContentView() = default;
  Content content_;
};

// Constant-time expected lookups over a sorted array of records that start with a 16-byte hash:
// bucket i holds the records whose first `bits` hash bits equal i (docs/FORMAT.md, "Lookup
// index"). Built once, in one pass; a bucket is then searched with a binary search, so a crafted
// feed whose hashes share a prefix costs O(log n), never more.
class HashIndex {
 public:
  void build(const std::uint8_t* records, std::size_t count, std::size_t stride);
  // The record whose hash equals `hash`, or nullptr.
  const std::uint8_t* find(const std::uint8_t* records, std::size_t stride,
                           const std::uint8_t* hash) const;
  unsigned bits() const { return bits_; }

 private:
  unsigned bits_ = 0;
  std::vector<std::uint32_t> starts_;  // 2^bits + 1 offsets into the records
};

// A structurally valid feed: every length, count and ordering checked, the lookup indexes built.
// Signatures are checked separately (verify_signature), since the keys come from the caller's
// keyring by signer_ids(). The records stay in the original bytes: loading copies nothing per
// entry.
class Feed final : public View {
 public:
  // `malformed` with a precise one-line message for anything that is not a version-1 or
  // version-2 feed.
  static Result<Feed> parse(std::string bytes);

  std::uint8_t version() const { return version_; }
  // Who signed it, in the order of the signatures (version 1: the one key of its header).
  const std::vector<KeyId>& signer_ids() const { return signer_ids_; }
  // `unknown_key` when the feed carries no signature by `signer`; `bad_signature` unless that
  // signature verifies with `key` and `key` is the key `signer` names.
  Status verify_signature(const KeyId& signer, const PublicKey& key) const;

  std::uint64_t sequence() const { return sequence_; }
  UnixTime issued_at() const { return issued_at_; }
  UnixTime next_update() const { return next_update_; }
  std::size_t entry_count() const { return entry_count_; }
  std::size_t token_count() const { return token_count_; }
  std::size_t retired_key_count() const { return retired_count_; }
  KeyId retired_key(std::size_t i) const;
  Entry entry(std::size_t i) const;
  TokenHash token(std::size_t i) const;
  std::optional<AuditHead> audit_head() const { return audit_head_; }

  // O(1) expected (HashIndex).
  std::optional<std::uint32_t> lookup(const LicenseHash& hash) const override;
  bool token_revoked(const TokenHash& hash) const override;
  bool is_retired(const KeyId& id) const override;
  bool is_retired(std::string_view pid) const;
  std::string describe() const override { return "revocation feed " + std::to_string(sequence_); }

  const std::string& bytes() const { return bytes_; }

 private:
  Feed() = default;
  Status parse_v1();
  Status parse_v2();
  Status check_and_index();

  std::string bytes_;
  std::uint8_t version_ = 0;
  std::vector<KeyId> signer_ids_;
  std::vector<std::size_t> signature_offsets_;  // parallel to signer_ids_
  std::uint64_t sequence_ = 0;
  UnixTime issued_at_ = 0;
  UnixTime next_update_ = 0;
  std::size_t retired_offset_ = 0;
  std::size_t retired_count_ = 0;
  std::size_t entries_offset_ = 0;
  std::size_t entry_count_ = 0;
  std::size_t tokens_offset_ = 0;
  std::size_t token_count_ = 0;
  std::optional<AuditHead> audit_head_;
  std::size_t signed_size_ = 0;
  HashIndex entry_index_;
  HashIndex token_index_;
};

}  // namespace licet::feed
