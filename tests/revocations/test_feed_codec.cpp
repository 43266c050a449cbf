// The feed codec on its own: what build() writes (version 2), what parse() refuses in both
// versions, signatures one by one, the lookup indexes, and version-1 feeds still read.
#include <gtest/gtest.h>
#include <sodium.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "feed_v1_writer.hpp"
#include "licet/common/revocation_feed.hpp"
#include "licet/keys/paserk.hpp"

namespace licet::feed {
namespace {

constexpr UnixTime kNow = 1790000000;

std::array<std::uint8_t, kHashSize> random_hash(std::mt19937_64& rng) {
  std::array<std::uint8_t, kHashSize> h{};
  for (auto& b : h) b = static_cast<std::uint8_t>(rng());
  return h;
}

KeyId random_key_id() {
  return key_id_of(paserk::generate_secret_key().public_key());
}

Content sample(std::size_t n, std::size_t tokens = 0, std::uint64_t seed = 1) {
  std::mt19937_64 rng(seed);
  Content c;
  c.sequence = 7;
  c.issued_at = kNow;
  c.next_update = kNow + 3600;
  for (std::size_t i = 0; i < n; ++i) {
    c.entries.push_back({random_hash(rng), static_cast<std::uint32_t>(i % 3)});
  }
  for (std::size_t i = 0; i < tokens; ++i) c.revoked_tokens.push_back(random_hash(rng));
  return c;
}

// Offsets of a version-2 feed, computed from docs/FORMAT.md for the test's own checks.
struct V2Layout {
  std::size_t retired, entries, tokens, audit, signer_count, signer_ids, signatures;
  static V2Layout of(std::size_t r, std::size_t n, std::size_t t, bool audit, std::size_t k) {
    V2Layout l{};
    l.retired = 40;
    l.entries = l.retired + 33 * r + 4;
    l.tokens = l.entries + 20 * n + 4;
    l.audit = l.tokens + 16 * t;
    l.signer_count = l.audit + (audit ? 40 : 0);
    l.signer_ids = l.signer_count + 1;
    l.signatures = l.signer_ids + 33 * k;
    (void)n;
    return l;
  }
};

struct Codec : ::testing::Test {
  SecretKey key = paserk::generate_secret_key();
  SecretKey other = paserk::generate_secret_key();
  KeyId key_id = key_id_of(key.public_key());
  KeyId other_id = key_id_of(other.public_key());

