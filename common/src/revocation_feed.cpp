#include "licet/common/revocation_feed.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstring>

#include "licet/common/base64.hpp"
#include "licet/common/sodium_init.hpp"

namespace licet::feed {
namespace {

constexpr std::string_view kPidPrefix = "k4.pid.";
constexpr std::string_view kLicenseHashKey = "licet revocation feed license key v1";
constexpr std::string_view kTokenHashKey = "licet revocation feed token id v1";
static_assert(kLicenseHashKey.size() >= crypto_generichash_KEYBYTES_MIN &&
              kLicenseHashKey.size() <= crypto_generichash_KEYBYTES_MAX);
static_assert(kTokenHashKey.size() >= crypto_generichash_KEYBYTES_MIN &&
              kTokenHashKey.size() <= crypto_generichash_KEYBYTES_MAX);

// Offsets shared by both versions (docs/FORMAT.md).
constexpr std::size_t kOffVersion = 8;
// Version 1.
constexpr std::size_t kV1OffReserved = 9;
constexpr std::size_t kV1OffKeyId = 12;
constexpr std::size_t kV1OffSequence = 45;
constexpr std::size_t kV1OffIssuedAt = 53;
constexpr std::size_t kV1OffNextUpdate = 61;
static_assert(kV1OffNextUpdate + 8 == kV1HeaderSize);
// Version 2.
constexpr std::size_t kV2OffFlags = 9;
constexpr std::size_t kV2OffReserved = 10;
constexpr std::size_t kV2OffSequence = 12;
constexpr std::size_t kV2OffIssuedAt = 20;
constexpr std::size_t kV2OffNextUpdate = 28;
static_assert(kV2OffNextUpdate + 8 == kV2HeaderSize);
constexpr std::uint8_t kFlagAuditHead = 0x01;

// The largest index: 2^24 buckets (64 MiB of feed holds at most 3.3 million records).
constexpr unsigned kMaxIndexBits = 24;

// All integers are little-endian.
void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
template <std::size_t N>
void put_bytes(std::string& out, const std::array<std::uint8_t, N>& a) {
  out.append(reinterpret_cast<const char*>(a.data()), a.size());
}
std::uint32_t get_u32(const std::uint8_t* p) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
std::uint64_t get_u64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
// The first four hash bytes as a big-endian number: the index buckets follow the sort order.
std::uint32_t prefix32(const std::uint8_t* h) {
  return (std::uint32_t{h[0]} << 24) | (std::uint32_t{h[1]} << 16) | (std::uint32_t{h[2]} << 8) |
         std::uint32_t{h[3]};
}

const std::uint8_t* u8(const std::string& s) {
  return reinterpret_cast<const std::uint8_t*>(s.data());
}
const unsigned char* uc(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

Error malformed(std::string message) {
  return make_error(ErrorCode::malformed, "revocation feed: " + message);
}

bool valid_time(UnixTime t) {
  return t >= kMinTime && t <= kMaxTime;
}

std::string count_of(std::size_t n, const char* what) {
  return std::to_string(n) + " " + what;
}

// Strictly ascending fixed-size records starting at `p`; 0 when they are, else the index of the
// first record that is not above its predecessor.
std::size_t first_unordered(const std::uint8_t* p, std::size_t count, std::size_t stride,
                            std::size_t key_size) {
  for (std::size_t i = 1; i < count; ++i) {
    if (std::memcmp(p + (i - 1) * stride, p + i * stride, key_size) >= 0) return i;
  }
  return 0;
}

// Ed25519ph state over the domain string and the signed bytes; copied once per signature, so the
// bytes are hashed once however many keys sign or are tried.
crypto_sign_state prehash(std::string_view domain, const std::uint8_t* data, std::size_t size) {
  crypto_sign_state st;
  crypto_sign_init(&st);
  crypto_sign_update(&st, uc(domain), domain.size());
  crypto_sign_update(&st, data, size);
  return st;
}

template <class T>
bool has_duplicate_sorted(const std::vector<T>& v) {
  return std::adjacent_find(v.begin(), v.end()) != v.end();
}

bool entry_less(const Entry& a, const Entry& b) {
  return a.hash < b.hash;
}

// Shared by build() and ContentView: sorted, no duplicates.
Status sort_and_check(Content& c) {
  std::sort(c.entries.begin(), c.entries.end(), entry_less);
  for (std::size_t i = 1; i < c.entries.size(); ++i) {
    if (c.entries[i].hash == c.entries[i - 1].hash) {
      return malformed("two entries for the same license hash");
    }
  }
  std::sort(c.revoked_tokens.begin(), c.revoked_tokens.end());
  if (has_duplicate_sorted(c.revoked_tokens)) return malformed("a token hash is listed twice");
  std::sort(c.retired_keys.begin(), c.retired_keys.end());
  if (has_duplicate_sorted(c.retired_keys)) return malformed("a retired key is listed twice");
  return {};
}

}  // namespace

LicenseHash hash_license_key(std::string_view license_key) {
  ensure_sodium();
  LicenseHash out{};
  crypto_generichash(out.data(), out.size(), uc(license_key), license_key.size(),
                     uc(kLicenseHashKey), kLicenseHashKey.size());
  return out;
}

TokenHash hash_token_id(std::string_view jti) {
  ensure_sodium();
  TokenHash out{};
  crypto_generichash(out.data(), out.size(), uc(jti), jti.size(), uc(kTokenHashKey),
                     kTokenHashKey.size());
  return out;
}

Result<KeyId> key_id_from_pid(std::string_view pid) {
  if (pid.substr(0, kPidPrefix.size()) != kPidPrefix) {
    return make_error(ErrorCode::malformed, "not a k4.pid: missing the \"k4.pid.\" prefix");
  }
  // Key ids are public: the table-driven decoder (a re-check of a license may ask for one).
  std::string raw;
  if (!b64url_decode_public(pid.substr(kPidPrefix.size()), raw) || raw.size() != kKeyIdSize) {
    return make_error(ErrorCode::malformed, "not a k4.pid: the id is not 33 bytes of base64url");
  }
  KeyId id{};
  std::copy(raw.begin(), raw.end(), id.begin());
  return id;
}

std::string pid_from_key_id(const KeyId& id) {
  return std::string(kPidPrefix) + b64url_encode(id.data(), id.size());
}

KeyId key_id_of(const PublicKey& key) {
  ensure_sodium();
  // k4.pid digest: BLAKE2b-264("k4.pid." || "k4.public." || base64url(pk)), as in PASERK.
  const std::string input =
      std::string(kPidPrefix) + "k4.public." + b64url_encode(key.bytes.data(), key.bytes.size());
  KeyId id{};
  crypto_generichash(id.data(), id.size(), uc(input), input.size(), nullptr, 0);
  return id;
}

Result<std::string> build(Content c, const std::vector<const SecretKey*>& signers) {
  ensure_sodium();
  if (!valid_time(c.issued_at) || !valid_time(c.next_update)) {
    return malformed("issued-at or next-update is out of range");
  }
  if (c.next_update < c.issued_at) return malformed("next-update is before issued-at");
  if (c.sequence == 0) return malformed("the sequence starts at 1");
  if (signers.empty()) return malformed("a feed needs at least one signing key");
  if (signers.size() > kMaxSigners) {
    return malformed("more than " + std::to_string(kMaxSigners) + " signing keys");
  }
  const std::size_t records = c.entries.size() * kEntrySize +
                              c.revoked_tokens.size() * kTokenEntrySize +
                              c.retired_keys.size() * kKeyIdSize;
  if (c.entries.size() > kMaxFeedBytes / kEntrySize ||
      c.revoked_tokens.size() > kMaxFeedBytes / kTokenEntrySize ||
      c.retired_keys.size() > kMaxFeedBytes / kKeyIdSize ||
      records > kMaxFeedBytes - kV2MinFeedSize - kAuditHeadSize -
                    (kMaxSigners - 1) * (kKeyIdSize + kSignatureSize)) {
    return malformed("too many entries for one feed (the limit is 64 MiB)");
  }
  if (auto st = sort_and_check(c); !st) return st.error();

  struct Signer {
    KeyId id;
    const SecretKey* key;
  };
  std::vector<Signer> keys;
  for (const SecretKey* key : signers) {
    if (key == nullptr) return malformed("a signing key is missing (null)");
    keys.push_back({key_id_of(key->public_key()), key});
  }
  std::sort(keys.begin(), keys.end(), [](const Signer& a, const Signer& b) { return a.id < b.id; });
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (i > 0 && keys[i].id == keys[i - 1].id) {
      return malformed("signing key " + pid_from_key_id(keys[i].id) + " is given twice");
    }
    if (std::binary_search(c.retired_keys.begin(), c.retired_keys.end(), keys[i].id)) {
      return malformed("signing key " + pid_from_key_id(keys[i].id) +
                       " is listed as retired in the same feed");
    }
  }

