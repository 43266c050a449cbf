#include "licet/common/revocation_feed.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstring>

#include "licet/common/base64.hpp"
#include "licet/common/sodium_init.hpp"

namespace licet::feed {
namespace {

constexpr std::string_view kPidPrefix = "k4.pid.";
constexpr std::string_view kHashKey = "licet revocation feed license key v1";
static_assert(kHashKey.size() >= crypto_generichash_KEYBYTES_MIN &&
              kHashKey.size() <= crypto_generichash_KEYBYTES_MAX);

// Offsets inside the fixed header (docs/FORMAT.md).
constexpr std::size_t kOffVersion = 8;
constexpr std::size_t kOffReserved = 9;
constexpr std::size_t kOffKeyId = 12;
constexpr std::size_t kOffSequence = 45;
constexpr std::size_t kOffIssuedAt = 53;
constexpr std::size_t kOffNextUpdate = 61;
static_assert(kOffNextUpdate + 8 == kHeaderSize);

// All integers are little-endian.
void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
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

const std::uint8_t* u8(const std::string& s) {
  return reinterpret_cast<const std::uint8_t*>(s.data());
}

Error malformed(std::string message) {
  return make_error(ErrorCode::malformed, "revocation feed: " + message);
}

bool valid_time(UnixTime t) {
  return t >= kMinTime && t <= kMaxTime;
}

}  // namespace

LicenseHash hash_license_key(std::string_view license_key) {
  ensure_sodium();
  LicenseHash out{};
  crypto_generichash(out.data(), out.size(),
                     reinterpret_cast<const unsigned char*>(license_key.data()), license_key.size(),
                     reinterpret_cast<const unsigned char*>(kHashKey.data()), kHashKey.size());
  return out;
}

Result<KeyId> key_id_from_pid(std::string_view pid) {
  if (pid.substr(0, kPidPrefix.size()) != kPidPrefix) {
    return make_error(ErrorCode::malformed, "not a k4.pid: missing the \"k4.pid.\" prefix");
  }
  auto raw = b64url_decode(pid.substr(kPidPrefix.size()));
  if (!raw || raw->size() != kKeyIdSize) {
    return make_error(ErrorCode::malformed, "not a k4.pid: the id is not 33 bytes of base64url");
  }
  KeyId id{};
  std::copy(raw->begin(), raw->end(), id.begin());
  return id;
}

std::string pid_from_key_id(const KeyId& id) {
  return std::string(kPidPrefix) + b64url_encode(id.data(), id.size());
}

Result<std::string> build(Content c, const SecretKey& key) {
  ensure_sodium();
  if (!valid_time(c.issued_at) || !valid_time(c.next_update)) {
    return malformed("issued-at or next-update is out of range");
  }
  if (c.next_update < c.issued_at) return malformed("next-update is before issued-at");
  if (c.sequence == 0) return malformed("the sequence starts at 1");
  if (c.entries.size() > (kMaxFeedBytes / kEntrySize) ||
      c.retired_keys.size() > (kMaxFeedBytes / kKeyIdSize)) {
    return malformed("too many entries for one feed");
  }
  std::sort(c.entries.begin(), c.entries.end(),
            [](const Entry& a, const Entry& b) { return a.hash < b.hash; });
  for (std::size_t i = 1; i < c.entries.size(); ++i) {
    if (c.entries[i].hash == c.entries[i - 1].hash) {
      return malformed("two entries for the same license hash");
    }
  }
  std::sort(c.retired_keys.begin(), c.retired_keys.end());
  c.retired_keys.erase(std::unique(c.retired_keys.begin(), c.retired_keys.end()),
                       c.retired_keys.end());

  const PublicKey pub = key.public_key();
  // The key id is the k4.pid of the signing key, computed the same way keys/ does.
  std::string out;
  out.reserve(kMinFeedSize + c.retired_keys.size() * kKeyIdSize + c.entries.size() * kEntrySize);
  out.append(kMagic);
  out.push_back(static_cast<char>(kVersion));
  out.append(3, '\0');
  {
    // k4.pid digest: BLAKE2b-264("k4.pid." || "k4.public." || base64url(pk)) per PASERK.
    const std::string header = "k4.pid.";
    const std::string paserk = "k4.public." + b64url_encode(pub.bytes.data(), pub.bytes.size());
    std::string input = header + paserk;
    KeyId id{};
    crypto_generichash(id.data(), id.size(), u8(input), input.size(), nullptr, 0);
    out.append(reinterpret_cast<const char*>(id.data()), id.size());
  }
  put_u64(out, c.sequence);
  put_u64(out, static_cast<std::uint64_t>(c.issued_at));
  put_u64(out, static_cast<std::uint64_t>(c.next_update));
  put_u32(out, static_cast<std::uint32_t>(c.retired_keys.size()));
  for (const auto& k : c.retired_keys)
    out.append(reinterpret_cast<const char*>(k.data()), k.size());
  put_u32(out, static_cast<std::uint32_t>(c.entries.size()));
  for (const auto& e : c.entries) {
    out.append(reinterpret_cast<const char*>(e.hash.data()), e.hash.size());
    put_u32(out, e.value);
  }

  // Ed25519ph (RFC 8032) through libsodium's multi-part API: the body is hashed in place, never
  // copied behind the domain string.
  crypto_sign_state st;
  crypto_sign_init(&st);
  crypto_sign_update(&st, reinterpret_cast<const unsigned char*>(kSignatureDomain.data()),
                     kSignatureDomain.size());
  crypto_sign_update(&st, u8(out), out.size());
  unsigned char sig[kSignatureSize];
  crypto_sign_final_create(&st, sig, nullptr, key.data());
  out.append(reinterpret_cast<const char*>(sig), sizeof sig);
  return out;
}

Result<Feed> Feed::parse(std::string bytes) {
  const std::size_t n = bytes.size();
  if (n < kMagic.size() || std::memcmp(bytes.data(), kMagic.data(), kMagic.size()) != 0) {
    return malformed("does not start with \"LICETRVK\" (not a licet revocation feed)");
  }
  if (n > kMaxFeedBytes) return malformed("larger than 64 MiB");
  if (n < kMinFeedSize) {
    return malformed("truncated: " + std::to_string(n) + " bytes, the smallest feed is " +
                     std::to_string(kMinFeedSize));
  }
  const std::uint8_t* p = u8(bytes);
  if (p[kOffVersion] != kVersion) {
    return malformed("format version " + std::to_string(p[kOffVersion]) +
                     " is not supported (this verifier reads version 1)");
  }
  if (p[kOffReserved] != 0 || p[kOffReserved + 1] != 0 || p[kOffReserved + 2] != 0) {
    return malformed("reserved header bytes are not zero");
  }
  Feed f;
  std::copy(p + kOffKeyId, p + kOffKeyId + kKeyIdSize, f.key_id_.begin());
  f.sequence_ = get_u64(p + kOffSequence);
  f.issued_at_ = static_cast<UnixTime>(get_u64(p + kOffIssuedAt));
  f.next_update_ = static_cast<UnixTime>(get_u64(p + kOffNextUpdate));
  if (f.sequence_ == 0) return malformed("sequence 0 is not a published feed");
  if (!valid_time(f.issued_at_) || !valid_time(f.next_update_)) {
    return malformed("issued-at or next-update is out of range");
  }
  if (f.next_update_ < f.issued_at_) return malformed("next-update is before issued-at");

  // Counts are checked against the bytes that remain before anything is multiplied or read.
  std::size_t off = kHeaderSize;
  const std::size_t body_end = n - kSignatureSize;
  const std::size_t retired = get_u32(p + off);
  off += 4;
  if (retired > (body_end - off) / kKeyIdSize) {
    return malformed("truncated: the header announces " + std::to_string(retired) +
                     " retired keys but the file is too short for them");
  }
  f.retired_offset_ = off;
  f.retired_count_ = retired;
  off += retired * kKeyIdSize;
  if (body_end - off < 4) return malformed("truncated before the entry count");
  const std::size_t count = get_u32(p + off);
  off += 4;
  if (count > (body_end - off) / kEntrySize) {
    return malformed("truncated: the header announces " + std::to_string(count) +
                     " entries but the file is too short for them");
  }
  f.entries_offset_ = off;
  f.entry_count_ = count;
  off += count * kEntrySize;
  if (off != body_end) {
    return malformed(std::to_string(body_end - off) +
                     " unexpected bytes between the entries and the signature");
  }
  for (std::size_t i = 1; i < retired; ++i) {
    const std::uint8_t* a = p + f.retired_offset_ + (i - 1) * kKeyIdSize;
    if (std::memcmp(a, a + kKeyIdSize, kKeyIdSize) >= 0) {
      return malformed("retired keys are not in strictly ascending order");
    }
  }
  for (std::size_t i = 1; i < count; ++i) {
    const std::uint8_t* a = p + f.entries_offset_ + (i - 1) * kEntrySize;
    if (std::memcmp(a, a + kEntrySize, kHashSize) >= 0) {
      return malformed("entries are not in strictly ascending order (entry " + std::to_string(i) +
                       ")");
    }
  }
  f.signed_size_ = body_end;
  f.bytes_ = std::move(bytes);
  return f;
}

Status Feed::verify_signature(const PublicKey& key) const {
  ensure_sodium();
  crypto_sign_state st;
  crypto_sign_init(&st);
  crypto_sign_update(&st, reinterpret_cast<const unsigned char*>(kSignatureDomain.data()),
                     kSignatureDomain.size());
  crypto_sign_update(&st, u8(bytes_), signed_size_);
  // libsodium's final_verify takes a non-const signature pointer; it does not write to it.
  unsigned char sig[kSignatureSize];
  std::memcpy(sig, bytes_.data() + signed_size_, kSignatureSize);
  if (crypto_sign_final_verify(&st, sig, key.bytes.data()) != 0) {
    return make_error(ErrorCode::bad_signature, "revocation feed: the signature does not verify");
  }
  return {};
}

KeyId Feed::retired_key(std::size_t i) const {
  KeyId id{};
  const auto* p = u8(bytes_) + retired_offset_ + i * kKeyIdSize;
  std::copy(p, p + kKeyIdSize, id.begin());
  return id;
}

bool Feed::is_retired(const KeyId& id) const {
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
  std::size_t lo = 0, hi = entry_count_;
  const auto* base = u8(bytes_) + entries_offset_;
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    const std::uint8_t* e = base + mid * kEntrySize;
    const int c = std::memcmp(e, hash.data(), kHashSize);
    if (c == 0) return get_u32(e + kHashSize);
    if (c < 0) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return std::nullopt;
}

Entry Feed::entry(std::size_t i) const {
  Entry e;
  const auto* p = u8(bytes_) + entries_offset_ + i * kEntrySize;
  std::copy(p, p + kHashSize, e.hash.begin());
  e.value = get_u32(p + kHashSize);
  return e;
}

}  // namespace licet::feed