  std::string build_ok(Content c, std::vector<const SecretKey*> signers = {}) {
    if (signers.empty()) signers = {&key};
    auto bytes = build(std::move(c), signers);
    EXPECT_TRUE(bytes.ok()) << (bytes ? "" : bytes.error().message);
    return bytes ? *bytes : std::string();
  }
  static void expect_malformed(std::string bytes, const std::string& needle) {
    auto f = Feed::parse(std::move(bytes));
    ASSERT_FALSE(f.ok()) << "expected: " << needle;
    EXPECT_EQ(f.error().code, ErrorCode::malformed);
    EXPECT_NE(f.error().message.find(needle), std::string::npos) << f.error().message;
  }
  static void expect_build_refused(const Content& c, const std::vector<const SecretKey*>& signers,
                                   const std::string& needle) {
    auto bytes = build(c, signers);
    ASSERT_FALSE(bytes.ok()) << "expected: " << needle;
    EXPECT_EQ(bytes.error().code, ErrorCode::malformed);
    EXPECT_NE(bytes.error().message.find(needle), std::string::npos) << bytes.error().message;
  }
};

TEST_F(Codec, RoundTripsEverySection) {
  Content c = sample(50, 20);
  const KeyId retired = random_key_id();
  c.retired_keys.push_back(retired);
  AuditHead head;
  head.id = 123456789012ULL;
  for (std::size_t i = 0; i < head.hash.size(); ++i) head.hash[i] = static_cast<std::uint8_t>(i);
  c.audit_head = head;
  const Content original = c;
  const std::string bytes = build_ok(c);
  EXPECT_EQ(bytes.size(),
            kV2MinFeedSize + kKeyIdSize + 50 * kEntrySize + 20 * kTokenEntrySize + kAuditHeadSize);
  auto f = Feed::parse(bytes);
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(f->version(), 2);
  ASSERT_EQ(f->signer_ids().size(), 1u);
  EXPECT_EQ(f->signer_ids()[0], key_id);
  EXPECT_TRUE(f->verify_signature(key_id, key.public_key()).ok());
  EXPECT_EQ(f->sequence(), 7u);
  EXPECT_EQ(f->issued_at(), kNow);
  EXPECT_EQ(f->next_update(), kNow + 3600);
  EXPECT_EQ(f->entry_count(), 50u);
  EXPECT_EQ(f->token_count(), 20u);
  ASSERT_EQ(f->retired_key_count(), 1u);
  EXPECT_EQ(f->retired_key(0), retired);
  EXPECT_TRUE(f->is_retired(retired));
  EXPECT_TRUE(f->is_retired(pid_from_key_id(retired)));
  EXPECT_FALSE(f->is_retired(key_id));
  EXPECT_FALSE(f->is_retired("k4.pid.not-a-pid"));
  ASSERT_TRUE(f->audit_head().has_value());
  EXPECT_EQ(*f->audit_head(), head);
  for (const auto& e : original.entries) {
    auto v = f->lookup(e.hash);
    ASSERT_TRUE(v.has_value());
    EXPECT_EQ(*v, e.value);
    EXPECT_FALSE(f->token_revoked(e.hash));  // the two lists are separate
  }
  for (const auto& t : original.revoked_tokens) {
    EXPECT_TRUE(f->token_revoked(t));
    EXPECT_FALSE(f->lookup(t).has_value());
  }
  std::mt19937_64 rng(99);
  EXPECT_FALSE(f->lookup(random_hash(rng)).has_value());
  EXPECT_FALSE(f->token_revoked(random_hash(rng)));
  EXPECT_EQ(f->describe(), "revocation feed 7");
}

TEST_F(Codec, WritesTheDocumentedLayout) {
  Content c = sample(0);
  c.sequence = 0x0102030405060708ULL;
  c.entries.push_back({LicenseHash{0xff}, 0x01020304});
  c.entries.push_back({LicenseHash{0x00}, 0});
  c.revoked_tokens.push_back(TokenHash{0x42});
  c.retired_keys.push_back(random_key_id());
  c.audit_head = AuditHead{9, {}};
  const std::string bytes = build_ok(c, {&key, &other});
  const auto l = V2Layout::of(1, 2, 1, true, 2);
  const auto at = [&](std::size_t i) { return static_cast<unsigned>(std::uint8_t(bytes[i])); };
  EXPECT_EQ(bytes.substr(0, 8), "LICETRVK");
  EXPECT_EQ(at(8), 2u);   // version
  EXPECT_EQ(at(9), 1u);   // flags: audit head present
  EXPECT_EQ(at(10), 0u);  // reserved
  EXPECT_EQ(at(11), 0u);
  EXPECT_EQ(at(12), 0x08u);  // sequence, least significant byte first
  EXPECT_EQ(at(19), 0x01u);
  EXPECT_EQ(at(36), 1u);  // retired-key count
  EXPECT_EQ(at(l.entries - 4), 2u);
  EXPECT_EQ(at(l.entries), 0x00u);  // sorted: the 00… hash first
  EXPECT_EQ(at(l.entries + 20), 0xffu);
  EXPECT_EQ(at(l.entries + 20 + 16), 0x04u);  // its value, little-endian
  EXPECT_EQ(at(l.entries + 20 + 19), 0x01u);
  EXPECT_EQ(at(l.tokens - 4), 1u);
  EXPECT_EQ(at(l.tokens), 0x42u);
  EXPECT_EQ(at(l.audit), 9u);  // audit head id
  EXPECT_EQ(at(l.signer_count), 2u);
  EXPECT_EQ(bytes.size(), l.signatures + 2 * kSignatureSize);
  // Signer ids ascending; each signature is Ed25519ph over the v2 domain string and everything
  // before the first signature.
  std::vector<KeyId> ids = {key_id, other_id};
  std::sort(ids.begin(), ids.end());
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(bytes.substr(l.signer_ids + 33 * i, 33),
              std::string(reinterpret_cast<const char*>(ids[i].data()), 33));
    const PublicKey pub = ids[i] == key_id ? key.public_key() : other.public_key();
    crypto_sign_state st;
    crypto_sign_init(&st);
    crypto_sign_update(&st, reinterpret_cast<const unsigned char*>(kSignatureDomainV2.data()),
                       kSignatureDomainV2.size());
    crypto_sign_update(&st, reinterpret_cast<const unsigned char*>(bytes.data()), l.signatures);
    unsigned char sig[64];
    std::copy(bytes.begin() + static_cast<std::ptrdiff_t>(l.signatures + 64 * i),
              bytes.begin() + static_cast<std::ptrdiff_t>(l.signatures + 64 * (i + 1)), sig);
    EXPECT_EQ(crypto_sign_final_verify(&st, sig, pub.bytes.data()), 0) << i;
    // Without the domain string the same signature is worthless.
    crypto_sign_init(&st);
    crypto_sign_update(&st, reinterpret_cast<const unsigned char*>(bytes.data()), l.signatures);
    EXPECT_NE(crypto_sign_final_verify(&st, sig, pub.bytes.data()), 0) << i;
  }
}

TEST_F(Codec, EachSignatureVerifiesAlone) {
  const std::string bytes = build_ok(sample(5, 5), {&key, &other});
  auto f = Feed::parse(bytes);
  ASSERT_TRUE(f.ok()) << f.error().message;
  ASSERT_EQ(f->signer_ids().size(), 2u);
  EXPECT_TRUE(f->verify_signature(key_id, key.public_key()).ok());
  EXPECT_TRUE(f->verify_signature(other_id, other.public_key()).ok());
  // The key must be the one the id names.
  EXPECT_EQ(f->verify_signature(key_id, other.public_key()).code(), ErrorCode::bad_signature);
  // A key that did not sign.
  const auto stranger = paserk::generate_secret_key();
  EXPECT_EQ(f->verify_signature(key_id_of(stranger.public_key()), stranger.public_key()).code(),
            ErrorCode::unknown_key);

  // Spoil one signature: the other one still verifies.
  const auto l = V2Layout::of(0, 5, 5, false, 2);
  const bool key_first = key_id < other_id;
  std::string spoiled = bytes;
  spoiled[l.signatures + (key_first ? 0 : 64) + 10] ^= 0x01;
  auto g = Feed::parse(spoiled);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->verify_signature(key_id, key.public_key()).code(), ErrorCode::bad_signature);
  EXPECT_TRUE(g->verify_signature(other_id, other.public_key()).ok());
}