  std::string out;
  out.reserve(kV2MinFeedSize + records + kAuditHeadSize +
              (keys.size() - 1) * (kKeyIdSize + kSignatureSize));
  out.append(kMagic);
  out.push_back(static_cast<char>(kVersion2));
  out.push_back(static_cast<char>(c.audit_head ? kFlagAuditHead : 0));
  out.append(2, '\0');
  put_u64(out, c.sequence);
  put_u64(out, static_cast<std::uint64_t>(c.issued_at));
  put_u64(out, static_cast<std::uint64_t>(c.next_update));
  put_u32(out, static_cast<std::uint32_t>(c.retired_keys.size()));
  for (const auto& k : c.retired_keys) put_bytes(out, k);
  put_u32(out, static_cast<std::uint32_t>(c.entries.size()));
  for (const auto& e : c.entries) {
    put_bytes(out, e.hash);
    put_u32(out, e.value);
  }
  put_u32(out, static_cast<std::uint32_t>(c.revoked_tokens.size()));
  for (const auto& t : c.revoked_tokens) put_bytes(out, t);
  if (c.audit_head) {
    put_u64(out, c.audit_head->id);
    put_bytes(out, c.audit_head->hash);
  }
  out.push_back(static_cast<char>(keys.size()));
  for (const auto& k : keys) put_bytes(out, k.id);

