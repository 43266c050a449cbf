// The feed codec on its own: what build() writes, what parse() refuses, lookups.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "licet/common/revocation_feed.hpp"
#include "licet/keys/paserk.hpp"

namespace licet::feed {
namespace {

constexpr UnixTime kNow = 1790000000;

LicenseHash random_hash(std::mt19937_64& rng) {
  LicenseHash h{};
  for (auto& b : h) b = static_cast<std::uint8_t>(rng());
  return h;
}

Content sample(std::size_t n, std::uint64_t seed = 1) {
  std::mt19937_64 rng(seed);
  Content c;
  c.sequence = 7;
  c.issued_at = kNow;
  c.next_update = kNow + 3600;
  for (std::size_t i = 0; i < n; ++i) {
    c.entries.push_back({random_hash(rng), static_cast<std::uint32_t>(i % 3)});
  }
  return c;
}

struct Codec : ::testing::Test {
  SecretKey key = paserk::generate_secret_key();
  std::string build_ok(Content c) {
    auto bytes = build(std::move(c), key);
    EXPECT_TRUE(bytes.ok()) << (bytes ? "" : bytes.error().message);
    return bytes ? *bytes : std::string();
  }
  static void expect_malformed(std::string bytes, const std::string& needle) {
    auto f = Feed::parse(std::move(bytes));
    ASSERT_FALSE(f.ok());
    EXPECT_EQ(f.error().code, ErrorCode::malformed);
    EXPECT_NE(f.error().message.find(needle), std::string::npos) << f.error().message;
  }
};

TEST_F(Codec, RoundTripsHeaderEntriesAndRetiredKeys) {
  Content c = sample(50);
  auto retired = key_id_from_pid(paserk::pid(paserk::generate_secret_key().public_key()));
  ASSERT_TRUE(retired.ok());
  c.retired_keys.push_back(*retired);
  const Content original = c;
  const std::string bytes = build_ok(c);
  EXPECT_EQ(bytes.size(), kMinFeedSize + kKeyIdSize + 50 * kEntrySize);
  auto f = Feed::parse(bytes);
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_TRUE(f->verify_signature(key.public_key()).ok());
  EXPECT_EQ(f->sequence(), 7u);
  EXPECT_EQ(f->issued_at(), kNow);
  EXPECT_EQ(f->next_update(), kNow + 3600);
  EXPECT_EQ(f->key_pid(), paserk::pid(key.public_key()));
  EXPECT_EQ(f->entry_count(), 50u);
  EXPECT_TRUE(f->is_retired(*retired));
  EXPECT_FALSE(f->is_retired(f->key_id()));
  for (const auto& e : original.entries) {
    auto v = f->lookup(e.hash);
    ASSERT_TRUE(v.has_value());
    EXPECT_EQ(*v, e.value);
  }
  std::mt19937_64 other(99);
  EXPECT_FALSE(f->lookup(random_hash(other)).has_value());
}

TEST_F(Codec, EntriesAreStoredSortedAndLittleEndian) {
  Content c = sample(0);
  c.entries.push_back({LicenseHash{0xff}, 0x01020304});
  c.entries.push_back({LicenseHash{0x00}, 0});
  const std::string bytes = build_ok(c);
  auto f = Feed::parse(bytes);
  ASSERT_TRUE(f.ok());
  EXPECT_LT(f->entry(0).hash, f->entry(1).hash);
  const std::size_t second = kHeaderSize + 4 + 4 + kEntrySize;
  EXPECT_EQ(static_cast<unsigned char>(bytes[second + kHashSize]), 0x04);
  EXPECT_EQ(static_cast<unsigned char>(bytes[second + kHashSize + 3]), 0x01);
  EXPECT_EQ(bytes.substr(0, 8), "LICETRVK");
  EXPECT_EQ(static_cast<unsigned char>(bytes[45]), 7);  // sequence, least significant byte first
}

TEST_F(Codec, BuildRefusesDuplicatesAndImpossibleTimes) {
  Content c = sample(3);
  c.entries.push_back(c.entries[1]);
  EXPECT_FALSE(build(c, key).ok());
  Content t = sample(1);
  t.next_update = t.issued_at - 1;
  EXPECT_FALSE(build(t, key).ok());
  Content z = sample(1);
  z.sequence = 0;
  EXPECT_FALSE(build(z, key).ok());
}

TEST_F(Codec, HashOfLicenseKeyIsKeyedAndStable) {
  EXPECT_EQ(hash_license_key("MOSTAGARE-7Q4K"), hash_license_key("MOSTAGARE-7Q4K"));
  EXPECT_NE(hash_license_key("MOSTAGARE-7Q4K"), hash_license_key("MOSTAGARE-7Q4J"));
  // Not the plain unkeyed BLAKE2b-128, so a feed cannot be matched against other hash lists.
  const LicenseHash h = hash_license_key("");
  EXPECT_NE(h, LicenseHash{});
}

TEST_F(Codec, PidConversionRoundTrips) {
  const std::string pid = paserk::pid(key.public_key());
  auto id = key_id_from_pid(pid);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(pid_from_key_id(*id), pid);
  EXPECT_FALSE(key_id_from_pid("k4.public.abc").ok());
  EXPECT_FALSE(key_id_from_pid("k4.pid.abc").ok());
}

TEST_F(Codec, AnyFlippedBitBreaksTheSignatureOrTheStructure) {
  const std::string bytes = build_ok(sample(4));
  for (std::size_t i = 0; i < bytes.size(); i += 7) {
    std::string bad = bytes;
    bad[i] = static_cast<char>(bad[i] ^ 0x10);
    auto f = Feed::parse(bad);
    if (!f.ok()) continue;
    EXPECT_FALSE(f->verify_signature(key.public_key()).ok()) << "byte " << i;
  }
  auto f = Feed::parse(bytes);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->verify_signature(paserk::generate_secret_key().public_key()).code(),
            ErrorCode::bad_signature);
}

TEST_F(Codec, EveryTruncationIsMalformed) {
  const std::string bytes = build_ok(sample(3));
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    auto f = Feed::parse(bytes.substr(0, n));
    ASSERT_FALSE(f.ok()) << "length " << n;
    EXPECT_EQ(f.error().code, ErrorCode::malformed);
  }
}