TEST_F(Codec, BuildRefusesDuplicatesAndImpossibleValues) {
  Content dup = sample(3);
  dup.entries.push_back({dup.entries[1].hash, 5});
  expect_build_refused(dup, {&key}, "same license hash");
  Content tok = sample(0, 3);
  tok.revoked_tokens.push_back(tok.revoked_tokens[0]);
  expect_build_refused(tok, {&key}, "token hash is listed twice");
  Content ret = sample(0);
  ret.retired_keys = {other_id, other_id};
  expect_build_refused(ret, {&key}, "retired key is listed twice");
  Content t = sample(1);
  t.next_update = t.issued_at - 1;
  expect_build_refused(t, {&key}, "before issued-at");
  Content far = sample(1);
  far.next_update = kMaxTime + 1;
  expect_build_refused(far, {&key}, "out of range");
  Content z = sample(1);
  z.sequence = 0;
  expect_build_refused(z, {&key}, "starts at 1");
  expect_build_refused(sample(1), {}, "at least one signing key");
  expect_build_refused(sample(1), {nullptr}, "missing");
  expect_build_refused(sample(1), {&key, &key}, "given twice");
  Content self = sample(1);
  self.retired_keys.push_back(key_id);
  expect_build_refused(self, {&key, &other}, "retired in the same feed");
  std::vector<SecretKey> many;
  std::vector<const SecretKey*> seventeen;
  for (int i = 0; i < 17; ++i) many.push_back(paserk::generate_secret_key());
  for (const auto& k : many) seventeen.push_back(&k);
  expect_build_refused(sample(1), seventeen, "more than 16");
  seventeen.pop_back();
  auto sixteen = build(sample(1), seventeen);
  ASSERT_TRUE(sixteen.ok()) << sixteen.error().message;
  auto f = Feed::parse(*sixteen);
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(f->signer_ids().size(), 16u);
  for (const auto& k : many) {
    if (&k == &many.back()) break;
    EXPECT_TRUE(f->verify_signature(key_id_of(k.public_key()), k.public_key()).ok());
  }
}