  // Ed25519ph (RFC 8032) through libsodium's multi-part API: the body is hashed once, in place.
  const crypto_sign_state hashed = prehash(kSignatureDomainV2, u8(out), out.size());
  for (const auto& k : keys) {
    crypto_sign_state st = hashed;
    unsigned char sig[kSignatureSize];
    crypto_sign_final_create(&st, sig, nullptr, k.key->data());
    out.append(reinterpret_cast<const char*>(sig), sizeof sig);
  }
  return out;
}

// ---- index ----

void HashIndex::build(const std::uint8_t* records, std::size_t count, std::size_t stride) {
  bits_ = 0;
  while (bits_ < kMaxIndexBits && (std::size_t{1} << bits_) < count) ++bits_;
  const std::size_t buckets = std::size_t{1} << bits_;
  starts_.assign(buckets + 1, 0);
  // Records are sorted, so each bucket's records are contiguous: one pass fills the starts.
  std::size_t bucket = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t b = bits_ == 0 ? 0 : prefix32(records + i * stride) >> (32 - bits_);
    while (bucket < b) starts_[++bucket] = static_cast<std::uint32_t>(i);
  }
  while (bucket < buckets) starts_[++bucket] = static_cast<std::uint32_t>(count);
}

const std::uint8_t* HashIndex::find(const std::uint8_t* records, std::size_t stride,
                                    const std::uint8_t* hash) const {
  if (starts_.empty()) return nullptr;
  const std::size_t b = bits_ == 0 ? 0 : prefix32(hash) >> (32 - bits_);
  std::size_t lo = starts_[b], hi = starts_[b + 1];
  if (hi - lo <= 4) {  // the usual bucket: one record or none; equality alone decides
    for (; lo < hi; ++lo) {
      const std::uint8_t* r = records + lo * stride;
      if (std::memcmp(r, hash, kHashSize) == 0) return r;
    }
    return nullptr;
  }
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    const std::uint8_t* r = records + mid * stride;
    const int c = std::memcmp(r, hash, kHashSize);
    if (c == 0) return r;
    if (c < 0) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return nullptr;
}

// ---- parsing ----