TEST_F(Codec, RejectsGarbageWithPreciseMessages) {
  const std::string good = build_ok(sample(3));
  expect_malformed("<html>not found</html>", "LICETRVK");
  expect_malformed(good.substr(0, 40), "truncated");
  std::string v = good;
  v[8] = 2;
  expect_malformed(v, "version 2");
  std::string r = good;
  r[10] = 1;
  expect_malformed(r, "reserved");
  std::string big = good;
  big[kHeaderSize + 4] = static_cast<char>(0xff);  // entry count low byte
  big[kHeaderSize + 7] = static_cast<char>(0x7f);
  expect_malformed(big, "entries");
  std::string retired = good;
  retired[kHeaderSize + 3] = 0x10;
  expect_malformed(retired, "retired keys");
  expect_malformed(good + "x", "unexpected bytes");
  std::string seq = good;
  std::fill(seq.begin() + 45, seq.begin() + 53, '\0');
  expect_malformed(seq, "sequence 0");
}

TEST_F(Codec, RejectsUnsortedOrDuplicateEntries) {
  Content c = sample(0);
  c.entries.push_back({LicenseHash{1}, 0});
  c.entries.push_back({LicenseHash{2}, 0});
  std::string bytes = build_ok(c);
  const std::size_t first = kHeaderSize + 4 + 4;
  // Make entry 1 equal to entry 0: the structure check refuses it before any signature check.
  std::copy(bytes.begin() + static_cast<std::ptrdiff_t>(first),
            bytes.begin() + static_cast<std::ptrdiff_t>(first + kHashSize),
            bytes.begin() + static_cast<std::ptrdiff_t>(first + kEntrySize));
  expect_malformed(bytes, "ascending");
}

TEST_F(Codec, EmptyFeedIsValid) {
  const std::string bytes = build_ok(sample(0));
  EXPECT_EQ(bytes.size(), kMinFeedSize);
  auto f = Feed::parse(bytes);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->entry_count(), 0u);
  EXPECT_FALSE(f->lookup(LicenseHash{}).has_value());
}

}  // namespace
}  // namespace licet::feed