TEST_F(Codec, HashesAreKeyedStableAndSeparate) {
  EXPECT_EQ(hash_license_key("MOSTAGARE-7Q4K"), hash_license_key("MOSTAGARE-7Q4K"));
  EXPECT_NE(hash_license_key("MOSTAGARE-7Q4K"), hash_license_key("MOSTAGARE-7Q4J"));
  EXPECT_EQ(hash_token_id("jti-1"), hash_token_id("jti-1"));
  EXPECT_NE(hash_token_id("jti-1"), hash_token_id("jti-2"));
  // Each has its own domain key: the same text never gives the same name in both lists, and
  // neither is the plain unkeyed BLAKE2b-128.
  EXPECT_NE(hash_token_id("X"), hash_license_key("X"));
  std::array<std::uint8_t, 16> plain{};
  crypto_generichash(plain.data(), plain.size(), reinterpret_cast<const unsigned char*>("X"), 1,
                     nullptr, 0);
  EXPECT_NE(hash_token_id("X"), plain);
  EXPECT_NE(hash_license_key("X"), plain);
}

TEST_F(Codec, PidConversionRoundTrips) {
  const std::string pid = paserk::pid(key.public_key());
  auto id = key_id_from_pid(pid);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, key_id_of(key.public_key()));
  EXPECT_EQ(pid_from_key_id(*id), pid);
  EXPECT_FALSE(key_id_from_pid("k4.public.abc").ok());
  EXPECT_FALSE(key_id_from_pid("k4.pid.abc").ok());
}

TEST_F(Codec, AnyFlippedBitBreaksTheSignaturesOrTheStructure) {
  Content c = sample(4, 3);
  c.audit_head = AuditHead{1, {}};
  c.retired_keys.push_back(random_key_id());
  const std::string bytes = build_ok(c, {&key, &other});
  const auto l = V2Layout::of(1, 4, 3, true, 2);
  const std::size_t key_sig = l.signatures + (key_id < other_id ? 0 : 64);
  const std::size_t other_sig = l.signatures + (key_id < other_id ? 64 : 0);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    std::string bad = bytes;
    bad[i] = static_cast<char>(bad[i] ^ 0x10);
    auto f = Feed::parse(bad);
    if (!f.ok()) continue;
    // A signed byte breaks both signatures; a byte of one signature breaks only that one.
    const bool in_key_sig = i >= key_sig && i < key_sig + 64;
    const bool in_other_sig = i >= other_sig && i < other_sig + 64;
    EXPECT_EQ(f->verify_signature(key_id, key.public_key()).ok(), in_other_sig) << "byte " << i;
    EXPECT_EQ(f->verify_signature(other_id, other.public_key()).ok(), in_key_sig) << "byte " << i;
  }
}

TEST_F(Codec, EveryTruncationIsMalformed) {
  Content c = sample(3, 2);
  c.audit_head = AuditHead{1, {}};
  c.retired_keys.push_back(random_key_id());
  for (const std::string& bytes :
       {build_ok(c, {&key, &other}), build_ok(sample(0)), test::write_v1_feed(c, key)}) {
    ASSERT_TRUE(Feed::parse(bytes).ok());
    for (std::size_t n = 0; n < bytes.size(); ++n) {
      auto f = Feed::parse(bytes.substr(0, n));
      ASSERT_FALSE(f.ok()) << "length " << n;
      EXPECT_EQ(f.error().code, ErrorCode::malformed);
    }
  }
}