Result<Feed> Feed::parse(std::string bytes) {
  const std::size_t n = bytes.size();
  if (n < kMagic.size() || std::memcmp(bytes.data(), kMagic.data(), kMagic.size()) != 0) {
    return malformed("does not start with \"LICETRVK\" (not a licet revocation feed)");
  }
  if (n > kMaxFeedBytes) return malformed("larger than 64 MiB");
  if (n <= kOffVersion) return malformed("truncated before the format version");
  Feed f;
  f.bytes_ = std::move(bytes);
  f.version_ = u8(f.bytes_)[kOffVersion];
  Status st;
  if (f.version_ == kVersion1) {
    st = f.parse_v1();
  } else if (f.version_ == kVersion2) {
    st = f.parse_v2();
  } else {
    return malformed("format version " + std::to_string(f.version_) +
                     " is not supported (this verifier reads versions 1 and 2)");
  }
  if (!st) return st.error();
  if (auto checked = f.check_and_index(); !checked) return checked.error();
  return f;
}

Status Feed::parse_v1() {
  const std::size_t n = bytes_.size();
  if (n < kV1MinFeedSize) {
    return malformed("truncated: " + std::to_string(n) + " bytes, the smallest version-1 feed is " +
                     std::to_string(kV1MinFeedSize));
  }
  const std::uint8_t* p = u8(bytes_);
  if (p[kV1OffReserved] != 0 || p[kV1OffReserved + 1] != 0 || p[kV1OffReserved + 2] != 0) {
    return malformed("reserved header bytes are not zero");
  }
  KeyId signer{};
  std::copy(p + kV1OffKeyId, p + kV1OffKeyId + kKeyIdSize, signer.begin());
  sequence_ = get_u64(p + kV1OffSequence);
  issued_at_ = static_cast<UnixTime>(get_u64(p + kV1OffIssuedAt));
  next_update_ = static_cast<UnixTime>(get_u64(p + kV1OffNextUpdate));

  // Counts are checked against the bytes that remain before anything is multiplied or read.
  std::size_t off = kV1HeaderSize;
  const std::size_t body_end = n - kSignatureSize;
  retired_count_ = get_u32(p + off);
  off += 4;
  if (retired_count_ > (body_end - off) / kKeyIdSize) {
    return malformed("truncated: the header announces " + count_of(retired_count_, "retired keys") +
                     " but the file is too short for them");
  }
  retired_offset_ = off;
  off += retired_count_ * kKeyIdSize;
  if (body_end - off < 4) return malformed("truncated before the entry count");
  entry_count_ = get_u32(p + off);
  off += 4;
  if (entry_count_ > (body_end - off) / kEntrySize) {
    return malformed("truncated: the header announces " + count_of(entry_count_, "entries") +
                     " but the file is too short for them");
  }
  entries_offset_ = off;
  off += entry_count_ * kEntrySize;
  if (off != body_end) {
    return malformed(std::to_string(body_end - off) +
                     " unexpected bytes between the entries and the signature");
  }
  tokens_offset_ = off;
  token_count_ = 0;
  signed_size_ = body_end;
  signer_ids_ = {signer};
  signature_offsets_ = {body_end};
  return {};
}

Status Feed::parse_v2() {
  const std::size_t n = bytes_.size();
  if (n < kV2MinFeedSize) {
    return malformed("truncated: " + std::to_string(n) + " bytes, the smallest version-2 feed is " +
                     std::to_string(kV2MinFeedSize));
  }
  const std::uint8_t* p = u8(bytes_);
  const std::uint8_t flags = p[kV2OffFlags];
  if ((flags & ~kFlagAuditHead) != 0) {
    return malformed("unknown header flags (byte 9 is " + std::to_string(flags) +
                     "; only bit 0, the audit head, is defined)");
  }
  if (p[kV2OffReserved] != 0 || p[kV2OffReserved + 1] != 0) {
    return malformed("reserved header bytes are not zero");
  }
  sequence_ = get_u64(p + kV2OffSequence);
  issued_at_ = static_cast<UnixTime>(get_u64(p + kV2OffIssuedAt));
  next_update_ = static_cast<UnixTime>(get_u64(p + kV2OffNextUpdate));

  // Every count is checked against the bytes that remain before anything is multiplied or read.
  std::size_t off = kV2HeaderSize;
  const auto remaining = [&] { return n - off; };
  const auto section = [&](const char* what, std::size_t record, std::size_t& count,
                           std::size_t& offset) -> Status {
    if (remaining() < 4) return malformed(std::string("truncated before the count of ") + what);
    count = get_u32(p + off);
    off += 4;
    if (count > remaining() / record) {
      return malformed("truncated: the feed announces " + count_of(count, what) +
                       " but the file is too short for them");
    }
    offset = off;
    off += count * record;
    return {};
  };
  if (auto st = section("retired keys", kKeyIdSize, retired_count_, retired_offset_); !st) {
    return st;
  }
  if (auto st = section("entries", kEntrySize, entry_count_, entries_offset_); !st) return st;
  if (auto st = section("token entries", kTokenEntrySize, token_count_, tokens_offset_); !st) {
    return st;
  }
  if ((flags & kFlagAuditHead) != 0) {
    if (remaining() < kAuditHeadSize) return malformed("truncated in the audit head");
    AuditHead head;
    head.id = get_u64(p + off);
    std::copy(p + off + 8, p + off + kAuditHeadSize, head.hash.begin());
    audit_head_ = head;
    off += kAuditHeadSize;
  }
  if (remaining() < 1) return malformed("truncated before the signer count");
  const std::size_t signers = p[off];
  off += 1;
  if (signers == 0) return malformed("no signer is listed");
  if (signers > kMaxSigners) {
    return malformed(count_of(signers, "signers") + " listed; at most " +
                     std::to_string(kMaxSigners) + " are allowed");
  }
  if (remaining() / (kKeyIdSize + kSignatureSize) < signers) {
    return malformed("truncated: the feed announces " + count_of(signers, "signatures") +
                     " but the file is too short for them");
  }
  const std::size_t ids_offset = off;
  off += signers * kKeyIdSize;
  signed_size_ = off;
  if (remaining() != signers * kSignatureSize) {
    return malformed(std::to_string(remaining() - signers * kSignatureSize) +
                     " unexpected bytes after the signatures");
  }
  if (const auto i = first_unordered(p + ids_offset, signers, kKeyIdSize, kKeyIdSize); i != 0) {
    return malformed("signer key ids are not in strictly ascending order");
  }
  for (std::size_t i = 0; i < signers; ++i) {
    KeyId id{};
    std::copy(p + ids_offset + i * kKeyIdSize, p + ids_offset + (i + 1) * kKeyIdSize, id.begin());
    signer_ids_.push_back(id);
    signature_offsets_.push_back(signed_size_ + i * kSignatureSize);
  }
  return {};
}

// The rules both versions share, then the lookup indexes.
Status Feed::check_and_index() {
  if (sequence_ == 0) return malformed("sequence 0 is not a published feed");
  if (!valid_time(issued_at_) || !valid_time(next_update_)) {
    return malformed("issued-at or next-update is out of range");
  }
  if (next_update_ < issued_at_) return malformed("next-update is before issued-at");
  const std::uint8_t* p = u8(bytes_);
  if (first_unordered(p + retired_offset_, retired_count_, kKeyIdSize, kKeyIdSize) != 0) {
    return malformed("retired keys are not in strictly ascending order");
  }
  if (const auto i = first_unordered(p + entries_offset_, entry_count_, kEntrySize, kHashSize)) {
    return malformed("entries are not in strictly ascending order (entry " + std::to_string(i) +
                     ")");
  }
  if (const auto i =
          first_unordered(p + tokens_offset_, token_count_, kTokenEntrySize, kTokenEntrySize)) {
    return malformed("token entries are not in strictly ascending order (token entry " +
                     std::to_string(i) + ")");
  }
  for (const KeyId& signer : signer_ids_) {
    if (is_retired(signer)) {
      return malformed("signer " + pid_from_key_id(signer) +
                       " is listed as retired in the same feed");
    }
  }
  entry_index_.build(p + entries_offset_, entry_count_, kEntrySize);
  token_index_.build(p + tokens_offset_, token_count_, kTokenEntrySize);
  return {};
}