TEST_F(Codec, RejectsGarbageWithPreciseMessages) {
  const std::string good = build_ok(sample(3, 2), {&key, &other});
  const auto l = V2Layout::of(0, 3, 2, false, 2);
  const auto with = [&](std::size_t at, std::uint8_t value) {
    std::string s = good;
    s[at] = static_cast<char>(value);
    return s;
  };
  expect_malformed("<html>not found</html>", "LICETRVK");
  expect_malformed("LICETRVK", "truncated before the format version");
  expect_malformed(good.substr(0, 40), "smallest version-2 feed is 146");
  expect_malformed(with(8, 3), "format version 3 is not supported");
  expect_malformed(with(8, 0), "format version 0");
  expect_malformed(with(9, 2), "unknown header flags");
  expect_malformed(with(9, 1), "");  // a head is read where the signers are: some rule fails
  expect_malformed(with(10, 1), "reserved");
  expect_malformed(with(11, 0x80), "reserved");
  std::string seq = good;
  std::fill(seq.begin() + 12, seq.begin() + 20, '\0');
  expect_malformed(seq, "sequence 0");
  expect_malformed(with(27, 0x7f), "out of range");  // issued_at far in the future
  expect_malformed(with(35, 0x80), "out of range");  // next_update negative
  std::string before = good;                         // next_update = issued_at - 1
  std::copy(good.begin() + 20, good.begin() + 28, before.begin() + 28);
  before[28] = static_cast<char>(before[28] - 1);
  expect_malformed(before, "before issued-at");
  expect_malformed(with(39, 0x10), "retired keys");
  expect_malformed(with(l.entries - 1, 0x7f), "entries but the file is too short");
  expect_malformed(with(l.tokens - 1, 0x7f), "token entries but the file is too short");
  expect_malformed(with(l.signer_count, 0), "no signer");
  expect_malformed(with(l.signer_count, 17), "17 signers listed; at most 16");
  expect_malformed(with(l.signer_count, 3), "3 signatures but the file is too short");
  expect_malformed(with(l.signer_count, 1), "unexpected bytes after the signatures");
  expect_malformed(good + "x", "1 unexpected bytes after the signatures");
  // Both signers the same key: not strictly ascending.
  std::string twice = good;
  std::copy(good.begin() + static_cast<std::ptrdiff_t>(l.signer_ids),
            good.begin() + static_cast<std::ptrdiff_t>(l.signer_ids + 33),
            twice.begin() + static_cast<std::ptrdiff_t>(l.signer_ids + 33));
  expect_malformed(twice, "signer key ids are not in strictly ascending order");
  expect_malformed(std::string(kMaxFeedBytes + 1, 'x').replace(0, 8, "LICETRVK"), "64 MiB");
}

TEST_F(Codec, TruncatedAuditHeadIsNamed) {
  Content c = sample(5);  // long enough that the cuts below pass the minimum-size check
  c.audit_head = AuditHead{1, {}};
  const std::string bytes = build_ok(c);
  const auto l = V2Layout::of(0, 5, 0, true, 1);
  expect_malformed(bytes.substr(0, l.audit + 20), "truncated in the audit head");
  expect_malformed(bytes.substr(0, l.signer_count), "truncated before the signer count");
}

TEST_F(Codec, RejectsUnsortedOrDuplicateRecords) {
  Content c = sample(0);
  c.entries = {{LicenseHash{1}, 0}, {LicenseHash{2}, 0}};
  c.revoked_tokens = {TokenHash{1}, TokenHash{2}};
  c.retired_keys = {KeyId{1}, KeyId{2}};
  const std::string bytes = build_ok(c);
  const auto l = V2Layout::of(2, 2, 2, false, 1);
  const auto copy_record = [&](std::size_t from, std::size_t to, std::size_t size) {
    std::string s = bytes;
    std::copy(bytes.begin() + static_cast<std::ptrdiff_t>(from),
              bytes.begin() + static_cast<std::ptrdiff_t>(from + size),
              s.begin() + static_cast<std::ptrdiff_t>(to));
    return s;
  };
  // Record 1 made equal to record 0 (a duplicate), or record 0 made equal to record 1 and
  // record 1 to the old 0 (out of order): refused before any signature check.
  expect_malformed(copy_record(l.entries, l.entries + 20, 16), "entries are not in strictly");
  expect_malformed(copy_record(l.tokens, l.tokens + 16, 16), "token entries are not in strictly");
  expect_malformed(copy_record(l.retired, l.retired + 33, 33), "retired keys are not in strictly");
  std::string swapped = copy_record(l.entries + 20, l.entries, 16);
  std::copy(bytes.begin() + static_cast<std::ptrdiff_t>(l.entries),
            bytes.begin() + static_cast<std::ptrdiff_t>(l.entries + 16),
            swapped.begin() + static_cast<std::ptrdiff_t>(l.entries + 20));
  expect_malformed(swapped, "entries are not in strictly ascending order (entry 1)");
}