Status Feed::verify_signature(const KeyId& signer, const PublicKey& key) const {
  ensure_sodium();
  const auto it = std::find(signer_ids_.begin(), signer_ids_.end(), signer);
  if (it == signer_ids_.end()) {
    return make_error(ErrorCode::unknown_key,
                      "revocation feed carries no signature by key " + pid_from_key_id(signer));
  }
  if (key_id_of(key) != signer) {
    return make_error(ErrorCode::bad_signature,
                      "revocation feed: the key given is not " + pid_from_key_id(signer));
  }
  const std::size_t at = signature_offsets_[static_cast<std::size_t>(it - signer_ids_.begin())];
  crypto_sign_state st = prehash(version_ == kVersion1 ? kSignatureDomainV1 : kSignatureDomainV2,
                                 u8(bytes_), signed_size_);
  // libsodium's final_verify takes a non-const signature pointer; it does not write to it.
  unsigned char sig[kSignatureSize];
  std::memcpy(sig, bytes_.data() + at, kSignatureSize);
  if (crypto_sign_final_verify(&st, sig, key.bytes.data()) != 0) {
    return make_error(ErrorCode::bad_signature, "revocation feed: the signature by " +
                                                    pid_from_key_id(signer) + " does not verify");
  }
  return {};
}

// ---- accessors ----

KeyId Feed::retired_key(std::size_t i) const {
  KeyId id{};
  const auto* p = u8(bytes_) + retired_offset_ + i * kKeyIdSize;
  std::copy(p, p + kKeyIdSize, id.begin());
  return id;
}

Entry Feed::entry(std::size_t i) const {
  Entry e;
  const auto* p = u8(bytes_) + entries_offset_ + i * kEntrySize;
  std::copy(p, p + kHashSize, e.hash.begin());
  e.value = get_u32(p + kHashSize);
  return e;
}

TokenHash Feed::token(std::size_t i) const {
  TokenHash t{};
  const auto* p = u8(bytes_) + tokens_offset_ + i * kTokenEntrySize;
  std::copy(p, p + kHashSize, t.begin());
  return t;
}

bool Feed::is_retired(const KeyId& id) const {
  // A handful of keys at most: a binary search in place.
  std::size_t lo = 0, hi = retired_count_;
  const auto* base = u8(bytes_) + retired_offset_;
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    const int c = std::memcmp(base + mid * kKeyIdSize, id.data(), kKeyIdSize);
    if (c == 0) return true;
    if (c < 0) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return false;
}

bool Feed::is_retired(std::string_view pid) const {
  auto id = key_id_from_pid(pid);
  return id && is_retired(*id);
}

std::optional<std::uint32_t> Feed::lookup(const LicenseHash& hash) const {
  const std::uint8_t* e = entry_index_.find(u8(bytes_) + entries_offset_, kEntrySize, hash.data());
  if (e == nullptr) return std::nullopt;
  return get_u32(e + kHashSize);
}

bool Feed::token_revoked(const TokenHash& hash) const {
  return token_index_.find(u8(bytes_) + tokens_offset_, kTokenEntrySize, hash.data()) != nullptr;
}

// ---- ContentView ----

Result<ContentView> ContentView::create(Content content) {
  if (auto st = sort_and_check(content); !st) return st.error();
  ContentView v;
  v.content_ = std::move(content);
  return v;
}

std::optional<std::uint32_t> ContentView::lookup(const LicenseHash& hash) const {
  const auto& e = content_.entries;
  const auto it = std::lower_bound(e.begin(), e.end(), Entry{hash, 0}, entry_less);
  if (it == e.end() || it->hash != hash) return std::nullopt;
  return it->value;
}

bool ContentView::token_revoked(const TokenHash& hash) const {
  return std::binary_search(content_.revoked_tokens.begin(), content_.revoked_tokens.end(), hash);
}

bool ContentView::is_retired(const KeyId& id) const {
  return std::binary_search(content_.retired_keys.begin(), content_.retired_keys.end(), id);
}

std::string ContentView::describe() const {
  return content_.sequence == 0 ? std::string("revocation list")
                                : "revocation list for feed " + std::to_string(content_.sequence);
}

}  // namespace licet::feed