TEST_F(Codec, ASignerListedAsRetiredInTheSameFeedIsRefused) {
  // build() refuses it; a hand-edited feed (retired key id := the signer's) is refused by parse.
  Content c = sample(0);
  c.retired_keys = {KeyId{}};
  std::string bytes = build_ok(c);
  std::copy(key_id.begin(), key_id.end(), bytes.begin() + 40);
  expect_malformed(bytes, "is listed as retired in the same feed");
}

TEST_F(Codec, EmptyFeedIsValid) {
  const std::string bytes = build_ok(sample(0));
  EXPECT_EQ(bytes.size(), kV2MinFeedSize);
  EXPECT_EQ(kV2MinFeedSize, 146u);
  auto f = Feed::parse(bytes);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->entry_count(), 0u);
  EXPECT_EQ(f->token_count(), 0u);
  EXPECT_FALSE(f->audit_head().has_value());
  EXPECT_FALSE(f->lookup(LicenseHash{}).has_value());
  EXPECT_FALSE(f->token_revoked(TokenHash{}));
}

// The index answers exactly what a sorted set answers, at every size around the bucket-count
// steps, for hits, misses and hashes that share a prefix with a record.
TEST_F(Codec, IndexedLookupsMatchASortedSet) {
  std::mt19937_64 rng(5);
  for (std::size_t n : {0, 1, 2, 3, 4, 5, 255, 256, 257, 1000, 4097}) {
    Content c = sample(n, n, n + 11);
    std::map<LicenseHash, std::uint32_t> entries;
    for (const auto& e : c.entries) entries[e.hash] = e.value;
    const std::set<TokenHash> tokens(c.revoked_tokens.begin(), c.revoked_tokens.end());
    auto f = Feed::parse(build_ok(c));
    ASSERT_TRUE(f.ok());
    for (const auto& [h, v] : entries) {
      ASSERT_EQ(f->lookup(h), std::optional<std::uint32_t>(v)) << n;
      LicenseHash near = h;
      near[15] ^= 1;  // same bucket, not present
      EXPECT_EQ(f->lookup(near).has_value(), entries.count(near) == 1) << n;
    }
    for (const auto& t : tokens) ASSERT_TRUE(f->token_revoked(t)) << n;
    for (int i = 0; i < 200; ++i) {
      const auto h = random_hash(rng);
      EXPECT_EQ(f->lookup(h).has_value(), entries.count(h) == 1);
      EXPECT_EQ(f->token_revoked(h), tokens.count(h) == 1);
    }
    EXPECT_EQ(f->lookup(LicenseHash{}).has_value(), entries.count(LicenseHash{}) == 1);
    LicenseHash top;
    top.fill(0xff);
    EXPECT_EQ(f->lookup(top).has_value(), entries.count(top) == 1);
  }
}

TEST_F(Codec, IndexSurvivesHashesThatShareTheirFirstBytes) {
  // A feed whose hashes all fall into one bucket (only an issuer could write it) still answers
  // correctly, by a binary search inside that bucket.
  Content c = sample(0);
  for (std::uint32_t i = 0; i < 3000; ++i) {
    LicenseHash h{};
    h[12] = static_cast<std::uint8_t>(i >> 8);
    h[13] = static_cast<std::uint8_t>(i);
    c.entries.push_back({h, i});
    c.revoked_tokens.push_back(h);
  }
  auto f = Feed::parse(build_ok(c));
  ASSERT_TRUE(f.ok());
  for (const auto& e : c.entries) {
    ASSERT_EQ(f->lookup(e.hash), std::optional<std::uint32_t>(e.value));
    ASSERT_TRUE(f->token_revoked(e.hash));
  }
  LicenseHash absent{};
  absent[14] = 1;
  EXPECT_FALSE(f->lookup(absent).has_value());
  EXPECT_FALSE(f->token_revoked(absent));
}

TEST(HashIndexTest, BucketBitsFollowTheRecordCount) {
  const std::vector<std::uint8_t> none;
  HashIndex index;
  for (const auto& [count, bits] : std::vector<std::pair<std::size_t, unsigned>>{
           {0, 0}, {1, 0}, {2, 1}, {3, 2}, {4, 2}, {5, 3}, {1000, 10}, {1024, 10}, {1025, 11}}) {
    std::vector<std::uint8_t> records(count * kHashSize);  // all zero: one bucket holds all
    index.build(records.data(), count, kHashSize);
    EXPECT_EQ(index.bits(), bits) << count;
  }
}

TEST_F(Codec, Version1FeedsStillParseAndVerify) {
  Content c = sample(30);
  const KeyId retired = random_key_id();
  c.retired_keys.push_back(retired);
  const std::string bytes = test::write_v1_feed(c, key);
  EXPECT_EQ(bytes.size(), kV1MinFeedSize + kKeyIdSize + 30 * kEntrySize);
  auto f = Feed::parse(bytes);
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(f->version(), 1);
  ASSERT_EQ(f->signer_ids().size(), 1u);
  EXPECT_EQ(f->signer_ids()[0], key_id);
  EXPECT_TRUE(f->verify_signature(key_id, key.public_key()).ok());
  EXPECT_EQ(f->verify_signature(other_id, other.public_key()).code(), ErrorCode::unknown_key);
  EXPECT_EQ(f->sequence(), 7u);
  EXPECT_EQ(f->token_count(), 0u);
  EXPECT_FALSE(f->audit_head().has_value());
  EXPECT_TRUE(f->is_retired(retired));
  for (const auto& e : c.entries) EXPECT_EQ(f->lookup(e.hash), std::optional(e.value));

  // Its rules: reserved bytes, trailing bytes, counts, order, and its own domain string.
  std::string reserved = bytes;
  reserved[10] = 1;
  expect_malformed(reserved, "reserved");
  expect_malformed(bytes + "x", "unexpected bytes between the entries and the signature");
  std::string count = bytes;
  count[kV1HeaderSize + 4 + kKeyIdSize + 3] = 0x7f;
  expect_malformed(count, "entries but the file is too short");
  expect_malformed(bytes.substr(0, 100), "smallest version-1 feed is 141");
  std::string flipped = bytes;
  flipped[kV1HeaderSize + 4 + kKeyIdSize + 4 + 3] ^= 0x01;  // inside the first entry's hash
  auto g = Feed::parse(flipped);
  if (g.ok()) {
    EXPECT_EQ(g->verify_signature(key_id, key.public_key()).code(), ErrorCode::bad_signature);
  }
  // A v1 body signed under the v2 domain string does not verify as v1.
  std::string cross = bytes.substr(0, bytes.size() - 64);
  crypto_sign_state st;
  crypto_sign_init(&st);
  crypto_sign_update(&st, reinterpret_cast<const unsigned char*>(kSignatureDomainV2.data()),
                     kSignatureDomainV2.size());
  crypto_sign_update(&st, reinterpret_cast<const unsigned char*>(cross.data()), cross.size());
  unsigned char sig[64];
  crypto_sign_final_create(&st, sig, nullptr, key.data());
  cross.append(reinterpret_cast<const char*>(sig), 64);
  auto h = Feed::parse(cross);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->verify_signature(key_id, key.public_key()).code(), ErrorCode::bad_signature);
}

TEST_F(Codec, ContentViewAnswersLikeTheParsedFeed) {
  Content c = sample(40, 40);
  c.retired_keys.push_back(other_id);
  auto view = ContentView::create(c);
  ASSERT_TRUE(view.ok()) << view.error().message;
  auto f = Feed::parse(build_ok(c));
  ASSERT_TRUE(f.ok());
  const View& a = *view;
  const View& b = *f;
  std::mt19937_64 rng(3);
  for (const auto& e : c.entries) EXPECT_EQ(a.lookup(e.hash), b.lookup(e.hash));
  for (const auto& t : c.revoked_tokens) EXPECT_EQ(a.token_revoked(t), b.token_revoked(t));
  for (int i = 0; i < 100; ++i) {
    const auto h = random_hash(rng);
    EXPECT_EQ(a.lookup(h), b.lookup(h));
    EXPECT_EQ(a.token_revoked(h), b.token_revoked(h));
  }
  EXPECT_TRUE(a.is_retired(other_id));
  EXPECT_EQ(a.is_retired(key_id), b.is_retired(key_id));
  Content dup = sample(2);
  dup.entries.push_back(dup.entries[0]);
  EXPECT_EQ(ContentView::create(dup).code(), ErrorCode::malformed);
}

}  // namespace
}  // namespace licet::feed
